import { describe, expect, it } from 'vitest';
import { noticePath, noticeText, type NoticeFacts } from './notices';

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
});
