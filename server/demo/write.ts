import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import iconv from 'iconv-lite';
import type { RowsByKind } from '../../src/lib/shared/billing-rows.js';
import { encodeRow, fileHeader, importKinds, type ImportKind } from '../domain/import-rows.js';
import type { DemoData } from './generate.js';

export type DemoEncoding = 'utf8' | 'sjis';

export interface WriteDemoOptions {
  encoding: DemoEncoding;
  /** Called after each faucet's rows of a file; done and total count faucets. */
  onProgress?: (done: number, total: number, file: ImportKind) => void;
}

/**
 * Writes customers.csv, readings.csv, bills.csv and payments.csv into dir, one file after the
 * other, and returns how many rows each got. Rows stream from the generator to the disk:
 * when the disk falls behind, the pipeline stops pulling rows, so memory stays flat.
 */
export async function writeDemoFiles(dir: string, data: DemoData, options: WriteDemoOptions): Promise<Record<ImportKind, number>> {
  await mkdir(dir, { recursive: true });
  const rowCounts = { customers: 0, readings: 0, bills: 0, payments: 0 };
  for (const kind of importKinds) {
    rowCounts[kind] = await writeCsv(path.join(dir, `${kind}.csv`), kind, data.rows[kind], options.encoding, (done) =>
      options.onProgress?.(done, data.faucets, kind)
    );
  }
  return rowCounts;
}

async function writeCsv<Kind extends ImportKind>(
  file: string,
  kind: Kind,
  faucetRows: Iterable<RowsByKind[Kind][]>,
  encoding: DemoEncoding,
  onFaucetDone: (done: number) => void
): Promise<number> {
  let rows = 0;
  function* eachLine() {
    let faucets = 0;
    for (const batch of faucetRows) {
      for (const row of batch) yield encodeRow(kind, row);
      rows += batch.length;
      onFaucetDone(++faucets);
    }
  }
  // Text out rather than bytes, because iconv-lite's encoder takes strings only.
  const csv = stringify({ header: true, columns: fileHeader(kind), record_delimiter: 'windows', encoding: 'utf8' });
  const source = Readable.from(eachLine());
  const output = createWriteStream(file);
  if (encoding === 'sjis') await pipeline(source, csv, iconv.encodeStream('cp932'), output);
  else await pipeline(source, csv, output);
  return rows;
}
