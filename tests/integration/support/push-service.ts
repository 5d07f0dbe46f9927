import { createECDH, createPublicKey, randomBytes, verify, type ECDH } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { decrypt } from 'http_ece';
import { closeServer } from './close-server.js';

/**
 * A test-only certificate for 127.0.0.1 and localhost (self-signed, valid for a century): web-push
 * speaks only HTTPS, so the push service needs one, and the sender trusts it through its agent.
 */
export const pushServiceCertificate = `-----BEGIN CERTIFICATE-----
MIIBnDCCAUGgAwIBAgIUTo/wjutEGArIlLr1Ydtcudnk04kwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTIwMjAxMDcwM1oYDzIxMjYxMTA4
MDEwNzAzWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAT08me7Dbr1INec83GWsBCqmEtStq3taDWbjBCzCcdplX9UjDmUSAO9
r7YQTx9IOes7cXKpe8L/YuSB0ZV64ebro28wbTAdBgNVHQ4EFgQU/WhkcCQj1979
+FyV1AFbi5knUaYwHwYDVR0jBBgwFoAU/WhkcCQj1979+FyV1AFbi5knUaYwDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwCgYIKoZI
zj0EAwIDSQAwRgIhAMCxvsLePJnQqXCmXp9u9eIJlqF0lL3oD4Pjnlw8XHP5AiEA
s91Pc4keVxTWjo8W7wyIZkBzwmMXwdDinSqrXQ4LkfE=
-----END CERTIFICATE-----
`;
const pushServiceKey = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgpO8d0CYlOQeEWCjC
nbKfr2G0ljYUkg9uxCVPRBxrh9mhRANCAAT08me7Dbr1INec83GWsBCqmEtStq3t
aDWbjBCzCcdplX9UjDmUSAO9r7YQTx9IOes7cXKpe8L/YuSB0ZV64ebr
-----END PRIVATE KEY-----
`;

export interface PushSubscriptionJson {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface ReceivedPush {
  endpoint: string;
  /** The decrypted body, parsed as JSON. */
  payload: unknown;
  headers: IncomingHttpHeaders;
  /** The application server key the VAPID token was signed with (k=), base64url. */
  vapidKey: string;
}

interface Device {
  ecdh: ECDH;
  auth: Buffer;
}

const base64url = (bytes: Buffer) => bytes.toString('base64url');

/**
 * Checks a VAPID Authorization header (RFC 8292): `vapid t=<ES256 JWT>, k=<public key>`, signed by
 * that key, for this push service's origin, not expired. Returns the key, or why not.
 */
function checkVapid(header: string | undefined, origin: string, now: number): { key: string } | { refused: string } {
  const match = /^vapid t=([\w-]+)\.([\w-]+)\.([\w-]+), k=([\w-]+)$/.exec(header ?? '');
  if (!match) return { refused: 'no VAPID authorization' };
  const [, head, body, signature, key] = match as unknown as [string, string, string, string, string];
  const point = Buffer.from(key, 'base64url');
  const publicKey = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: base64url(point.subarray(1, 33)), y: base64url(point.subarray(33, 65)) },
    format: 'jwk'
  });
  const signed = verify('sha256', Buffer.from(`${head}.${body}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
  if (!signed) return { refused: 'VAPID signature does not verify' };
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as { aud?: string; exp?: number; sub?: string };
  if (claims.aud !== origin) return { refused: `VAPID audience ${claims.aud} is not ${origin}` };
  if (!claims.exp || claims.exp * 1000 < now) return { refused: 'VAPID token expired' };
  if (!claims.sub) return { refused: 'VAPID token names no contact' };
  return { key };
}

/**
 * A push service in the test process, over real HTTPS: it makes subscriptions the way a browser
 * does (a P-256 key pair and a 16-byte auth secret per device, an endpoint on itself), takes
 * web-push's POSTs, checks their VAPID token, decrypts the aes128gcm body with the device's
 * private key and records what arrived. answer() makes an endpoint refuse (410, 404, 500…).
 * `answerDelayMs` holds every answer back (after recording the message) that long.
 * `idleTimeoutMs` is how long it keeps an idle keep-alive connection open (Node's default is 5 s;
 * real push services keep theirs for minutes, which a bench that pauses a sender needs too).
 */
export async function startPushService(options: { idleTimeoutMs?: number; answerDelayMs?: number } = {}) {
  const devices = new Map<string, Device>();
  const answers = new Map<string, number>();
  const received: ReceivedPush[] = [];
  /** Every request that was answered with something other than 201, with why. */
  const refused: { endpoint: string; status: number; reason: string }[] = [];
  let nextDevice = 0;
  let origin = '';

  const server = createServer({ key: pushServiceKey, cert: pushServiceCertificate, keepAlive: true }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const endpoint = `${origin}${request.url}`;
      const answer = (status: number, reason: string) => {
        if (status !== 201) refused.push({ endpoint, status, reason });
        // A slow push service keeps a batch in flight long enough for a test to kill its sender.
        const respond = () => response.writeHead(status).end(reason);
        if (options.answerDelayMs) setTimeout(respond, options.answerDelayMs);
        else respond();
      };
      const device = devices.get(endpoint);
      if (request.method !== 'POST' || !device) return answer(404, 'no such subscription');
      const forced = answers.get(endpoint);
      if (forced) return answer(forced, 'told to refuse');
      const vapid = checkVapid(request.headers.authorization, origin, Date.now());
      if ('refused' in vapid) return answer(403, vapid.refused);
      if (request.headers['content-encoding'] !== 'aes128gcm') return answer(415, 'not aes128gcm');
      if (!request.headers.ttl) return answer(400, 'no TTL');
      let payload: unknown;
      try {
        payload = JSON.parse(decrypt(Buffer.concat(chunks), { version: 'aes128gcm', privateKey: device.ecdh, authSecret: device.auth }).toString('utf8'));
      } catch (error) {
        return answer(400, `cannot decrypt: ${String(error)}`);
      }
      received.push({ endpoint, payload, headers: request.headers, vapidKey: vapid.key });
      answer(201, '');
    });
  });
  if (options.idleTimeoutMs) server.keepAliveTimeout = options.idleTimeoutMs;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    /** The PUSH_SERVICE_HOSTS entry that lets the portal send here: it is on a loopback address, at its own port. */
    hostEntry: origin.replace('https://', ''),
    received,
    refused,
    /** A new device's subscription, as PushManager.subscribe() would give it to the app. */
    subscribe(): PushSubscriptionJson {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const auth = randomBytes(16);
      const endpoint = `${origin}/push/${(nextDevice += 1)}-${randomBytes(6).toString('hex')}`;
      devices.set(endpoint, { ecdh, auth });
      return { endpoint, keys: { p256dh: base64url(ecdh.getPublicKey()), auth: base64url(auth) } };
    },
    /** Makes the endpoint answer every message with this status from now on. */
    answer(endpoint: string, status: number) {
      answers.set(endpoint, status);
    },
    to(endpoint: string) {
      return received.filter((push) => push.endpoint === endpoint);
    },
    stop: () => closeServer(server)
  };
}

export type PushService = Awaited<ReturnType<typeof startPushService>>;
