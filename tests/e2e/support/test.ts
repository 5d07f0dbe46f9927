import { request, test as base } from '@playwright/test';
import type { NewMember } from './signup.js';

/**
 * Members signed up in the test under way (support/signup.ts adds them). A faucet belongs to one
 * account, and the tests of one worker take their faucets from the same few demo households
 * (support/demo.ts): one left linked by a failed test would fail the next test's sign-up with it.
 */
export const signedUpMembers: NewMember[] = [];

/** Logs in through the API and withdraws; a member already gone (the test withdrew) is refused at log-in and left so. */
async function withdrawIfStillThere(baseURL: string, member: NewMember): Promise<void> {
  const api = await request.newContext({ baseURL, extraHTTPHeaders: { Origin: baseURL } });
  try {
    const login = await api.post('/api/trpc/auth.login', { data: { email: member.email, password: member.password } });
    if (!login.ok()) return;
    const withdrawn = await api.post('/api/trpc/account.withdraw', { data: { password: member.password } });
    if (!withdrawn.ok()) throw new Error(`could not free faucet ${member.faucet.faucetNo} of ${member.email}: ${await withdrawn.text()}`);
  } finally {
    await api.dispose();
  }
}

/** Playwright's test, with every member a test signed up withdrawn afterwards, whatever the test came to. */
export const test = base.extend<{ freeSignedUpFaucets: void }>({
  freeSignedUpFaucets: [
    async ({ baseURL }, use) => {
      signedUpMembers.length = 0;
      await use();
      for (const member of signedUpMembers.splice(0)) await withdrawIfStillThere(baseURL!, member);
    },
    { auto: true }
  ]
});
