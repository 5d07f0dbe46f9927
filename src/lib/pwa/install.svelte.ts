import { browser } from '$app/environment';
import { installOffer, isIosSafari, type InstallOffer } from './install-offer';

/** Chrome's install prompt event (not in TypeScript's DOM types). */
interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  readonly userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

let waiting = $state<BeforeInstallPromptEvent | null>(null);
let installed = $state(false);
let listening = false;

/**
 * Chrome hands over its install prompt once, soon after the page loads, whichever page that
 * is: it is kept from the start so Home and help can offer it later, at a better moment.
 * preventDefault keeps Chrome's own banner from covering the first screen.
 */
export function listenForInstallPrompt(): void {
  if (listening) return;
  listening = true;
  window.addEventListener('beforeinstallprompt', (event) => {
    event.preventDefault();
    waiting = event as BeforeInstallPromptEvent;
  });
  window.addEventListener('appinstalled', () => {
    installed = true;
    waiting = null;
  });
}

function standalone(): boolean {
  return installed || matchMedia('(display-mode: standalone)').matches || (navigator as { standalone?: boolean }).standalone === true;
}

/** What the page may offer now: the browser's prompt, the iOS guide, or nothing. */
export function currentInstallOffer(): InstallOffer {
  // A prerendered page is written with no browser to ask: the offer comes with the app.
  if (!browser) return 'none';
  return installOffer({
    standalone: standalone(),
    promptReady: waiting !== null,
    iosSafari: isIosSafari(navigator.userAgent, navigator.maxTouchPoints)
  });
}

/** Shows the browser's prompt; it can be used only once, so the button goes whatever the answer. */
export async function promptInstall(): Promise<void> {
  const event = waiting;
  if (!event) return;
  waiting = null;
  await event.prompt();
  if ((await event.userChoice).outcome === 'accepted') installed = true;
}
