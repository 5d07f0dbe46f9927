import { and, desc, eq, gte, lt } from 'drizzle-orm';
import type { AuditAction } from '../../../src/lib/shared/audit-actions.js';
import { tokyoMidnight } from '../../../src/lib/shared/tokyo-time.js';
import type { Database } from '../../db/client.js';
import { inUtility } from '../../db/in-utility.js';
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
  action: AuditAction;
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

export interface AuditFilter {
  /** The last id of the previous page. */
  before?: number | undefined;
  /** Who did it, as the log names them (a staff member's address, or "command line"). */
  actor?: string | undefined;
  action?: AuditAction | undefined;
  /** Tokyo days, YYYY-MM-DD, both included. */
  from?: string | undefined;
  to?: string | undefined;
}

/** The newest entries first, a page at a time, of those the filter lets through. */
export async function readAuditLog(db: Database, filter: AuditFilter) {
  const { before, actor, action, from, to } = filter;
  return db
    .select()
    .from(auditLog)
    .where(
      and(
        inUtility(db, auditLog),
        before === undefined ? undefined : lt(auditLog.id, before),
        actor === undefined ? undefined : eq(auditLog.actor, actor),
        action === undefined ? undefined : eq(auditLog.action, action),
        from === undefined ? undefined : gte(auditLog.at, tokyoMidnight(from)),
        // Tokyo has no daylight saving: every day is 24 hours long.
        to === undefined ? undefined : lt(auditLog.at, new Date(tokyoMidnight(to).getTime() + 24 * 3600_000))
      )
    )
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
