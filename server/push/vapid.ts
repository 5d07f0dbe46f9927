import webpush from 'web-push';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { serverSecret } from '../secrets/secrets.js';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  subject: string;
}

/**
 * The portal's Web Push identity: from the environment when all three VAPID_ variables are
 * set, otherwise a key pair generated once and kept in the database, so every app process and
 * every restart signs with the same key and devices' subscriptions stay valid.
 */
export async function vapidKeys(db: Database, config: Pick<Config, 'vapid' | 'origin' | 'profile'>): Promise<VapidKeys> {
  if (config.vapid) return config.vapid;
  const generated = webpush.generateVAPIDKeys();
  // Either both halves come from this call or both from an earlier process: one secret, one pair.
  const pair = JSON.parse(await serverSecret(db, 'vapid-key-pair', () => JSON.stringify(generated))) as Omit<VapidKeys, 'subject'>;
  return { ...pair, subject: `mailto:${config.profile.mailFrom}` };
}
