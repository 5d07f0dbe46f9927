import { createReadStream, openAsBlob } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { PGlite, type Transaction as PgliteTransaction } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import type postgres from 'postgres';
import { driverClient, UtilitySession, type Database } from './client.js';
import { holdToUtility, utilityOf } from './in-utility.js';
import * as schema from './schema.js';

/**
 * A transaction opened by the driver itself, because drizzle's has no way to COPY: drizzle
 * wrapped around it for the ordinary statements, the driver's own API for COPY and savepoints.
 */
export interface CopyingTransaction {
  db: Database;
  /**
   * `COPY into FROM` a file. postgres.js streams it to the server (constant memory); PGlite
   * only reads COPY input from `/dev/blob`, a Blob it takes whole, so there the file is in
   * memory once (an embedded database is small). Every chunk passes `observe` first, so a
   * caller can hash or count the bytes the database got.
   */
  copyFromFile(into: string, options: string, path: string, observe: (chunk: Buffer) => void): Promise<void>;
  /** Runs work inside a savepoint; when work throws, the transaction is undone to it and the error passed on. */
  savepoint<T>(work: (inner: CopyingTransaction) => Promise<T>): Promise<T>;
}

/**
 * Runs work in one transaction of db's driver (drizzle's documented `db.$client`): committed
 * when work returns, rolled back when it throws. db must be the database, not a transaction.
 */
export async function transactionWithCopy<T>(db: Database, work: (tx: CopyingTransaction) => Promise<T>): Promise<T> {
  const client = driverClient(db);
  const utility = utilityOf(db);
  if (client instanceof PGlite || client instanceof UtilitySession) return client.transaction((tx) => work(pgliteTransaction(tx, utility)));
  if (!client) throw new Error('transactionWithCopy opens its own transaction: give it the database');
  return (await client.begin((tx) => work(postgresTransaction(tx, client.options, utility)))) as T;
}

const CHUNK_BYTES = 256 * 1024;

function postgresTransaction(tx: postgres.TransactionSql, options: postgres.Sql['options'], utility: string): CopyingTransaction {
  // drizzle's driver reads the type parsers off `options`, which postgres.js sets on the pool's
  // sql only; the transaction's queries run with those same options.
  const db = holdToUtility(drizzlePostgres({ client: Object.assign(tx, { options }) as unknown as postgres.Sql, schema }) as unknown as Database, utility);
  return {
    db,
    savepoint: async (work) => (await tx.savepoint((inner) => work(postgresTransaction(inner, options, utility)))) as Awaited<ReturnType<typeof work>>,
    async copyFromFile(into, copyOptions, path, observe) {
      const watching = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          observe(chunk);
          done(null, chunk);
        }
      });
      const writable = await tx.unsafe(`copy ${into} from stdin with (${copyOptions})`).writable();
      // postgres.js 3.4 loses an error the server sends after the last byte: the writable never
      // finishes (porsager/postgres#1173). A query sent once the last byte is handed over waits
      // behind the COPY on the same connection and fails when the COPY did, so it answers instead.
      const refused = new Promise<never>((_resolve, reject) => {
        watching.once('end', () => {
          Promise.resolve(tx`select 1`).catch(reject);
        });
      });
      try {
        await Promise.race([pipeline(createReadStream(path, { highWaterMark: CHUNK_BYTES }), watching, writable), refused]);
      } catch (error) {
        if ((error as { code?: unknown }).code === '25P02') throw new CopyRefused();
        throw error;
      }
    }
  };
}

function pgliteTransaction(tx: PgliteTransaction, utility: string): CopyingTransaction {
  // drizzle's PGlite driver only ever calls query() on its client, which a PGlite transaction has.
  const db = holdToUtility(drizzlePglite({ client: tx as unknown as PGlite, schema }) as unknown as Database, utility);
  const self: CopyingTransaction = {
    db,
    async savepoint(work) {
      await tx.exec('savepoint copying');
      try {
        const result = await work(self);
        await tx.exec('release savepoint copying');
        return result;
      } catch (error) {
        await tx.exec('rollback to savepoint copying');
        throw error;
      }
    },
    async copyFromFile(into, copyOptions, path, observe) {
      for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) observe(chunk as Buffer);
      await tx.query(`copy ${into} from '/dev/blob' with (${copyOptions})`, [], { blob: await openAsBlob(path) });
    }
  };
  return self;
}

/** The server refused the COPY's data after the last byte; the transaction (or savepoint) is aborted. */
export class CopyRefused extends Error {}
