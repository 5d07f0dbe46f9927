import { desc, lt } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { auditLog } from '../../db/schema.js';
import { RefusalError } from '../../errors.js';

/** Who did it: a signed-in staff member, or (no staffId) an operator at the command line, named as the command knows them. */
export interface Actor {
  staffId: number | null;
  email: string;
}

export const commandLine: Actor = { staffId: null, email: 'command line' };

/**
 * Whoever typed into the staff log-in form and failed: nobody proven. Not the address typed, which
 * anyone can type; the account it names, if any, is the entry's target.
 */
export const notSignedIn: Actor = { staffId: null, email: 'not signed in' };

export interface AuditEntry {
  action: string;
  targetKind?: string;
  targetId?: string | number;
  reason?: string | null;
  details?: Record<string, unknown>;
}

/** Writes one audit row; pass the transaction of the act itself, so the act and its record stand or fall together. */
export async function audit(tx: Database, actor: Actor, entry: AuditEntry, now: Date): Promise<void> {
  await tx.insert(auditLog).values({
    at: now,
    staffId: actor.staffId,
    actor: actor.email,
    action: entry.action,
    targetKind: entry.targetKind ?? null,
    targetId: entry.targetId === undefined ? null : String(entry.targetId),
    reason: entry.reason ?? null,
    details: entry.details ?? null
  });
}

export const AUDIT_PAGE = 100;

/** The newest entries first, a page at a time: `before` is the last id of the previous page. */
export async function readAuditLog(db: Database, page: { before?: number | undefined }) {
  return db
    .select()
    .from(auditLog)
    .where(page.before === undefined ? undefined : lt(auditLog.id, page.before))
    .orderBy(desc(auditLog.id))
    .limit(AUDIT_PAGE);
}

/** Staff acts on a customer's account only with a reason, written to the audit log with the act. */
export function requiredReason(reason: string): string {
  const text = reason.trim();
  if (text === '') {
    throw new RefusalError('bad-input', { ja: '理由を入力してください（監査ログに残ります）', en: 'Give a reason (it goes into the audit log)' }, 'reason');
  }
  return text;
}
