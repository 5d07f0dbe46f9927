import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, open, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { UtilityProfile } from '../../config.js';
import { checkHeader, importKinds, rowRulesOf, type ImportKind } from '../../domain/import-rows.js';
import { RefusalError } from '../../errors.js';
import { errorKind } from '../../db/errors.js';
import type { ServiceDeps } from '../../service-deps.js';
import type { StaffMember } from '../../sessions/staff-sessions.js';
import { importKindNames, uploadProblem, type UploadEncoding } from '../../../src/lib/shared/import-upload.js';
import { RowCheckFailed } from './check-thread.js';
import { formatReport } from './report.js';
import { importFiles, type ImportResult } from './service.js';
import { CsvSyntaxError, detectEncoding, readCsvHeader, type Encoding } from './source.js';

export interface Upload {
  kind: ImportKind;
  encoding: UploadEncoding;
  /** For an apply: the SHA-256 its preview reported. Absent: a preview (a dry run). */
  previewed?: string | undefined;
  fileName: string;
  /** The size the request declared (Content-Length), when it did. */
  declaredBytes?: number | undefined;
  /** The file's bytes as they arrive. */
  body: ReadableStream<Uint8Array>;
}

export interface UploadResult extends ImportResult {
  /** The SHA-256 of the bytes received: what an apply of the same file names as `previewed`. */
  sha256: string;
  /** The report exactly as `npm run import` prints it. */
  report: string;
}

/**
 * Copies the upload to disk as it arrives, hashing it on the way: importFiles reads a path, as
 * it does for the CLI. Chunk by chunk (tens of KiB each), so no step holds other requests up
 * for long and the whole file is never in one piece in memory.
 */
async function writeUpload(body: ReadableStream<Uint8Array>, target: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  const handle = await open(target, 'wx');
  let bytes = 0;
  try {
    const reader = body.getReader();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      hash.update(chunk.value);
      await handle.write(chunk.value);
      bytes += chunk.value.length;
    }
  } finally {
    await handle.close();
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** The kinds whose required columns the file's header has: a readings file chosen as customers is named for what it is. */
async function kindsOfHeader(file: string, encoding: Encoding): Promise<ImportKind[]> {
  try {
    const header = await readCsvHeader(file, encoding);
    return importKinds.filter((kind) => checkHeader(kind, header).missing.length === 0);
  } catch (error) {
    // A file that is not CSV is the import's to report, with its line.
    if (error instanceof CsvSyntaxError) return [];
    throw error;
  }
}

const checkStopped = {
  ja: 'ファイルの確認が途中で止まりました。データベースは変更していません。もう一度お試しいただき、続く場合は npm run import で取り込んでください',
  en: 'Checking the file stopped part-way; nothing was changed. Try again, and if it happens again import it with npm run import'
};

/** Where uploads wait for the call that imports them. */
export const uploadsDirOf = (dataDir: string) => path.join(dataDir, 'uploads');

/** An upload folder this old outlived its call: longer than the biggest upload takes to check and import. */
export const ABANDONED_UPLOAD_MS = 60 * 60_000;

/**
 * Removes the upload folders a process killed mid-call left behind (each call removes its own
 * otherwise). Only old ones: another process sharing DATA_DIR may be importing one right now.
 * Returns how many went.
 */
export async function sweepAbandonedUploads(uploadsDir: string, now: Date): Promise<number> {
  const names = await readdir(uploadsDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  let removed = 0;
  for (const name of names.filter((each) => each.startsWith('upload-'))) {
    const dir = path.join(uploadsDir, name);
    if (now.getTime() - (await stat(dir)).mtimeMs < ABANDONED_UPLOAD_MS) continue;
    await rm(dir, { recursive: true, force: true });
    removed += 1;
  }
  return removed;
}

/**
 * A billing-system file uploaded in the staff console, imported by the CLI's own code: without
 * `previewed` a dry run (everything checked, nothing written, nothing audited: nothing
 * happened), with it the import itself, audited by importFiles as the staff member's. An apply
 * must be of the very bytes previewed: a file saved again since is refused, not imported
 * unseen. The upload lives on disk in a folder of its own under `uploadsDir` for the call only.
 */
export async function importUpload(
  deps: Pick<ServiceDeps, 'db' | 'now' | 'logger'>,
  importing: { profile: UtilityProfile; uploadsDir: string },
  staff: StaffMember,
  upload: Upload
): Promise<UploadResult> {
  const declared = upload.declaredBytes === undefined ? null : uploadProblem(upload.declaredBytes);
  if (declared) throw new RefusalError('bad-input', declared, 'file');
  await mkdir(importing.uploadsDir, { recursive: true });
  const dir = await mkdtemp(path.join(importing.uploadsDir, 'upload-'));
  try {
    const file = path.join(dir, `${upload.kind}.csv`);
    const { sha256, bytes } = await writeUpload(upload.body, file);
    const problem = uploadProblem(bytes);
    if (problem) throw new RefusalError('bad-input', problem, 'file');
    if (upload.previewed !== undefined && upload.previewed !== sha256) {
      throw new RefusalError(
        'conflict',
        { ja: 'ファイルが確認したときと変わっています。もう一度「確認する」からやり直してください', en: 'The file has changed since you checked it; check it again first' },
        'file'
      );
    }
    const encoding = upload.encoding === 'auto' ? await detectEncoding(file) : upload.encoding;
    const fitting = await kindsOfHeader(file, encoding);
    const other = fitting.includes(upload.kind) ? undefined : fitting[0];
    if (other) {
      const name = importKindNames[other];
      throw new RefusalError('bad-input', { ja: `このファイルは「${name.ja}」のファイルです。種類を選び直してください`, en: `This is a ${name.en} file; choose that kind` }, 'kind');
    }
    const result = await importFiles(deps, [{ kind: upload.kind, path: file, name: upload.fileName, encoding }], {
      rules: rowRulesOf(importing.profile),
      notices: importing.profile.notices,
      ranBy: staff.email,
      staffId: staff.staffId,
      dryRun: upload.previewed === undefined
    }).catch((error: unknown) => {
      if (!(error instanceof RowCheckFailed)) throw error;
      // The error's kind only: its message may quote the file.
      deps.logger.error({ ...errorKind(error.cause) }, 'import file check failed');
      throw new RefusalError('bad-input', checkStopped, 'file');
    });
    return { ...result, sha256, report: formatReport(result) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
