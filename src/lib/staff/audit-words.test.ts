import { describe, expect, it } from 'vitest';
import { auditActions } from '$lib/shared/audit-actions';
import { auditWords } from './audit-words';

describe('audit log entries in words', () => {
  it('names every action the server records, in both languages, without its code', () => {
    for (const action of auditActions) {
      for (const locale of ['ja', 'en'] as const) {
        const named = auditWords({ action, targetKind: null, targetId: null, details: null }, locale).action;
        expect(named, action).not.toBe(action);
        expect(named.length, action).toBeGreaterThan(0);
      }
    }
  });

  it('says what an import did without its digest, and a status change by the statuses’ names', () => {
    const imported = auditWords(
      { action: 'import', targetKind: 'readings', targetId: 'readings-2026-11.csv', details: { sha256: 'ab12'.repeat(16), rowsRead: 300, inserted: 290, updated: 4, unchanged: 6 } },
      'ja'
    );
    expect(imported).toEqual({ action: 'ファイルを取り込み', target: '検針（readings） readings-2026-11.csv', details: '300行（追加290・更新4・変更なし6）' });
    expect(JSON.stringify(imported)).not.toContain('ab12');
    const changed = auditWords({ action: 'procedure.status', targetKind: 'procedure', targetId: 'R-2026-000012', details: { from: 'received', to: 'returned' } }, 'ja');
    expect(changed).toEqual({ action: '手続きの状況を変更', target: '手続き R-2026-000012', details: '受付 → 差戻し' });
  });

  it('never shows the client key of a failed staff log-in, and names the staff member by address', () => {
    const failed = auditWords({ action: 'staff.login-failed', targetKind: 'staff', targetId: '7', details: { client: 'a1b2c3d4' } }, 'en');
    expect(failed).toEqual({ action: 'Failed log-in (wrong password)', target: 'Staff no. 7', details: '' });
    const disabled = auditWords({ action: 'staff.disable', targetKind: 'staff', targetId: '7', details: { email: 'clerk@example.jp', sessionsEnded: 2 } }, 'ja');
    expect(disabled).toEqual({ action: '職員アカウントを停止', target: 'clerk@example.jp', details: 'ログイン中の画面2件を終了' });
  });

  it('shows a code it does not know as it is', () => {
    expect(auditWords({ action: 'future.act', targetKind: 'thing', targetId: '1', details: { x: 1 } }, 'ja')).toEqual({ action: 'future.act', target: 'thing 1', details: '' });
  });
});
