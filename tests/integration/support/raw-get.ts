import http, { type IncomingHttpHeaders } from 'node:http';

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body as it came over the wire, still compressed if it was (fetch would decode it). */
  body: Buffer;
}

/**
 * A GET that counts what the server sent: its body is not decoded. Given a path too, that path is
 * sent exactly as written, "#" and all (a URL string would lose its fragment on parsing).
 */
export function rawGet(url: string, headers: Record<string, string> = {}, exactPath?: string): Promise<RawAnswer> {
  const { hostname, port, pathname, search } = new URL(url);
  return new Promise((resolve, reject) => {
    http
      .get({ hostname, port, path: exactPath ?? `${pathname}${search}`, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
        response.on('error', reject);
      })
      .on('error', reject);
  });
}
