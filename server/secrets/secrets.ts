import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { serverSecrets } from '../db/schema.js';

/**
 * A random secret made once and kept in the database, so that every app process (and every
 * restart) uses the same one without any configuration.
 */
export async function serverSecret(db: Database, name: string, make = () => randomBytes(32).toString('base64url')): Promise<string> {
  await db
    .insert(serverSecrets)
    .values({ name, value: make() })
    .onConflictDoNothing();
  const [row] = await db.select().from(serverSecrets).where(eq(serverSecrets.name, name));
  return row!.value;
}
