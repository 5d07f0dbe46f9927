import { validateRow, type ImportKind, type Problem, type RowRules } from '../../domain/import-rows.js';
import { ProblemLog, type ProblemLogState } from './problem-log.js';
import type { RowsByKind } from '../../../src/lib/shared/billing-rows.js';
import { CsvSyntaxError, MAX_RECORD_CHARS, openCsv, type CsvRecord, type Encoding } from './source.js';
import { stagingRecord } from './staging.js';

/** Rows go to the staging table this many at a time: one statement each, as one JSON value. */
const BATCH_ROWS = 5000;
export const PROGRESS_EVERY = 20_000;

/** A file to read and check row by row, as the import's own thread hands it over. */
export interface RowCheckJob {
  kind: ImportKind;
  path: string;
  encoding: Encoding;
  rules: RowRules;
}

export type RowCheckMessage =
  /** The next good rows, as the staging table takes them: the JSON of their staging records. */
  | { type: 'rows'; json: string }
  | { type: 'progress'; rowsRead: number }
  /** The last message: every record read, the file's hash, the bad lines found. */
  | { type: 'done'; rowsRead: number; sha256: string; problems: ProblemLogState };

/** The parser stops at the first line that is not CSV: the report says where and why, and that the rest was not read. */
export function malformedCsv(line: number, code: string): Problem {
  const tooLong = code === 'CSV_MAX_RECORD_SIZE';
  const limit = MAX_RECORD_CHARS.toLocaleString('en');
  return {
    line,
    column: '',
    value: '',
    reason: tooLong
      ? {
          ja: `この行から ${limit} 文字を超えても行が終わりません（引用符の閉じ忘れなど）。ここから先は読めませんでした`,
          en: `a record starting here runs past ${limit} characters (an unclosed quote?); the rest of the file could not be read`
        }
      : {
          ja: 'CSV の形式が正しくありません（引用符の閉じ忘れなど）。ここから先は読めませんでした',
          en: `malformed CSV (${code}); the rest of the file could not be read`
        }
  };
}

/** Checks one record; returns its staging row, or its problems. */
function checkRecord({ line, fields }: CsvRecord, header: string[], job: RowCheckJob): { row: RowsByKind[ImportKind] } | { problems: Problem[] } {
  if (fields.length !== header.length) {
    return {
      problems: [
        {
          line,
          column: '',
          value: fields.join(','),
          reason: {
            ja: `列の数（${fields.length}）が見出し行（${header.length}）と違います`,
            en: `${fields.length} fields where the header has ${header.length}`
          },
          rule: { ja: '列の数が見出し行と違います', en: 'the number of fields differs from the header' }
        }
      ]
    };
  }
  const record = Object.fromEntries(header.map((name, index) => [name, fields[index]]));
  const result = validateRow(job.kind, record, line, job.rules);
  return result.ok ? { row: result.row } : { problems: result.problems };
}

/**
 * Reads a file whose header was found complete and checks every record: good rows go out in
 * batches for the staging table, even in a file already known to be bad, so that the database
 * checks report their problems too; bad lines go into the log sent last. `send` resolves when
 * the next message may go: the reader waits for the database instead of piling up batches.
 */
export async function checkRows(job: RowCheckJob, send: (message: RowCheckMessage) => Promise<void>): Promise<void> {
  const source = await openCsv(job.path, job.encoding);
  const toStaging: (row: RowsByKind[ImportKind], line: number) => Record<string, unknown> = stagingRecord(job.kind);
  const log = new ProblemLog();
  let rowsRead = 0;
  let batch: Record<string, unknown>[] = [];
  try {
    for await (const record of source.records) {
      rowsRead += 1;
      if (rowsRead % PROGRESS_EVERY === 0) await send({ type: 'progress', rowsRead });
      const checked = checkRecord(record, source.header, job);
      if ('row' in checked) batch.push(toStaging(checked.row, record.line));
      else log.addLine(record.line, checked.problems);
      if (batch.length >= BATCH_ROWS) {
        await send({ type: 'rows', json: JSON.stringify(batch) });
        batch = [];
      }
    }
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    log.addLine(error.line, [malformedCsv(error.line, error.code)]);
  }
  if (batch.length > 0) await send({ type: 'rows', json: JSON.stringify(batch) });
  await send({ type: 'done', rowsRead, sha256: source.sha256(), problems: log.state });
}
