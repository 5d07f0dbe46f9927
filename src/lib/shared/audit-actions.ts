import type { Localized } from './localized';

/**
 * Every act the audit log records, by the code it stores, with its name in words. The server
 * writes only these codes (server/features/audit/service.ts) and the console filters and names
 * entries by them, so a new act cannot reach the log without a name a clerk can read.
 */
export const auditActionNames = {
  'account.search': { ja: '会員を検索', en: 'Searched members' },
  'account.view': { ja: '会員の情報を表示', en: 'Viewed a member' },
  'account.unlink-faucet': { ja: '水栓の登録を解除', en: 'Unlinked a faucet' },
  'account.withdraw': { ja: '代理で退会', en: 'Withdrew an account' },
  'faucet.view': { ja: '水栓の名義人を表示', en: "Viewed a faucet's holder" },
  'faucet.unlock-proof': { ja: '水栓番号の確認のロックを解除', en: 'Unlocked a faucet number check' },
  import: { ja: 'ファイルを取り込み', en: 'Imported a file' },
  'procedure.status': { ja: '手続きの状況を変更', en: "Changed a procedure's status" },
  'staff.create': { ja: '職員アカウントを作成', en: 'Created a staff account' },
  'staff.disable': { ja: '職員アカウントを停止', en: 'Disabled a staff account' },
  'staff.enable': { ja: '職員アカウントを再開', en: 'Enabled a staff account' },
  'staff.password-reset': { ja: '仮のパスワードを発行', en: 'Issued a one-time password' },
  'staff.password-change': { ja: 'パスワードを変更', en: 'Changed their password' },
  'staff.login': { ja: 'ログイン', en: 'Logged in' },
  'staff.login-failed': { ja: 'ログインに失敗（パスワード違い）', en: 'Failed log-in (wrong password)' },
  'staff.login-refused': { ja: 'ログインを拒否', en: 'Refused log-in' }
} as const satisfies Record<string, Localized>;

export type AuditAction = keyof typeof auditActionNames;
export const auditActions = Object.keys(auditActionNames) as AuditAction[];
