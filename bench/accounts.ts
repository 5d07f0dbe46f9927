import { verify } from '@node-rs/argon2';
import { hashPassword } from '../server/features/auth/passwords.js';
import { importFiles } from '../server/features/imports/service.js';
import { startApp } from '../tests/integration/support/app.js';
import { headers, importRules, noticeRules, writeCsv } from '../tests/integration/support/import-files.js';
import { againstBaseline, progress, round, type Figure } from './results.js';

const LOGINS = 40;
const PASSWORD = 'kawa-no-nagare-2026';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Log-in over HTTP against the bare argon2id verify it is built around: the ratio shows what
 * the server adds to the deliberate cost. Sign-up counts the requests a whole flow needs.
 */
export async function benchAccounts(): Promise<Record<string, Figure>> {
  const app = await startApp({ logLevel: 'info' });
  try {
    await importFiles({ db: app.db, now: new Date() }, [{ kind: 'customers', path: writeCsv([headers.customers, '60000001,名寄 太郎,,01654-2-1111,名寄市,,,,2020-04-01,,transfer']) }], {
      rules: importRules, notices: noticeRules,
      ranBy: 'bench'
    });
    progress('sign-up over HTTP');
    const client = app.client();
    let requests = 0;
    const counted = <T>(call: Promise<T>) => ((requests += 1), call);
    const email = 'bench@example.jp';
    await counted(client.api.auth.signup.requestCode.mutate({ email }));
    const code = await app.codeFor(email);
    const { ticket } = await counted(client.api.auth.signup.verifyCode.mutate({ email, code }));
    await counted(client.api.auth.signup.proveFaucet.mutate({ ticket, faucetNo: '60000001', phone: '01654-2-1111', consent: true }));
    await counted(client.api.auth.signup.complete.mutate({ ticket, nickname: 'bench', password: PASSWORD }));

    progress(`${LOGINS} log-ins over HTTP and ${LOGINS} bare argon2 verifies`);
    const stored = await hashPassword(PASSWORD);
    const logins: number[] = [];
    const verifies: number[] = [];
    for (let round = 0; round < LOGINS; round += 1) {
      let started = performance.now();
      await app.client().api.auth.login.mutate({ email, password: PASSWORD });
      logins.push(performance.now() - started);
      started = performance.now();
      await verify(stored, PASSWORD);
      verifies.push(performance.now() - started);
    }
    return {
      login_p50_ms: againstBaseline(median(logins), 'ms', median(verifies), LOGINS),
      argon2_verify_p50_ms: { value: round(median(verifies)), unit: 'ms', n: LOGINS },
      signup_flow_requests: { value: requests, unit: 'requests' }
    };
  } finally {
    await app.close();
  }
}
