import { createReadStream, openAsBlob } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { Database } from './client.js';

type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

interface PostgresClient {
  unsafe(query: string): { writable(): Promise<NodeJS.WritableStream> };
}
interface PgliteClient {
  query(query: string, parameters: unknown[], options: { blob: Blob }): Promise<unknown>;
}

/**
 * `COPY into FROM` a file inside a drizzle transaction, on either driver. postgres.js streams the
 * file to the server (constant memory); PGlite only reads COPY input from `/dev/blob`, a Blob
 * it takes whole, so there the file is in memory once (an embedded database is small). Every
 * chunk passes `observe` first, so a caller can hash or count the bytes the database got.
 */
export async function copyFromFile(
  tx: Transaction,
  into: string,
  options: string,
  path: string,
  observe: (chunk: Buffer) => void
): Promise<void> {
  // drizzle keeps the driver's transaction client on the session; neither driver's public API reaches COPY.
  const client = (tx as unknown as { session: { client: PostgresClient | PgliteClient } }).session.client;
  if ('unsafe' in client) {
    const watching = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        observe(chunk);
        done(null, chunk);
      }
    });
    const writable = await client.unsafe(`copy ${into} from stdin with (${options})`).writable();
    // postgres.js loses an error the server sends after the last byte (the writable then never
    // finishes). A query sent once the last byte is handed over waits behind the COPY on the
    // same connection and fails when the COPY did, so it answers instead.
    const refused = new Promise<never>((_resolve, reject) => {
      watching.once('end', () => {
        Promise.resolve(client.unsafe('select 1')).catch(reject);
      });
    });
    try {
      await Promise.race([pipeline(createReadStream(path, { highWaterMark: 256 * 1024 }), watching, writable), refused]);
    } catch (error) {
      if ((error as { code?: unknown }).code === '25P02') throw new CopyRefused();
      throw error;
    }
    return;
  }
  for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) observe(chunk as Buffer);
  await client.query(`copy ${into} from '/dev/blob' with (${options})`, [], { blob: await openAsBlob(path) });
}

/** The server refused the COPY's data after the last byte; the transaction (or savepoint) is aborted. */
export class CopyRefused extends Error {}
