import type { RowKind } from './billing-rows';
import type { Localized } from './localized';

/**
 * The largest billing-system file the staff console takes: 32 MiB is a month's readings of
 * some 600,000 faucets, or a customers file of 200,000, at 30,000–50,000 rows a second
 * (bench/results.json) well under a minute. The server writes an upload to disk as it
 * arrives; what has arrived but is not written yet waits in memory (tRPC's adapter reads the
 * body without waiting for it), so the bound is also what one upload may cost it. Larger files (a
 * first load of years of history) go through `npm run import`, which streams any size.
 */
export const MAX_UPLOAD_BYTES = 32 * 1024 * 1024;

/** The choice of encoding in the console: `auto` detects it as the CLI does without `--encoding`. */
export const uploadEncodings = ['auto', 'utf8', 'sjis'] as const;
export type UploadEncoding = (typeof uploadEncodings)[number];

export const importKindNames: Record<RowKind, Localized> = {
  customers: { ja: '使用者（customers）', en: 'Customers (customers)' },
  readings: { ja: '検針（readings）', en: 'Meter readings (readings)' },
  bills: { ja: '請求（bills）', en: 'Bills (bills)' },
  payments: { ja: '入金（payments）', en: 'Payments (payments)' }
};

const sizeLimit = `${MAX_UPLOAD_BYTES / 1024 / 1024} MB`;

/** Why a chosen file cannot be sent, the same on the page (before sending) and on the server; null when it can. */
export function uploadProblem(size: number): Localized | null {
  if (size === 0) return { ja: 'ファイルが空です', en: 'The file is empty' };
  if (size > MAX_UPLOAD_BYTES) {
    return {
      ja: `ファイルが大きすぎます（上限 ${sizeLimit}）。これより大きいファイルは npm run import で取り込んでください`,
      en: `The file is too large (at most ${sizeLimit}). Import larger files with npm run import`
    };
  }
  return null;
}

/** What travels with an upload besides its bytes. */
export interface UploadFields {
  kind: string;
  encoding?: string;
  /** The SHA-256 a preview of this file reported: applies it. Without it, a preview. */
  previewed?: string | undefined;
  fileName: string;
}

/**
 * The upload's body is the file itself (tRPC's application/octet-stream input), which the
 * server writes to disk as it arrives; the other fields go in these headers. A header holds
 * bytes, not text: the file's name travels URI-encoded.
 */
export const uploadHeaderNames = {
  kind: 'x-import-kind',
  encoding: 'x-import-encoding',
  previewed: 'x-import-previewed',
  fileName: 'x-import-file-name'
} as const satisfies Record<keyof UploadFields, string>;

export function uploadHeaders(fields: UploadFields): Record<string, string> {
  return {
    [uploadHeaderNames.kind]: fields.kind,
    ...(fields.encoding === undefined ? {} : { [uploadHeaderNames.encoding]: fields.encoding }),
    ...(fields.previewed === undefined ? {} : { [uploadHeaderNames.previewed]: fields.previewed }),
    [uploadHeaderNames.fileName]: encodeURIComponent(fields.fileName)
  };
}
