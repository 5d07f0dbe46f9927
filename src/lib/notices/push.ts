import { api } from '$lib/api';

/**
 * What this device can do about push: `available` (the switch), `needs-home-screen` (iOS and
 * iPadOS give push only to the app added to the home screen), `unsupported` (no Notification,
 * service worker or PushManager), `denied` (the customer blocked notifications for the site).
 */
export type PushSupport = 'available' | 'needs-home-screen' | 'unsupported' | 'denied';

function onAppleMobile(): boolean {
  return /iPhone|iPad|iPod/.test(navigator.userAgent) || (navigator.userAgent.includes('Macintosh') && navigator.maxTouchPoints > 1);
}

function standalone(): boolean {
  return matchMedia('(display-mode: standalone)').matches || (navigator as Navigator & { standalone?: boolean }).standalone === true;
}

export function pushSupport(): PushSupport {
  if (onAppleMobile() && !standalone()) return 'needs-home-screen';
  if (!('Notification' in window) || !('serviceWorker' in navigator) || !('PushManager' in window)) return 'unsupported';
  if (Notification.permission === 'denied') return 'denied';
  return 'available';
}

async function registration(): Promise<ServiceWorkerRegistration | undefined> {
  return 'serviceWorker' in navigator ? navigator.serviceWorker.getRegistration() : undefined;
}

/** This device's push subscription, if it has one. */
export async function deviceSubscription(): Promise<PushSubscription | null> {
  return (await (await registration())?.pushManager.getSubscription()) ?? null;
}

/**
 * The device's push calls to the server run one after another, each reading the browser's
 * subscription when its turn comes: the hand-over at start can then never land after a switch
 * turned off meanwhile and store a subscription the browser has dropped.
 */
let queue: Promise<unknown> = Promise.resolve();
function inTurn<T>(step: () => Promise<T>): Promise<T> {
  const run = queue.then(step, step);
  queue = run.catch(() => {});
  return run;
}

function sendSubscription(subscription: PushSubscription): Promise<unknown> {
  const { endpoint, keys } = subscription.toJSON();
  return api.noticeSettings.subscribe.mutate({ endpoint: endpoint!, keys: { p256dh: keys!.p256dh!, auth: keys!.auth! } });
}

/**
 * Tells the server again about a subscription the device holds: it may have been dropped there
 * (the push service once answered 410) or be held for whoever used this device before.
 */
export function confirmSubscription(): Promise<boolean> {
  return inTurn(async () => {
    const subscription = await deviceSubscription();
    if (subscription) await sendSubscription(subscription);
    return subscription !== null;
  });
}

/**
 * At start, signed in: the server hears of the subscription this browser holds. It may have
 * dropped it (subscriptions stored before they belonged to a session were), and the session
 * it belongs to is this one. Never throws: starting must not wait on push.
 */
export async function resendSubscription(): Promise<void> {
  try {
    await confirmSubscription();
  } catch {
    // Offline: the next start tells it.
  }
}

/** Asks permission, subscribes this device with the portal's key and hands the subscription to the server. False: permission not given. */
export async function turnOnPush(): Promise<boolean> {
  // Asked at once, not in turn: the browser shows the prompt only while the tap is fresh.
  if ((await Notification.requestPermission()) !== 'granted') return false;
  return inTurn(async () => {
    const ready = await navigator.serviceWorker.ready;
    const { publicKey } = await api.noticeSettings.pushKey.query();
    const subscription = (await ready.pushManager.getSubscription()) ?? (await ready.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: publicKey }));
    await sendSubscription(subscription);
    return true;
  });
}

/** The server forgets this device first (that needs the network), then the browser drops the subscription. */
export function turnOffPush(): Promise<void> {
  return inTurn(async () => {
    const subscription = await deviceSubscription();
    if (!subscription) return;
    await api.noticeSettings.unsubscribe.mutate({ endpoint: subscription.endpoint });
    await subscription.unsubscribe();
  });
}

/**
 * For log-out: the server forgets this device while the session still lets it, if it answers
 * at all. Never throws: leaving must not wait on push.
 */
export async function forgetPushOnServer(): Promise<void> {
  try {
    const subscription = await deviceSubscription();
    if (subscription) await api.noticeSettings.unsubscribe.mutate({ endpoint: subscription.endpoint });
  } catch {
    // Offline or signed out already: the browser's unsubscribe at the wipe ends the endpoint, and the server drops it at its next send (410).
  }
}

/** The unread count on the installed app's icon, where the browser has the Badging API. */
export function showBadge(unread: number): void {
  if (unread > 0) void navigator.setAppBadge?.(unread).catch(() => {});
  else void navigator.clearAppBadge?.().catch(() => {});
}

/**
 * For the wipe, whenever nobody is signed in any more: this device stops getting the last
 * customer's notices on its lock screen, and the icon forgets their count.
 */
export async function forgetPushOnDevice(): Promise<void> {
  showBadge(0);
  await (await deviceSubscription())?.unsubscribe();
}
