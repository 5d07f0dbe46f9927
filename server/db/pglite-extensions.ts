import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';

/**
 * The extensions the migrations create (0017: pg_trgm, for the staff search's indexes). PGlite
 * can only create one it was given when opened, so every PGlite of the portal's is opened with these.
 */
export const pgliteOptions = { extensions: { pg_trgm } };
