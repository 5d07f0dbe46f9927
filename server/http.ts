import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import Negotiator from 'negotiator';
import sirv from 'sirv';
import { API_ENDPOINT, createApiHandler } from './http/api.js';
import { errorKind } from './db/errors.js';
import { webAppManifest } from './features/utility/manifest.js';
import { documentHeaders, EVERY_ANSWER, pagePolicies, workerHeaders } from './http/security-headers.js';
import { APP_SHELL } from '../src/lib/shared/app-shell.js';
import { internalErrorReason, type Services } from './trpc.js';

/** A health check that waits longer than this reports the database as down. */
const HEALTH_TIMEOUT_MS = 800;

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

/**
 * The path sirv looks a file up by: the URL cut at the first "#" or "?" after its first character,
 * then percent-decoded by decodeURI (left as it is when malformed). Checks on the raw URL would let
 * "/login.html%2Ebr" or "/login.html.br#" through to the file "login.html.br".
 */
function pathSirvLooksUp(url: string): string {
  const cut = url.slice(1).search(/[#?]/);
  const path = cut === -1 ? url : url.slice(0, cut + 1);
  try {
    return decodeURI(path);
  } catch {
    return path;
  }
}

/** A path naming a file (its last segment has an extension), or the well-known files' folder: never a page of the app. */
const NOT_A_PAGE = /\/[^/]*\.\w+$|^\/\.well-known\//;

/**
 * The client build, each text file sent as the .br or .gz sibling the build wrote beside it
 * (svelte.config.js: precompress) when the browser accepts that encoding, else as it is. Sirv
 * sets Vary: Accept-Encoding and the compressed file's Content-Length; nothing is compressed
 * per request. A prerendered page is its own file (/login is login.html); any other path of the
 * app is the shell. Each page is sent with the document headers of its own policy, the service
 * worker's script with its own; the other files need none of them.
 */
function createStaticHandler(clientDir: string, origin: string) {
  if (!existsSync(clientDir)) return undefined;
  const policies = pagePolicies(clientDir);
  const shellPolicy = policies.get(APP_SHELL);
  if (!shellPolicy) throw new Error(`${clientDir} has no ${APP_SHELL} (the SPA fallback, svelte.config.js): build the client again`);
  const pageHeaders = new Map([...policies].map(([file, policy]) => [file, Object.entries(documentHeaders(policy, origin))]));
  const serviceWorkerHeaders = Object.entries(workerHeaders(shellPolicy));
  // The page sirv sends for a path: the file itself, or the .html or /index.html it stands for.
  const pageFile = (pathname: string) => {
    const bare = pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
    return [bare, `${bare}.html`, `${bare}/index.html`].find((file) => pageHeaders.has(file));
  };
  const serve = sirv(clientDir, {
    etag: true,
    brotli: true,
    gzip: true,
    setHeaders(res, pathname) {
      // Hashed build files never change; the pages and the service worker must be re-checked.
      res.setHeader(
        'Cache-Control',
        pathname.startsWith('/_app/immutable/') ? 'public, max-age=31536000, immutable' : 'no-cache'
      );
      const file = pageFile(pathname);
      const headers = pathname === '/service-worker.js' ? serviceWorkerHeaders : file ? pageHeaders.get(file) : undefined;
      for (const [name, value] of headers ?? []) res.setHeader(name, value);
    }
  });
  return (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const pathname = pathSirvLooksUp(req.url!);
    // The .br and .gz files are encodings of the files beside them, sent in their stead, not addresses of their own.
    if (/\.(br|gz)$/.test(pathname)) return next();
    // Sirv looks for "br" or "gzip" anywhere in the header, so "br;q=0" would still get brotli:
    // it is handed the one encoding the q-values allow, the smaller (brotli) when both are.
    const accepted = new Negotiator(req).encodings(['br', 'gzip']);
    req.headers['accept-encoding'] = accepted.includes('br') ? 'br' : accepted.includes('gzip') ? 'gzip' : 'identity';
    serve(req, res, () => {
      if (NOT_A_PAGE.test(pathname)) return next();
      req.url = APP_SHELL;
      serve(req, res, next);
    });
  };
}

/** The path of a request's URL as a WHATWG URL parser resolves it (dot segments too); undefined when it cannot. */
function resolvedPath(url: string): string | undefined {
  try {
    return new URL(url, 'http://localhost').pathname;
  } catch {
    // An absolute-form target such as "http://[" reaches the handler unparsed.
    return undefined;
  }
}

export function createRequestHandler(services: Services & { clientDir: string }) {
  const { database, logger } = services;
  const api = createApiHandler(services);
  const serveStatic = createStaticHandler(services.clientDir, services.config.origin);
  const manifest = JSON.stringify(webAppManifest(services.config.profile));
  const headers = Object.entries(EVERY_ANSWER);
  if (!serveStatic) logger.warn({ clientDir: services.clientDir }, 'no client build found; serving the API only');

  return (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const url = req.url ?? '/';
    // The path exactly, whatever the query (probes add cache-busters).
    const pathname = url.split('?', 1)[0]!;
    for (const [name, value] of headers) res.setHeader(name, value);
    res.on('finish', () => {
      // Reads that went well are the bulk (every device pulls on a timer): debug. Changes and failures: info.
      const routine = req.method === 'GET' && res.statusCode < 400;
      const level = routine ? 'debug' : 'info';
      logger[level](
        // The path only: a query's input is in its query string (a search for an address, a name).
        { method: req.method, path: pathname, status: res.statusCode, ms: Math.round(performance.now() - started) },
        'request'
      );
    });

    // A near miss gets a 404, not the app's shell with its 200, which a mistyped probe would take for healthy.
    if (pathname.startsWith('/healthz')) {
      if (pathname === '/healthz') void database.ping(HEALTH_TIMEOUT_MS).then((ok) => sendJson(res, ok ? 200 : 503, { ok }));
      else sendJson(res, 404, { error: 'not found' });
      return;
    }
    if (url === '/manifest.webmanifest') {
      res.writeHead(200, { 'Content-Type': 'application/manifest+json; charset=utf-8', 'Cache-Control': 'no-cache' });
      res.end(manifest);
      return;
    }
    // tRPC reads the procedure off the URL as resolved, by length: "/api/trpc/../trpcutility.profile"
    // is "/api/trpcutility.profile" to it, and "utility.profile" after its endpoint's 9 characters.
    // So the API gets only what resolves inside its endpoint; the rest of /api/ is 404 below.
    if (resolvedPath(url)?.startsWith(`${API_ENDPOINT}/`)) {
      // Billing data must not outlive log-out in the browser's HTTP cache.
      res.setHeader('Cache-Control', 'no-store');
      api(req, res).catch((error: unknown) => {
        const requestId = randomUUID();
        logger.error({ ...errorKind(error), requestId }, 'api request failed');
        if (!res.headersSent) sendJson(res, 500, { error: { reason: internalErrorReason(requestId), requestId } });
        else res.destroy();
      });
      return;
    }
    if (url.startsWith('/api/')) {
      sendJson(res, 404, { error: 'not found' });
      return;
    }
    if (serveStatic && (req.method === 'GET' || req.method === 'HEAD')) {
      serveStatic(req, res, () => sendJson(res, 404, { error: 'not found' }));
      return;
    }
    sendJson(res, 404, { error: 'not found' });
  };
}

/** One utility's portal on one host (undefined: every host no other portal names). */
export interface HostedPortal {
  host: string | undefined;
  services: Services;
  clientDir: string;
}

/** The host name a request is for: its Host header without the port, lowercased; undefined when it is not a host name. */
function requestHost(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^([a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i.exec(header);
  return match ? match[1]!.toLowerCase().replace(/\.$/, '') : undefined;
}

/**
 * The Host header picks the utility: each host its portal, the rest the portal of every other
 * host if there is one, else a bare 404 that tells nothing of the utilities served. /healthz
 * answers on any host: probes call by address, and it says only whether the database answers.
 */
export function createHostRouter(portals: HostedPortal[]) {
  const handlers = portals.map(({ host, services, clientDir }) => ({ host, handle: createRequestHandler({ ...services, clientDir }) }));
  const byHost = new Map(handlers.filter(({ host }) => host !== undefined).map(({ host, handle }) => [host!, handle]));
  const anyOtherHost = handlers.find(({ host }) => host === undefined)?.handle;
  const health = handlers[0]!.handle;
  const headers = Object.entries(EVERY_ANSWER);
  return (req: IncomingMessage, res: ServerResponse) => {
    const host = requestHost(req.headers.host);
    const handle = (host !== undefined ? byHost.get(host) : undefined) ?? anyOtherHost;
    if (handle) return handle(req, res);
    if (req.url === '/healthz') return health(req, res);
    for (const [name, value] of headers) res.setHeader(name, value);
    res.writeHead(404, { 'Content-Length': 0 });
    res.end();
  };
}

/** The portal of one utility on every host, or of several utilities each on its hosts. */
export function createHttpServer(served: (Services & { clientDir: string }) | HostedPortal[]) {
  const handler = Array.isArray(served) ? createHostRouter(served) : createRequestHandler(served);
  const server = http.createServer(handler);
  // Longer than a reverse proxy keeps an idle upstream connection (nginx and most balancers: 60 s):
  // with Node's 5 s the app closed connections the proxy was about to reuse, and devices pulling
  // every few seconds reconnected each time; in the bill-day bench 2,000 devices pulling every
  // 10 s overflowed the listen queue (dropped SYNs, pulls waiting a minute and more, resets).
  server.keepAliveTimeout = 65_000;
  // Node's own advice: longer than keepAliveTimeout, or a reused connection can be cut mid-request.
  server.headersTimeout = 66_000;
  return server;
}
