import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Database } from '../../../server/db/client.js';
import { commandLine } from '../../../server/features/audit/service.js';
import { createStaff, type StaffRole } from '../../../server/features/staff/service.js';
import { billingOfficePort } from './billing-office.js';

/**
 * The door answers `POST /staff?email=…&role=…` by creating a staff member as
 * `npm run staff -- create` does (the same service, audited as the command line), with the
 * one-time password it would print; true when it did.
 */
export function answerStaffCreation(db: Database, request: IncomingMessage, response: ServerResponse): boolean {
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (request.method !== 'POST' || url.pathname !== '/staff') return false;
  const role = url.searchParams.get('role') === 'admin' ? 'admin' : 'clerk';
  createStaff({ db, now: new Date() }, commandLine, { email: url.searchParams.get('email') ?? '', role }).then(
    (created) => response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ password: created.password })),
    (error: unknown) => response.writeHead(500).end(String(error))
  );
  return true;
}

/** A new staff member in the server the browser talks to (test side): their one-time password. */
export async function createStaffInPortal(email: string, role: StaffRole): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${billingOfficePort()}/staff?email=${encodeURIComponent(email)}&role=${role}`, { method: 'POST' });
  if (!response.ok) throw new Error(`no staff member: ${await response.text()}`);
  return ((await response.json()) as { password: string }).password;
}
