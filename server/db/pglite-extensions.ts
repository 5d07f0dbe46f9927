import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';

/**
 * How every PGlite of the portal's is opened, for the utility whose rows its session reads and
 * writes (drizzle 0020: `app.utility`). Set as a start parameter, not by SET: the socket that
 * lets commands into the session resets it after each (pglite-socket.ts), back to this. And
 * with the extensions the migrations create (0017: pg_trgm, for the staff search's indexes),
 * since PGlite can only create one it was given when opened.
 */
export function pgliteOptions(utility: string) {
  return {
    extensions: { pg_trgm },
    startParams: [...PGlite.defaultStartParams, '-c', `app.utility=${utility}`]
  };
}
