import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  callTRPCProcedure,
  getTRPCErrorFromUnknown,
  getTRPCErrorShape,
  transformTRPCResponse,
  type TRPCError
} from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { incomingMessageToRequest } from '@trpc/server/adapters/node-http';
import { getHTTPStatusCode } from '@trpc/server/http';
import { errorKind } from './db/errors.js';
import { appRouter } from './router.js';
import { createContextFactory, type Context, type Services } from './trpc.js';

export const API_ENDPOINT = '/api/trpc';

/** The largest request body the API reads: its biggest input is a procedure form, a few KB. */
const MAX_API_BODY_BYTES = 256 * 1024;

/** More calls in one request are refused: a page batches a handful, and each call is a session lookup. */
const MAX_BATCH_SIZE = 20;

/** What tRPC's handler puts on every JSON answer, in the order a fetch Headers lists them. */
const JSON_ANSWER_HEADERS: [string, string][] = [
  ['content-type', 'application/json'],
  ['vary', 'trpc-accept, accept']
];

/** A whole answer, sent with its Content-Length, so compression (in front) leaves the small ones alone. */
export interface ApiAnswer {
  status: number;
  headers: [string, string][];
  body: Buffer;
}

interface QueryCall {
  path: string;
  input: unknown;
}

const config = appRouter._def._config;
// At run time tRPC keeps every procedure here under its full dotted path (its type shows the nesting).
const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>;

function isQuery(path: string): boolean {
  return Object.hasOwn(procedures, path) && procedures[path]!._def.type === 'query';
}

/**
 * The calls of a plain GET of queries, single or batched, with their inputs, read the way
 * tRPC reads them; undefined for anything else (a mutation, an unknown or encoded path,
 * input that is not JSON, too big a batch, a streaming or connection-params request),
 * which tRPC's own handler answers, errors included.
 */
function plainQueryCalls(req: IncomingMessage): { calls: QueryCall[]; batch: boolean } | undefined {
  const { headers } = req;
  if (req.method !== 'GET' || headers['content-type'] || headers['trpc-accept'] || headers.accept?.includes('application/jsonl')) return undefined;
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.searchParams.has('connectionParams')) return undefined;
  // The URL as resolved ("/api/trpc/../x" is "/x"): tRPC cuts its endpoint off that, too.
  if (!url.pathname.startsWith(`${API_ENDPOINT}/`)) return undefined;
  const batch = url.searchParams.get('batch') === '1';
  const pathText = url.pathname.slice(API_ENDPOINT.length + 1);
  const paths = batch ? pathText.split(',') : [pathText];
  if (paths.length > MAX_BATCH_SIZE || !paths.every(isQuery)) return undefined;

  let inputs: unknown;
  try {
    const inputText = url.searchParams.get('input');
    inputs = inputText ? JSON.parse(inputText) : undefined;
  } catch {
    return undefined;
  }
  const deserialize = (input: unknown) => (input === undefined ? undefined : config.transformer.input.deserialize(input));
  if (!batch) return { calls: [{ path: paths[0]!, input: deserialize(inputs) }], batch };
  if (inputs !== undefined && (inputs === null || typeof inputs !== 'object' || Array.isArray(inputs))) return undefined;
  const byIndex = (inputs ?? {}) as Record<string, unknown>;
  return { calls: paths.map((path, index) => ({ path, input: deserialize(Object.hasOwn(byIndex, index) ? byIndex[index] : undefined) })), batch };
}

/**
 * The tRPC API. Every device pulls on a timer, a plain GET of a query: for those, tRPC's own
 * procedure call, error shape, status and transformer answer directly. tRPC's handler would
 * first build a fetch Request, abort signals and a Response for each; on a no-change pull
 * that was half of the server's time (measured in `npm run bench -- sync`). Everything else
 * goes through that handler. tests/integration/api.test.ts holds both to the same answers.
 */
export function createApiAnswerers(services: Services) {
  const createContext = createContextFactory(services);
  // The error's kind and the request id only: a failed query's message holds its parameters.
  const report = (error: TRPCError, path: string | undefined, ctx: Context | undefined) => {
    if (error.code === 'INTERNAL_SERVER_ERROR') services.logger.error({ ...errorKind(error), path, requestId: ctx?.requestId }, 'api error');
  };

  async function answerCalls(calls: QueryCall[], ctx: Context, batch: boolean): Promise<ApiAnswer> {
    const errors: (TRPCError | undefined)[] = [];
    const responses = await Promise.all(
      calls.map(async ({ path, input }, batchIndex) => {
        try {
          const data = await callTRPCProcedure({ router: appRouter, path, getRawInput: async () => input, ctx, type: 'query', signal: undefined, batchIndex });
          return { result: { data } };
        } catch (cause) {
          const error = getTRPCErrorFromUnknown(cause);
          errors[batchIndex] = error;
          report(error, path, ctx);
          return { error: getTRPCErrorShape({ config, error, type: 'query', path, input, ctx }) };
        }
      })
    );
    const json = batch ? responses : responses[0]!;
    return { status: getHTTPStatusCode(json, errors), headers: JSON_ANSWER_HEADERS, body: Buffer.from(JSON.stringify(transformTRPCResponse(config, json))) };
  }

  return {
    /** A plain GET of queries, answered without tRPC's fetch layer; undefined for any other request. */
    plainQueries(req: IncomingMessage, res: ServerResponse): Promise<ApiAnswer> | undefined {
      const plain = plainQueryCalls(req);
      return plain && answerCalls(plain.calls, createContext({ req, res }), plain.batch);
    },

    /** Any request, through tRPC's fetch handler. */
    async anyRequest(req: IncomingMessage, res: ServerResponse): Promise<ApiAnswer> {
      const response = await fetchRequestHandler({
        endpoint: API_ENDPOINT,
        router: appRouter,
        maxBatchSize: MAX_BATCH_SIZE,
        req: incomingMessageToRequest(req, res, { maxBodySize: MAX_API_BODY_BYTES }),
        createContext: () => createContext({ req, res }),
        onError: ({ error, path, ctx }) => report(error, path, ctx)
      });
      // The session cookie is set on res directly (Context.setSessionCookie); tRPC sets none.
      const headers = [...response.headers].filter(([name]) => name !== 'set-cookie');
      return { status: response.status, headers, body: Buffer.from(await response.arrayBuffer()) };
    }
  };
}

export function createApiHandler(services: Services) {
  const answer = createApiAnswerers(services);
  return async (req: IncomingMessage, res: ServerResponse) => {
    const { status, headers, body } = await (answer.plainQueries(req, res) ?? answer.anyRequest(req, res));
    res.statusCode = status;
    for (const [name, value] of headers) res.setHeader(name, value);
    res.setHeader('Content-Length', body.length);
    res.end(body);
  };
}
