import { Agent } from 'node:https';
import webpush, { WebPushError } from 'web-push';
import { pushEndpointProblem, type PushServiceHost } from './push-endpoint.js';
import { guardedLookup, PUSH_ADDRESS_REFUSED, type Resolver } from './address-guard.js';
import type { VapidKeys } from './vapid.js';

export interface PushTarget {
  endpoint: string;
  /** The subscription's keys as the browser gave them (base64url). */
  p256dh: string;
  auth: string;
}

/**
 * What the push service made of one message: `sent` (2xx), `gone` (404/410: the device
 * unsubscribed, so its subscription is deleted), or `retry` (429, 5xx, no answer).
 * Any other answer is a message the service will never take (413, 400, a redirect, which is
 * never followed): `rejected`; so is an endpoint the portal does not send to (not a push
 * service, or one whose name resolves to a private address).
 */
export type PushOutcome =
  | { outcome: 'sent' }
  | { outcome: 'gone'; status: number }
  | { outcome: 'retry'; reason: string }
  | { outcome: 'rejected'; reason: string };

export interface PushSender {
  send(target: PushTarget, payload: unknown): Promise<PushOutcome>;
}

/** How long a push service keeps a message for a device that is offline: as long as a notice is worth sending. */
const TTL_SECONDS = 24 * 60 * 60;
const TIMEOUT_MS = 15_000;

/**
 * One keep-alive agent per sender: a fan-out of thousands of pushes to one push service reuses
 * its TLS connections instead of a handshake per message. Each connection it opens looks its
 * host up through guardedLookup: no push reaches a private address unless the host is one
 * the operator listed (`hosts`, PUSH_SERVICE_HOSTS). `ca` lets a test trust its own push
 * service's certificate, and `resolve` point a name where it likes.
 */
export function pushAgent(options: { hosts: readonly PushServiceHost[]; ca?: string | Buffer; maxSockets?: number; resolve?: Resolver }): Agent {
  return new Agent({
    keepAlive: true,
    maxSockets: options.maxSockets ?? 64,
    lookup: guardedLookup(options.hosts, options.resolve),
    ...(options.ca ? { ca: options.ca } : {})
  });
}

export function classifyPushError(error: unknown): PushOutcome {
  if (error instanceof WebPushError) {
    const status = error.statusCode;
    if (status === 404 || status === 410) return { outcome: 'gone', status };
    if (status === 429 || status >= 500) return { outcome: 'retry', reason: `push service answered ${status}` };
    if (status >= 300 && status < 400) return { outcome: 'rejected', reason: `push service redirected (${status}), not followed` };
    return { outcome: 'rejected', reason: `push service answered ${status}` };
  }
  const code = error instanceof Error && 'code' in error ? String(error.code) : undefined;
  if (code === PUSH_ADDRESS_REFUSED) return { outcome: 'rejected', reason: 'push service address is not public' };
  return { outcome: 'retry', reason: code ?? (error instanceof Error ? error.message : String(error)) };
}

/** What every push is sent with; the bench's bare web-push loop sends with the same. */
export function webPushOptions(vapid: VapidKeys, agent: Agent) {
  return {
    vapidDetails: vapid,
    TTL: TTL_SECONDS,
    urgency: 'normal' as const,
    contentEncoding: 'aes128gcm' as const,
    timeout: TIMEOUT_MS,
    agent
  };
}

/** How long a signed VAPID token is used before a fresh one is signed; each is valid for VAPID_VALID_S. */
const VAPID_REUSE_MS = 60 * 60_000;
const VAPID_VALID_S = 12 * 60 * 60;

/**
 * The VAPID Authorization header for a push service (its origin is the token's audience),
 * signed once and reused for an hour (RFC 8292 lets a token be reused until it expires; this
 * one is valid 12 hours). web-push alone signs an ES256 token for every message: in the
 * bill-day bench that signing was the largest single cost of a fan-out, a third of its CPU.
 */
export function vapidAuthorization(vapid: VapidKeys): (audience: string, now: number) => string {
  const signed = new Map<string, { header: string; until: number }>();
  return (audience, now) => {
    const held = signed.get(audience);
    if (held && held.until > now) return held.header;
    const expiration = Math.floor(now / 1000) + VAPID_VALID_S;
    const header = webpush.getVapidHeaders(audience, vapid.subject, vapid.publicKey, vapid.privateKey, 'aes128gcm', expiration).Authorization;
    signed.set(audience, { header, until: now + VAPID_REUSE_MS });
    return header;
  };
}

/**
 * Sends through `agent` (pushAgent) to endpoints the rule still allows under `hosts`: one
 * stored while PUSH_SERVICE_HOSTS listed more is refused, not sent.
 */
export function createPushSender(vapid: VapidKeys, hosts: readonly PushServiceHost[], agent: Agent): PushSender {
  // The token comes from vapidAuthorization: without vapidDetails web-push signs none itself.
  const { vapidDetails: _signedHere, ...options } = webPushOptions(vapid, agent);
  const authorization = vapidAuthorization(vapid);
  return {
    async send(target, payload) {
      const problem = pushEndpointProblem(target.endpoint, hosts);
      if (problem) return { outcome: 'rejected', reason: `endpoint ${problem}` };
      try {
        const headers = { Authorization: authorization(new URL(target.endpoint).origin, Date.now()) };
        await webpush.sendNotification({ endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } }, JSON.stringify(payload), { ...options, headers });
        return { outcome: 'sent' };
      } catch (error) {
        return classifyPushError(error);
      }
    }
  };
}
