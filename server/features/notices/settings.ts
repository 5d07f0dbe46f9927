import { and, desc, eq, ne, notInArray } from 'drizzle-orm';
import { noticeTopics, type NoticeTopic } from '../../../src/lib/shared/notices.js';
import { isForeignKeyViolation } from '../../db/errors.js';
import { noticePreferences, pushSubscriptions } from '../../db/schema.js';
import { pushEndpointProblem } from '../../push/push-endpoint.js';
import { RefusalError } from '../../errors.js';
import { vapidKeys } from '../../push/vapid.js';
import { lockKeys } from '../../limits/rate-limits.js';
import type { ServiceDeps } from '../../service-deps.js';
import { sessionEndedRefusal, tokenHash } from '../../sessions/sessions.js';
import { inUtility } from '../../db/in-utility.js';

export interface TopicChoice {
  topic: NoticeTopic;
  push: boolean;
  email: boolean;
}

/** The caller's channels for every topic; a topic never chosen goes by both (no row). */
export async function preferences(deps: ServiceDeps, customerId: number): Promise<TopicChoice[]> {
  const rows = await deps.db
    .select({ topic: noticePreferences.topic, push: noticePreferences.push, email: noticePreferences.email })
    .from(noticePreferences)
    .where(and(inUtility(deps.db, noticePreferences), eq(noticePreferences.customerId, customerId)));
  const chosen = new Map(rows.map((row) => [row.topic, row]));
  return noticeTopics.map((topic) => chosen.get(topic) ?? { topic, push: true, email: true });
}

export async function choose(deps: ServiceDeps, customerId: number, choice: TopicChoice): Promise<void> {
  const { topic, push, email } = choice;
  await deps.db
    .insert(noticePreferences)
    .values({ customerId, topic, push, email })
    .onConflictDoUpdate({ target: [noticePreferences.utilityId, noticePreferences.customerId, noticePreferences.topic], set: { push, email } });
}

/** The key a device subscribes with (applicationServerKey), base64url. */
export async function pushKey(deps: ServiceDeps): Promise<string> {
  return (await vapidKeys(deps.db, deps.config)).publicKey;
}

/** Devices per account that get push; subscribing one more drops the longest-held. */
export const MAX_PUSH_DEVICES = 10;

export interface PushSubscriptionInput {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

const notAPushService = new RefusalError(
  'bad-input',
  {
    ja: 'この送り先にはプッシュ通知を送れません（ブラウザーのプッシュサービスではありません）',
    en: 'Push notices cannot be sent to this address (it is not a browser push service)'
  },
  'endpoint'
);

/**
 * Records this device's push subscription for the caller, as part of the caller's session: it
 * ends with that session (log-out, password change or reset, 退会), and a device subscribed
 * again under a new session moves to it. Only a browser push service's endpoint is taken
 * (push/push-endpoint.ts): the worker connects wherever an endpoint points. A device
 * (endpoint) that someone else used before on a shared phone moves to the caller with nothing
 * of theirs: their row goes, and with it every delivery still waiting for it. Count and trim
 * happen under the caller's lock, so two devices subscribing at once cannot pass the limit
 * together, and the move under the endpoint's, so it lands whole with one customer.
 */
export async function subscribe(
  deps: ServiceDeps,
  caller: { customerId: number; sessionToken: string },
  subscription: PushSubscriptionInput
): Promise<void> {
  const { endpoint, keys } = subscription;
  if (pushEndpointProblem(endpoint, deps.config.pushServiceHosts)) throw notAPushService;
  const { customerId } = caller;
  const device = { p256dh: keys.p256dh, auth: keys.auth, sessionTokenHash: tokenHash(caller.sessionToken), createdAt: deps.now };
  try {
    await deps.db.transaction(async (tx) => {
      // The endpoint's lock too: two customers subscribing one device at once would otherwise
      // each miss the other's uncommitted row, and the second's upsert would write its session
      // onto the first's row, still the first customer's.
      await lockKeys(tx, [`push-devices:${customerId}`, `push-endpoint:${endpoint}`]);
      await tx.delete(pushSubscriptions).where(and(inUtility(tx, pushSubscriptions), eq(pushSubscriptions.endpoint, endpoint), ne(pushSubscriptions.customerId, customerId)));
      await tx
        .insert(pushSubscriptions)
        .values({ customerId, endpoint, ...device })
        .onConflictDoUpdate({ target: [pushSubscriptions.utilityId, pushSubscriptions.endpoint], set: { customerId, ...device } });
      const kept = tx
        .select({ id: pushSubscriptions.id })
        .from(pushSubscriptions)
        .where(and(inUtility(tx, pushSubscriptions), eq(pushSubscriptions.customerId, customerId)))
        .orderBy(desc(pushSubscriptions.createdAt), desc(pushSubscriptions.id))
        .limit(MAX_PUSH_DEVICES);
      await tx.delete(pushSubscriptions).where(and(inUtility(tx, pushSubscriptions), eq(pushSubscriptions.customerId, customerId), notInArray(pushSubscriptions.id, kept)));
    });
  } catch (error) {
    // The session ended (log-out elsewhere, a password change) between its check and this write.
    if (isForeignKeyViolation(error)) throw sessionEndedRefusal;
    throw error;
  }
}

/** This device stops getting push for the caller; another customer's device is left alone. */
export async function unsubscribe(deps: ServiceDeps, customerId: number, endpoint: string): Promise<void> {
  await deps.db.delete(pushSubscriptions).where(and(inUtility(deps.db, pushSubscriptions), eq(pushSubscriptions.endpoint, endpoint), eq(pushSubscriptions.customerId, customerId)));
}
