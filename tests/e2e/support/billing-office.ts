import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { RowsByKind } from '../../../src/lib/shared/billing-rows.js';
import { encodeRow, fileHeader, importKinds, type ImportKind } from '../../../server/domain/import-rows.js';
import type { Database } from '../../../server/db/client.js';
import { createBusinessCalendar } from '../../../server/domain/calendar.js';
import { exportApprovedChanges } from '../../../server/features/exports/service.js';
import { importFiles, type ImportOptions, type ImportResult } from '../../../server/features/imports/service.js';
import { profile } from './demo.js';
import { answerCustomerState } from './portal-state.js';
import { answerStaffCreation } from './staff.js';

/**
 * The billing office's side of the browser tests: a loopback-only door through which a test
 * hands the running server a billing-system file, imported by the same code as
 * `npm run import`, and through which it reads what reached the server (portal-state.ts). It
 * lives in the server's process because an embedded (PGlite) database can be opened by one
 * process only.
 */
export function billingOfficePort(): number {
  const port = process.env.E2E_BILLING_OFFICE_PORT;
  if (!port) throw new Error('E2E_BILLING_OFFICE_PORT is not set (playwright.config.ts sets it)');
  return Number(port);
}

export function serveBillingOffice(db: Database, options: Pick<ImportOptions, 'rules' | 'notices'>): Promise<Server> {
  const dir = mkdtempSync(path.join(tmpdir(), 'portal-e2e-imports-'));
  let received = 0;
  const server = createServer((request, response) => {
    if (answerCustomerState(db, request, response) || answerStaffCreation(db, request, response) || answerChangesExport(db, request, response)) return;
    const kind = importKinds.find((candidate) => request.url === `/import/${candidate}`);
    if (request.method !== 'POST' || !kind) {
      response.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received += 1;
      const file = path.join(dir, `${received}-${kind}.csv`);
      writeFileSync(file, Buffer.concat(chunks));
      importFiles({ db, now: new Date() }, [{ kind, path: file }], { ...options, ranBy: 'e2e' }).then(
        (result) => response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(result)),
        (error: unknown) => response.writeHead(500).end(String(error))
      );
    });
  });
  return new Promise((resolve) => server.listen(billingOfficePort(), '127.0.0.1', () => resolve(server)));
}

/** `npm run export -- changes` run in the server's process (the embedded database is its alone): the file, as the billing system gets it. */
function answerChangesExport(db: Database, request: IncomingMessage, response: ServerResponse): boolean {
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (request.method !== 'POST' || url.pathname !== '/export/changes') return false;
  exportApprovedChanges(
    { db, now: new Date(url.searchParams.get('at') ?? Date.now()) },
    { calendar: createBusinessCalendar(profile.closingDays), deliver: async (csv) => void response.writeHead(200, { 'Content-Type': 'text/csv' }).end(csv) }
  ).catch((error: unknown) => response.writeHead(500).end(String(error)));
  return true;
}

/** The changes file the billing system would get when the export runs `at` (a later day: what is due by then); each change is in one file only. */
export async function exportChanges(at: Date): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${billingOfficePort()}/export/changes?at=${at.toISOString()}`, { method: 'POST' });
  if (!response.ok) throw new Error(`the export failed: ${await response.text()}`);
  return response.text();
}

/** Imports rows, written to a file as the billing system writes it, into the server the browser talks to; fails unless they changed something. */
export async function importIntoPortal<Kind extends ImportKind>(kind: Kind, rows: RowsByKind[Kind][]): Promise<ImportResult> {
  const body = stringify(
    rows.map((row) => encodeRow(kind, row)),
    { header: true, columns: fileHeader(kind), record_delimiter: 'windows' }
  );
  const response = await fetch(`http://127.0.0.1:${billingOfficePort()}/import/${kind}`, { method: 'POST', body });
  if (!response.ok) throw new Error(`the import failed: ${await response.text()}`);
  const result = (await response.json()) as ImportResult;
  if (result.status !== 'imported') throw new Error(`the import did not change anything: ${JSON.stringify(result)}`);
  return result;
}
