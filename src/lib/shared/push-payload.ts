import type { Locale } from './localized';
import { noticePath, noticeText, type NoticeContact, type NoticeFacts } from './notices';

/**
 * A push message in the Declarative Web Push format: Safari (iOS 18.4+) shows it with no
 * service worker code, and the app's service worker reads the same fields elsewhere.
 */
export interface PushPayload {
  /** The magic number that marks a declarative push message. */
  web_push: 8030;
  notification: {
    title: string;
    body: string;
    /** Absolute: the browser opens it with no page of the app loaded. */
    navigate: string;
    lang: Locale;
    /** One notice, one notification: a repeat replaces it instead of stacking. */
    tag: string;
    /** The customer's unread notices, for the installed app's icon. */
    app_badge: number;
  };
}

export interface PushNotice {
  id: number;
  facts: NoticeFacts;
}

export function pushPayload(
  notice: PushNotice,
  context: { origin: string; locale: Locale; contact: NoticeContact; unread: number }
): PushPayload {
  const { title, body } = noticeText(notice.facts, context.locale, context.contact);
  return {
    web_push: 8030,
    notification: {
      title,
      body,
      navigate: new URL(noticePath(notice.facts), context.origin).href,
      lang: context.locale,
      tag: `notice-${notice.id}`,
      app_badge: context.unread
    }
  };
}
