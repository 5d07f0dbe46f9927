import { describe, expect, it } from 'vitest';
import { noticeGist, noticePath, noticeText, type NoticeFacts } from './notices';

const contact = { section: { ja: '業務課 業務係', en: 'Customer Service Section' }, phone: '01654-3-2111' };
const faucet = { faucetNo: '13000001', period: '2026-10' };

describe('noticeText', () => {
  it('a bill says the amount and when it is debited; a corrected one says 訂正 and nothing of a second bill', () => {
    const bill: NoticeFacts = { topic: 'bill', ...faucet, total: 6380, dueDate: null, transferDate: '2026-10-26', corrected: false };
    expect(noticeText(bill, 'ja', contact)).toEqual({
      title: '料金のお知らせ',
      body: '水栓番号 13000001・2026年10月分の料金は 6,380円 です。2026年10月26日（月）に口座から引き落とします。'
    });
    const corrected = noticeText({ ...bill, corrected: true }, 'ja', contact);
    expect(corrected.title).toBe('料金のお知らせ（訂正）');
    expect(corrected.body).toContain('訂正後の料金は 6,380円');
    expect(noticeText(bill, 'en', contact).body).toBe('faucet 13000001, October 2026: ¥6,380. It will be debited from your account on Mon 26 October 2026.');
  });

  it('a failed debit says which period, how much, what to do and whom to call', () => {
    const failed: NoticeFacts = { topic: 'transfer-failed', ...faucet, amount: 4510 };
    const { title, body } = noticeText(failed, 'ja', contact);
    expect(title).toBe('振替不能のお知らせ');
    for (const part of ['2026年10月分', '4,510円', '納付書', '業務課 業務係', '01654-3-2111']) expect(body).toContain(part);
  });

  it('a usage alert tells how to check the meter for a leak, in both languages', () => {
    const alert: NoticeFacts = { topic: 'usage-alert', ...faucet, usageTenths: 1250, lastYearUsageTenths: 250 };
    expect(noticeText(alert, 'ja', contact).body).toContain('125.0 m³');
    expect(noticeText(alert, 'ja', contact).body).toContain('漏水');
    expect(noticeText(alert, 'en', contact).body).toContain('25.0 m³');
  });

  it('opens the faucet history, or the procedures for a procedure', () => {
    expect(noticePath({ topic: 'reading', ...faucet, readingDate: '2026-10-20', usageTenths: 220 })).toBe('/history?faucet=13000001');
    expect(noticePath({ topic: 'procedure', receiptNo: 'R-1', procedure: { ja: '名義変更', en: 'Name change' }, status: { ja: '完了', en: 'Done' } })).toBe('/procedures');
  });

  it('a procedure notice carries the clerk\'s note, such as the reason of a 差戻し', () => {
    const returned: NoticeFacts = { topic: 'procedure', receiptNo: 'R-1', procedure: { ja: '名義変更', en: 'Name change' }, status: { ja: '差戻し', en: 'Returned' }, note: '新しい名義人の電話番号をご確認ください' };
    expect(noticeText(returned, 'ja', contact).body).toBe('名義変更（受付番号 R-1）は「差戻し」になりました。担当者より：「新しい名義人の電話番号をご確認ください」');
    expect(noticeText(returned, 'en', contact).body).toBe('Name change (receipt no. R-1) is now "Returned". From our staff: "新しい名義人の電話番号をご確認ください"');
    expect(noticeText({ ...returned, note: undefined }, 'ja', contact).body).not.toContain('担当者');
  });
});

describe('noticeGist', () => {
  it('names the faucet, the period and the amount, or the procedure and its status, in one line', () => {
    expect(noticeGist({ topic: 'bill', ...faucet, total: 6380, dueDate: null, transferDate: null, corrected: false }, 'ja')).toBe('水栓番号 13000001・2026年10月分\u30006,380円');
    expect(noticeGist({ topic: 'transfer-failed', ...faucet, amount: 4510 }, 'en')).toBe('faucet 13000001, October 2026: ¥4,510');
    expect(noticeGist({ topic: 'reading', ...faucet, readingDate: '2026-10-20', usageTenths: 220 }, 'ja')).toBe('水栓番号 13000001・2026年10月分\u300022.0 m³');
    expect(noticeGist({ topic: 'procedure', receiptNo: 'R-1', procedure: { ja: '名義変更', en: 'Name change' }, status: { ja: '差戻し', en: 'Returned' } }, 'ja')).toBe('名義変更：差戻し');
  });
});
