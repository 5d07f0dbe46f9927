import { createTRPCClient, httpLink } from '@trpc/client';
import type { AppRouter } from '../../../server/router';
import type { RowKind } from '$lib/shared/billing-rows';
import { uploadHeaders, type UploadEncoding } from '$lib/shared/import-upload';

/**
 * fetch over XMLHttpRequest, for tRPC's httpLink: fetch cannot tell how much of a request body
 * has been sent, and a 30 MB file on a slow office line needs a progress bar.
 */
function fetchReportingUpload(onSent: (sent: number, total: number) => void) {
  return (url: RequestInfo | URL | string, init?: RequestInit) =>
    new Promise<Response>((resolve, reject) => {
      const request = new XMLHttpRequest();
      request.open(init?.method ?? 'POST', String(url));
      for (const [name, value] of new Headers(init?.headers)) request.setRequestHeader(name, value);
      request.upload.onprogress = (event) => {
        if (event.lengthComputable) onSent(event.loaded, event.total);
      };
      request.onload = () =>
        resolve(new Response(request.responseText, { status: request.status, headers: { 'Content-Type': request.getResponseHeader('Content-Type') ?? '' } }));
      // tRPC's client reads a rejected fetch as "no answer at all", as with fetch itself.
      request.onerror = () => reject(new TypeError('the upload failed'));
      request.onabort = () => reject(new DOMException('the upload was aborted', 'AbortError'));
      init?.signal?.addEventListener('abort', () => request.abort());
      request.send(init?.body as XMLHttpRequestBodyInit);
    });
}

export interface UploadRequest {
  kind: RowKind;
  encoding: UploadEncoding;
  file: File;
  /** The SHA-256 a preview of this file reported: applies it. Without it, a preview. */
  previewed?: string;
}

/**
 * Sends a file to staff.imports.upload as the request's body (the one call that is not JSON,
 * so not batched) and its other fields as headers, reporting the bytes sent as they go.
 */
export function uploadImport(request: UploadRequest, onSent: (sent: number, total: number) => void) {
  const headers = uploadHeaders({ kind: request.kind, encoding: request.encoding, previewed: request.previewed, fileName: request.file.name });
  const client = createTRPCClient<AppRouter>({ links: [httpLink({ url: '/api/trpc', fetch: fetchReportingUpload(onSent), headers })] });
  return client.staff.imports.upload.mutate(request.file);
}

export type UploadResult = Awaited<ReturnType<typeof uploadImport>>;
