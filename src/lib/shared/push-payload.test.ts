import { describe, expect, it } from 'vitest';
import { noticeText, type NoticeFacts } from './notices';
import { pushPayload } from './push-payload';

const contact = { section: { ja: '業務課', en: 'Customer Services' }, phone: '01654-2-1111' };
const bill: NoticeFacts = {
  topic: 'bill',
  faucetNo: '6000-0001',
  period: '2026-10',
  total: 6380,
  dueDate: null,
  transferDate: '2026-11-26',
  corrected: false
};

describe('pushPayload', () => {
  it('is a declarative push message with the notice text, its page as an absolute URL, its tag and the unread count', () => {
    const payload = pushPayload({ id: 42, facts: bill }, { origin: 'https://portal.example.jp', locale: 'ja', contact, unread: 3 });

    expect(payload).toEqual({
      web_push: 8030,
      notification: {
        ...noticeText(bill, 'ja', contact),
        navigate: 'https://portal.example.jp/history?faucet=6000-0001',
        lang: 'ja',
        tag: 'notice-42',
        app_badge: 3
      }
    });
    expect(payload.notification.title).toBe('料金のお知らせ');
  });

  it('writes the text in the language asked for and keeps an origin with a port', () => {
    const procedure: NoticeFacts = {
      topic: 'procedure',
      receiptNo: 'R-1',
      procedure: { ja: '使用中止', en: 'Stop' },
      status: { ja: '完了', en: 'Done' }
    };

    const payload = pushPayload({ id: 7, facts: procedure }, { origin: 'http://localhost:3000', locale: 'en', contact, unread: 0 });

    expect(payload.notification).toMatchObject({ title: 'Procedure update', lang: 'en', navigate: 'http://localhost:3000/procedures', app_badge: 0 });
    expect(JSON.parse(JSON.stringify(payload))).toEqual(payload);
  });
});
