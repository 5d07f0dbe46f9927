import type { IncomingMessage, ServerResponse } from 'node:http';
import compression from 'compression';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { incomingMessageToRequest } from '@trpc/server/adapters/node-http';
import { errorKind } from '../db/errors.js';
import { UPLOAD_ROUTE } from '../features/imports/router.js';
import { appRouter } from '../router.js';
import { readStaffSessionToken, staffOfSession } from '../sessions/staff-sessions.js';
import { createContextFactory, UNAVAILABLE_RETRY_SECONDS, type Services } from '../trpc.js';
import { MAX_UPLOAD_BYTES } from '../../src/lib/shared/import-upload.js';

export const API_ENDPOINT = '/api/trpc';

/** The largest request body the API reads: its biggest input is a procedure form, a few KB. */
const MAX_API_BODY_BYTES = 256 * 1024;

/** More calls in one request are refused: a page batches a handful, and each call is a session lookup. */
const MAX_BATCH_SIZE = 20;

/** Answers shorter than this go as they are: gzip would barely shorten them (a "nothing changed" pull is 49 bytes). */
const COMPRESS_FROM_BYTES = 1024;

/**
 * A query (GET) as a Fetch Request: its headers and URL, nothing more. tRPC's
 * incomingMessageToRequest would also tie an AbortSignal to the connection's close, and Node's
 * Request follows a given signal with listeners of its own: in the sync bench's profile that
 * set-up cost more per no-change pull than the pull's own work in tRPC. Queries are short reads
 * that nothing cancels half-way, so they go without; a POST still goes through the adapter,
 * which streams its body with the size limit. Only the path and query are read off the URL.
 */
function queryRequest(req: IncomingMessage): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers.append(name, value);
    else if (value) for (const item of value) headers.append(name, item);
  }
  return new Request(new URL(req.url ?? '/', 'http://localhost'), { method: req.method, headers });
}

/**
 * The tRPC API: every call goes through tRPC's fetch adapter. Its answer is sent whole, with a
 * Content-Length (tRPC's node-http adapter would stream it, chunk by chunk); compression is set
 * up only for an answer long enough to be worth it, so the bulk of requests (no-change pulls)
 * pay nothing for it.
 */
export function createApiHandler(services: Services) {
  const createContext = createContextFactory(services);
  const compress = compression({ threshold: COMPRESS_FROM_BYTES });

  /**
   * tRPC's adapter takes the body in as it arrives, whether or not a procedure reads it: only an
   * admin's upload (whose body is the file alone) may be a file, so nobody else can make the
   * server hold megabytes (a larger body is refused with 413 as it comes in, with a length
   * declared or without).
   */
  async function maxBodySize(req: IncomingMessage): Promise<number> {
    const route = new URL(req.url ?? '/', 'http://localhost').pathname.slice(API_ENDPOINT.length + 1);
    const token = route === UPLOAD_ROUTE && req.method === 'POST' ? readStaffSessionToken(req, services.config.origin) : null;
    const member = token ? await staffOfSession(services.database.db, token, new Date()) : null;
    return member?.role === 'admin' && !member.mustChangePassword ? MAX_UPLOAD_BYTES : MAX_API_BODY_BYTES;
  }

  return async (req: IncomingMessage, res: ServerResponse) => {
    const response = await fetchRequestHandler({
      endpoint: API_ENDPOINT,
      router: appRouter,
      maxBatchSize: MAX_BATCH_SIZE,
      req: req.method === 'GET' || req.method === 'HEAD' ? queryRequest(req) : incomingMessageToRequest(req, res, { maxBodySize: await maxBodySize(req) }),
      createContext: () => createContext({ req, res }),
      responseMeta: ({ errors }) =>
        errors.some((error) => error.code === 'SERVICE_UNAVAILABLE') ? { headers: { 'Retry-After': String(UNAVAILABLE_RETRY_SECONDS) } } : {},
      onError({ error, path, ctx }) {
        // The error's kind and the request id only: a failed query's message holds its parameters.
        if (error.code === 'INTERNAL_SERVER_ERROR') services.logger.error({ ...errorKind(error), path, requestId: ctx?.requestId }, 'api error');
        else if (error.code === 'SERVICE_UNAVAILABLE') services.logger.warn({ ...errorKind(error), path, requestId: ctx?.requestId }, 'database unreachable');
      }
    });
    const body = Buffer.from(await response.arrayBuffer());
    res.statusCode = response.status;
    // The session cookie is set on res directly (RequestFacts.setSessionCookie); tRPC sets none.
    for (const [name, value] of response.headers) if (name !== 'set-cookie') res.setHeader(name, value);
    res.setHeader('Content-Length', body.length);
    // Whether or not this one is compressed, the answer depends on Accept-Encoding.
    res.setHeader('Vary', 'Accept-Encoding');
    if (body.length < COMPRESS_FROM_BYTES) res.end(body);
    else compress(req as Parameters<typeof compress>[0], res as Parameters<typeof compress>[1], () => res.end(body));
  };
}
