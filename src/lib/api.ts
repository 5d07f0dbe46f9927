import { createTRPCClient, httpBatchLink } from '@trpc/client';
import type { AppRouter } from '../../server/router';

export const api = createTRPCClient<AppRouter>({
  links: [httpBatchLink({ url: '/api/trpc' })]
});
