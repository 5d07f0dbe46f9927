import { auditActionNames, type AuditAction } from '$lib/shared/audit-actions';
import { importKindNames } from '$lib/shared/import-upload';
import type { Locale, Localized } from '$lib/shared/localized';
import { procedureStatusNames, procedureStatuses, type ProcedureStatus } from '$lib/shared/procedure-form';

/** An audit log row as the API sends it. */
export interface AuditRow {
  action: string;
  targetKind: string | null;
  targetId: string | null;
  details?: unknown;
}

/** An entry in words: what was done, to what, and what else the log holds of it (never a digest or a client key). */
export interface AuditWords {
  action: string;
  target: string;
  details: string;
}

type Details = Record<string, unknown>;

const words = (locale: Locale, text: Localized) => text[locale];
const isAction = (action: string): action is AuditAction => Object.hasOwn(auditActionNames, action);
const isStatus = (status: unknown): status is ProcedureStatus => procedureStatuses.includes(status as ProcedureStatus);
const isImportKind = (kind: string | null): kind is keyof typeof importKindNames => kind !== null && Object.hasOwn(importKindNames, kind);

function target(row: AuditRow, details: Details, locale: Locale): string {
  const id = row.targetId ?? '';
  switch (row.targetKind) {
    case 'customer':
      return words(locale, { ja: `会員番号 ${id}`, en: `Member no. ${id}` });
    case 'faucet':
      return words(locale, { ja: `水栓 ${id}`, en: `Faucet ${id}` });
    case 'procedure':
      return words(locale, { ja: `手続き ${id}`, en: `Procedure ${id}` });
    case 'staff':
      return typeof details.email === 'string' ? details.email : words(locale, { ja: `職員番号 ${id}`, en: `Staff no. ${id}` });
    default:
      return isImportKind(row.targetKind) ? `${words(locale, importKindNames[row.targetKind])} ${id}` : `${row.targetKind ?? ''} ${id}`.trim();
  }
}

function detailWords(action: AuditAction, details: Details, locale: Locale): string {
  switch (action) {
    case 'account.search':
      return words(locale, { ja: `「${String(details.query)}」で${String(details.found)}件`, en: `"${String(details.query)}": ${String(details.found)} found` });
    case 'account.unlink-faucet':
      return words(locale, { ja: `水栓 ${String(details.faucetNo)}`, en: `Faucet ${String(details.faucetNo)}` });
    case 'account.withdraw':
      return String(details.email);
    case 'faucet.unlock-proof':
      return words(locale, { ja: `失敗${String(details.cleared)}件を取り消し`, en: `${String(details.cleared)} failures cleared` });
    case 'import':
      return words(locale, {
        ja: `${String(details.rowsRead)}行（追加${String(details.inserted)}・更新${String(details.updated)}・変更なし${String(details.unchanged)}）`,
        en: `${String(details.rowsRead)} rows (${String(details.inserted)} added, ${String(details.updated)} updated, ${String(details.unchanged)} unchanged)`
      });
    case 'procedure.status':
      return isStatus(details.from) && isStatus(details.to)
        ? `${words(locale, procedureStatusNames[details.from])} → ${words(locale, procedureStatusNames[details.to])}`
        : '';
    case 'staff.create':
      return details.role === 'admin' ? words(locale, { ja: '管理者', en: 'admin' }) : words(locale, { ja: '職員', en: 'clerk' });
    case 'staff.disable':
      return words(locale, { ja: `ログイン中の画面${String(details.sessionsEnded)}件を終了`, en: `${String(details.sessionsEnded)} open sessions ended` });
    case 'staff.login-refused':
      return details.why === 'disabled' ? words(locale, { ja: '停止中のアカウント', en: 'account disabled' }) : words(locale, { ja: '仮のパスワードの期限切れ', en: 'one-time password expired' });
    default:
      return '';
  }
}

/**
 * An audit log entry in plain words in the console's language. A code the console does not know
 * (a newer server's) is shown as it is rather than hidden.
 */
export function auditWords(row: AuditRow, locale: Locale): AuditWords {
  const details = typeof row.details === 'object' && row.details !== null ? (row.details as Details) : {};
  if (!isAction(row.action)) return { action: row.action, target: target(row, details, locale), details: '' };
  return { action: words(locale, auditActionNames[row.action]), target: target(row, details, locale), details: detailWords(row.action, details, locale) };
}

/** Who acted, as the log names them: a staff member's address, or one of the two who are no staff member. */
export function actorWords(actor: string, locale: Locale): string {
  if (actor === 'command line') return words(locale, { ja: 'コマンドライン', en: 'command line' });
  if (actor === 'not signed in') return words(locale, { ja: '（未ログイン）', en: '(not signed in)' });
  return actor;
}
