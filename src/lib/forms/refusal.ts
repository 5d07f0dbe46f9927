import { TRPCClientError } from '@trpc/client';
import type { Localized } from '$lib/shared/localized';
import { texts } from '$lib/i18n/locale.svelte';
import { formsTexts } from '$lib/i18n/ja/forms';

const t = texts(formsTexts);

/** A refusal as server/trpc.ts formats it: why, the field it belongs next to, and how long to wait. */
export interface Refusal {
  reason: Localized;
  field: string | null;
  retryAfterSeconds: number | null;
  /** The tRPC code, e.g. UNAUTHORIZED when the session has ended. */
  code: string | null;
}

interface FormattedData {
  code?: string;
  reason?: Localized;
  field?: string | null;
  retryAfterSeconds?: number | null;
}

export function refusalOf(error: unknown): Refusal {
  if (error instanceof TRPCClientError) {
    const data = (error.data ?? undefined) as FormattedData | undefined;
    if (data?.reason) {
      return { reason: data.reason, field: data.field ?? null, retryAfterSeconds: data.retryAfterSeconds ?? null, code: data.code ?? null };
    }
    // No answer at all (no network, server down) reads differently from a refusal we cannot explain.
    if (!data) return { reason: t.both('form.offline'), field: null, retryAfterSeconds: null, code: null };
    return { reason: t.both('form.failed'), field: null, retryAfterSeconds: null, code: data.code ?? null };
  }
  return { reason: t.both('form.failed'), field: null, retryAfterSeconds: null, code: null };
}
