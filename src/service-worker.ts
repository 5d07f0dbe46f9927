/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
import { clientsClaim } from 'workbox-core';
import { addRoute, cleanupOutdatedCaches, createHandlerBoundToURL, matchPrecache, precache } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { APP_SHELL } from '$lib/shared/app-shell';
import { listsDatabase } from '$lib/local/database-name';

declare let self: ServiceWorkerGlobalScope;

// Only the app shell is cached here; customer data lives in IndexedDB, never in a cache.
precache(self.__WB_MANIFEST);
cleanupOutdatedCaches();
// The page that installed the worker is taken over as soon as it activates, so the pages the
// customer has not opened yet load from the cache in the very first session, also offline.
// An update activates only when the customer accepts it, and that page reloads then.
clientsClaim();

// Every page of the app opens from the cache, also with no network. A public page's prerendered
// HTML shows it as a visitor sees it; on a device that holds a customer's copy it would paint a
// visitor's page (the welcome, the visitor's tabs) until the app has read the copy, so there
// every page is the shell, which the app draws from the copy. Where the browser cannot say
// whether it holds one, the shell too. The API, the staff console (online only) and the health
// check always go to the network. Registered before the precache's own route, which would
// answer a prerendered page's address first.
const shell = createHandlerBoundToURL(APP_SHELL);
registerRoute(
  new NavigationRoute(
    async (options) => {
      const visitor = (await listsDatabase()) === false;
      return (visitor ? await matchPrecache(options.url.pathname) : undefined) ?? shell(options);
    },
    { denylist: [/^\/api\//, /^\/staff(\/|$)/, /^\/healthz/] }
  )
);
addRoute();

self.addEventListener('message', (event) => {
  if (event.data?.type === 'SKIP_WAITING') void self.skipWaiting();
});

/** The Declarative Web Push message the server sends (src/lib/shared/push-payload.ts); Safari shows it by itself. */
interface DeclarativePush {
  web_push: 8030;
  notification: { title: string; body?: string; navigate: string; lang?: string; tag?: string; app_badge?: number };
}

function declarativePush(event: PushEvent): DeclarativePush | null {
  try {
    const message = event.data?.json() as DeclarativePush | undefined;
    return message?.web_push === 8030 && typeof message.notification?.title === 'string' ? message : null;
  } catch {
    return null;
  }
}

/** Only a page of this app: a payload cannot send the customer to another site. */
function ownUrl(navigate: string): string {
  const url = new URL(navigate, self.location.origin);
  return url.origin === self.location.origin ? url.href : self.location.origin;
}

// A push means the server has news for this device: the notice is shown (its tag is the
// notice's, so a repeat replaces it instead of stacking), the icon shows the unread count, and
// every open page syncs at once, so the customer sees it in the list without reloading.
self.addEventListener('push', (event) => {
  const message = declarativePush(event);
  const shown = message
    ? self.registration.showNotification(message.notification.title, {
        body: message.notification.body,
        lang: message.notification.lang,
        tag: message.notification.tag,
        data: { navigate: ownUrl(message.notification.navigate) }
      })
    : Promise.resolve();
  const badge = message?.notification.app_badge;
  const badged = badge === undefined ? Promise.resolve() : (badge > 0 ? self.navigator.setAppBadge?.(badge) : self.navigator.clearAppBadge?.())?.catch(() => {});
  const synced = self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((pages) => {
    for (const page of pages) page.postMessage({ type: 'SYNC' });
  });
  event.waitUntil(Promise.all([shown, badged, synced]));
});

// A tap on a notice opens its page: in a window of the app already open if there is one.
self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const navigate = ownUrl((event.notification.data as { navigate?: string } | null)?.navigate ?? '/');
  event.waitUntil(
    (async () => {
      // Only pages this worker controls: they are the ones it may navigate.
      const [open] = await self.clients.matchAll({ type: 'window' });
      if (!open) {
        await self.clients.openWindow(navigate);
        return;
      }
      // Focus needs the tap's user activation, which a browser may not pass on; the page opens all the same.
      await open.focus().catch(() => {});
      await open.navigate(navigate);
    })()
  );
});
