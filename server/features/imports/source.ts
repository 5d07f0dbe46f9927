import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline, Transform } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import iconv from 'iconv-lite';

export type Encoding = 'utf8' | 'sjis';

/** How much of a file decides its encoding when none is given. */
const SNIFF_BYTES = 64 * 1024;

/** What the file is read by at a time. The parser takes each piece whole, without a pause. */
const READ_BYTES = 64 * 1024;

/**
 * What a read of the header alone takes at a time: the server's own thread reads headers (an
 * upload's kind, each import's columns), and parsing a whole 64 KiB piece of rows (some 1,300)
 * there held every other request up for tens of milliseconds, twice per upload.
 */
const HEADER_READ_BYTES = 4 * 1024;

/**
 * No billing-system record comes near this; an unclosed quote would otherwise pull the rest
 * of the file into one field, all of it in memory.
 */
export const MAX_RECORD_CHARS = 64 * 1024;

/**
 * UTF-8 (with or without BOM) unless the first 64 KiB are not valid UTF-8, then Shift_JIS
 * (CP932). A later stretch that the chosen decoder cannot read shows up as U+FFFD, which row
 * validation refuses, so a wrong guess can never import garbled names.
 */
export async function detectEncoding(path: string): Promise<Encoding> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await file.read(buffer, 0, SNIFF_BYTES, 0);
    const head = buffer.subarray(0, bytesRead);
    if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf8';
    try {
      // stream: true leaves a character cut off at the sniff boundary undecided instead of invalid.
      new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
      return 'utf8';
    } catch {
      return 'sjis';
    }
  } finally {
    await file.close();
  }
}

export interface CsvRecord {
  /** The file's line where the record ends (the header is line 1). */
  line: number;
  fields: string[];
}

export interface CsvSource {
  /** The header's column names, trimmed and lower-cased. */
  header: string[];
  records: AsyncIterable<CsvRecord>;
  /** The SHA-256 of the file's bytes; complete once records are exhausted. */
  sha256(): string;
  /** Stops reading, for a caller that needed the header only. */
  close(): void;
}

/**
 * Streams a CSV file record by record: bytes → SHA-256 → decoder → CSV parser. Nothing holds
 * the whole file, so a file of any size imports in constant memory.
 */
export async function openCsv(path: string, encoding: Encoding, readBytes = READ_BYTES): Promise<CsvSource> {
  const hash = createHash('sha256');
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    }
  });
  let lastLine = 0;
  const parser = parse({
    info: true,
    skip_empty_lines: true,
    relax_column_count: true,
    bom: true,
    max_record_size: MAX_RECORD_CHARS,
    // Called as each record is parsed: a parse error drops the records parsed but not yet read.
    on_record: (record, { lines }) => {
      lastLine = lines;
      return record;
    }
  });
  // pipeline, not pipe: a parser that gives up also closes the file instead of leaving it paused and open.
  const file = createReadStream(path, { highWaterMark: readBytes });
  pipeline(
    file,
    hashing,
    iconv.decodeStream(encoding === 'sjis' ? 'cp932' : 'utf8'),
    lineLengthGuard(),
    parser,
    () => {}
  );

  const parsed = (parser as AsyncIterable<{ record: string[]; info: { lines: number } }>)[Symbol.asyncIterator]();
  const next = () =>
    parsed.next().catch((error: unknown) => {
      throw error instanceof CsvError ? new CsvSyntaxError(lastLine + 1, error.code) : error;
    });
  const first = await next();
  const header = first.done ? [] : first.value.record.map((name) => name.trim().toLowerCase());
  let digest: string | undefined;
  return {
    header,
    records: {
      async *[Symbol.asyncIterator]() {
        for (let record = await next(); !record.done; record = await next()) {
          yield { line: record.value.info.lines, fields: record.value.record };
        }
      }
    },
    sha256: () => (digest ??= hash.digest('hex')),
    close: () => file.destroy()
  };
}

/** The header's fields (trimmed, lower case), reading little more than the header itself. */
export async function readCsvHeader(path: string, encoding: Encoding): Promise<string[]> {
  const source = await openCsv(path, encoding, HEADER_READ_BYTES);
  source.close();
  return source.header;
}

/**
 * Stops a file at a line longer than any record may be. csv-parse's max_record_size counts
 * the characters of fields only: a line of nothing but commas would be millions of empty
 * fields, all of them in memory. A record may span lines (a quoted line end), each of them short.
 */
function lineLengthGuard(): Transform {
  let line = 1;
  let sinceLineEnd = 0;
  return new Transform({
    decodeStrings: false,
    encoding: 'utf8',
    transform(chunk: string, _encoding, done) {
      let lineStart = 0;
      for (let lineEnd = chunk.indexOf('\n'); lineEnd !== -1; lineEnd = chunk.indexOf('\n', lineEnd + 1)) {
        if (sinceLineEnd + lineEnd - lineStart > MAX_RECORD_CHARS) break;
        line += 1;
        sinceLineEnd = 0;
        lineStart = lineEnd + 1;
      }
      sinceLineEnd += chunk.length - lineStart;
      if (sinceLineEnd > MAX_RECORD_CHARS) done(new CsvSyntaxError(line, 'CSV_MAX_RECORD_SIZE'));
      else done(null, chunk);
    }
  });
}

/** A file that is not CSV from some line on (an unclosed quote, say): reported, not thrown at the operator. */
export class CsvSyntaxError extends Error {
  constructor(
    /** Where the record that breaks starts (empty lines before it aside). */
    readonly line: number,
    readonly code: string
  ) {
    super(`malformed CSV (${code}) from line ${line}`);
  }
}
