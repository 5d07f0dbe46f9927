import { formatDate, formatPeriod, formatUsage, formatYen } from './format';
import type { Locale, Localized } from './localized';

/** What a notice is about; the customer chooses push and e-mail per topic. Same list as the database's. */
export const noticeTopics = ['reading', 'bill', 'transfer', 'transfer-failed', 'usage-alert', 'procedure'] as const;
export type NoticeTopic = (typeof noticeTopics)[number];

export const noticeChannels = ['push', 'email'] as const;
export type NoticeChannel = (typeof noticeChannels)[number];

/**
 * What a notice's text is written from, as the server stores it with the notice. Amounts are
 * integer yen, usage in tenths of a m³, dates YYYY-MM-DD, periods YYYY-MM.
 */
export type NoticeFacts =
  | { topic: 'reading'; faucetNo: string; period: string; readingDate: string; usageTenths: number }
  | {
      topic: 'bill';
      faucetNo: string;
      period: string;
      total: number;
      dueDate: string | null;
      transferDate: string | null;
      /** A bill for a period that already had one: the billing system corrected it (訂正). */
      corrected: boolean;
    }
  /** transferDate is the day the debit really happens: moved to the next business day when needed. */
  | { topic: 'transfer'; faucetNo: string; period: string; total: number; transferDate: string }
  | { topic: 'transfer-failed'; faucetNo: string; period: string; amount: number }
  | { topic: 'usage-alert'; faucetNo: string; period: string; usageTenths: number; lastYearUsageTenths: number }
  /** `note` is the clerk's word to the customer (a 差戻し's reason), when they wrote one. */
  | { topic: 'procedure'; receiptNo: string; procedure: Localized; status: Localized; note?: string };

/** The utility's counter, which some notices tell the customer to call. */
export interface NoticeContact {
  section: Localized;
  phone: string;
}

export interface NoticeText {
  title: string;
  body: string;
}

function faucetName(faucetNo: string, locale: Locale): string {
  return locale === 'ja' ? `水栓番号 ${faucetNo}` : `faucet ${faucetNo}`;
}

/** A notice's title and text in the reader's language; the app, the push payload and the mail all use it. */
export function noticeText(facts: NoticeFacts, locale: Locale, contact: NoticeContact): NoticeText {
  const ja = locale === 'ja';
  const date = (iso: string) => formatDate(iso, locale, { weekday: true });
  const yen = (amount: number) => formatYen(amount, locale);
  if (facts.topic === 'procedure') {
    const note = facts.note ? (ja ? `担当者より：「${facts.note}」` : ` From our staff: "${facts.note}"`) : '';
    return ja
      ? { title: '手続きのお知らせ', body: `${facts.procedure.ja}（受付番号 ${facts.receiptNo}）は「${facts.status.ja}」になりました。${note}` }
      : { title: 'Procedure update', body: `${facts.procedure.en} (receipt no. ${facts.receiptNo}) is now "${facts.status.en}".${note}` };
  }
  const about = `${faucetName(facts.faucetNo, locale)}・${formatPeriod(facts.period, locale)}`;
  const aboutEn = `${faucetName(facts.faucetNo, locale)}, ${formatPeriod(facts.period, locale)}`;
  switch (facts.topic) {
    case 'reading':
      return ja
        ? { title: '検針のお知らせ', body: `${about}：${date(facts.readingDate)}に検針しました。使用量は ${formatUsage(facts.usageTenths)} です。` }
        : { title: 'Meter read', body: `${aboutEn}: read on ${date(facts.readingDate)}. Usage ${formatUsage(facts.usageTenths)}.` };
    case 'bill': {
      const when = facts.transferDate
        ? ja
          ? `${date(facts.transferDate)}に口座から引き落とします。`
          : `It will be debited from your account on ${date(facts.transferDate)}.`
        : facts.dueDate
          ? ja
            ? `納期限は${date(facts.dueDate)}です。`
            : `Please pay by ${date(facts.dueDate)}.`
          : '';
      if (facts.corrected) {
        return ja
          ? { title: '料金のお知らせ（訂正）', body: `${about}の料金を訂正しました。訂正後の料金は ${yen(facts.total)} です。${when}` }
          : { title: 'Corrected bill', body: `${aboutEn}: the bill was corrected. The corrected amount is ${yen(facts.total)}. ${when}`.trim() };
      }
      return ja
        ? { title: '料金のお知らせ', body: `${about}の料金は ${yen(facts.total)} です。${when}` }
        : { title: 'New bill', body: `${aboutEn}: ${yen(facts.total)}. ${when}`.trim() };
    }
    case 'transfer':
      return ja
        ? {
            title: '口座振替のお知らせ',
            body: `${about}の料金 ${yen(facts.total)} を${date(facts.transferDate)}に口座から引き落とします。前日までに残高をご確認ください。`
          }
        : {
            title: 'Direct debit coming',
            body: `${aboutEn}: ${yen(facts.total)} will be debited on ${date(facts.transferDate)}. Please make sure the account has enough funds the day before.`
          };
    case 'transfer-failed':
      return ja
        ? {
            title: '振替不能のお知らせ',
            body: `${about}の料金 ${yen(facts.amount)} を口座から引き落とせませんでした。お送りする納付書でコンビニエンスストアか窓口でお支払いください。ご不明な点は${contact.section.ja}（${contact.phone}）までお問い合わせください。`
          }
        : {
            title: 'Direct debit failed',
            body: `${aboutEn}: ${yen(facts.amount)} could not be debited from your account. Please pay with the payment slip we will post, at a convenience store or our counter. Questions: ${contact.section.en}, ${contact.phone}.`
          };
    case 'usage-alert':
      return ja
        ? {
            title: '使用量のお知らせ（漏水の可能性）',
            body: `${about}の使用量 ${formatUsage(facts.usageTenths)} は、昨年の同じ時期（${formatUsage(facts.lastYearUsageTenths)}）より大幅に増えています。家中の蛇口を閉めてメーターのパイロット（銀色のコマ）が回っていれば、どこかで漏水している可能性があります。${contact.section.ja}（${contact.phone}）にご相談ください。`
          }
        : {
            title: 'High usage (possible leak)',
            body: `${aboutEn}: usage of ${formatUsage(facts.usageTenths)} is far above the same time last year (${formatUsage(facts.lastYearUsageTenths)}). Close every tap; if the small dial on the meter still turns, water may be leaking. Please call ${contact.section.en}, ${contact.phone}.`
          };
  }
}

/**
 * A notice in one line, for its row in a list before it is opened: which faucet and period and
 * how much, or which procedure and its new status.
 */
export function noticeGist(facts: NoticeFacts, locale: Locale): string {
  const ja = locale === 'ja';
  if (facts.topic === 'procedure') return ja ? `${facts.procedure.ja}：${facts.status.ja}` : `${facts.procedure.en}: ${facts.status.en}`;
  const about = ja ? `${faucetName(facts.faucetNo, locale)}・${formatPeriod(facts.period, locale)}` : `${faucetName(facts.faucetNo, locale)}, ${formatPeriod(facts.period, locale)}`;
  const what = (() => {
    switch (facts.topic) {
      case 'reading':
      case 'usage-alert':
        return formatUsage(facts.usageTenths);
      case 'bill':
      case 'transfer':
        return formatYen(facts.total, locale);
      case 'transfer-failed':
        return formatYen(facts.amount, locale);
    }
  })();
  return ja ? `${about}\u3000${what}` : `${about}: ${what}`;
}

/** The app page a notice opens: its faucet's bills and usage, or the procedures list. */
export function noticePath(facts: NoticeFacts): string {
  if (facts.topic === 'procedure') return '/procedures';
  return `/history?faucet=${encodeURIComponent(facts.faucetNo)}`;
}
