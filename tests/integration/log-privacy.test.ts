import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { codeIn, createClient, failureOf, mailInOutbox } from './support/app.js';
import { createCommandDatabase, driverName } from './support/database.js';
import { headers } from './support/import-files.js';
import { withMemberFaucets } from './support/members.js';
import { runCommand, startServer, stopServer } from './support/server-process.js';
import { upload } from './support/staff.js';

const ORIGIN = 'http://localhost:3000';

/** What the flows below type or are sent: none of it may appear in any log line, at any level. */
const member = { email: 'kitamura.shinichiro@example.jp', nickname: 'しんちゃん', password: 'kawa-no-nagare-2026', newPassword: 'yuki-no-hi-2027' };
const holder = { name: '北村 真一郎', kana: 'キタムラ シンイチロウ', phone: '01654-3-7711', supply: '名寄市風連町東光12番地', secondSupply: '名寄市風連町東光14番地' };
const faucets = ['61000001', '61000002'];
const billing = { name: '北村 花子', postalCode: '096-8686', address: '名寄市大通南1丁目' };
const staffEmail = 'kanri.tanaka@city.example.jp';
const unknownStaffEmail = 'nobody.here@city.example.jp';
const unknownSearch = 'sagashite.imasu@example.jp';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe(`no personal data in the server's logs, on ${driverName}`, () => {
  it('runs the main flows at LOG_LEVEL=trace and finds no address, phone, name or code in stdout or stderr', async () => {
    const database = await withMemberFaucets(await createCommandDatabase({ migrated: true }));
    cleanups.push(() => database.dispose());
    const dataDir = database.env.DATA_DIR!;
    const env = { ...database.env, ORIGIN, LOG_LEVEL: 'trace' };
    // Made before the server starts: the embedded database has one owner at a time.
    const created = runCommand('server/cli/staff.ts', ['create', '--email', staffEmail, '--role', 'admin'], env);
    expect(await created.exited).toBe(0);
    const oneTimePassword = /one-time password[^:]*: (\S+)/.exec(created.stdout())![1]!;

    const server = await startServer(env);
    cleanups.push(() => stopServer(server));
    const outbox = path.join(dataDir, 'mail');
    const client = () => createClient(server.baseUrl, ORIGIN);
    const codes: string[] = [];

    const admin = client();
    expect(await failureOf(admin.api.staff.auth.login.mutate({ email: unknownStaffEmail, password: 'not-the-password' }))).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await failureOf(admin.api.staff.auth.login.mutate({ email: staffEmail, password: 'not-the-password' }))).toMatchObject({ code: 'UNAUTHORIZED' });
    await admin.api.staff.auth.login.mutate({ email: staffEmail, password: oneTimePassword });
    await admin.api.staff.auth.changePassword.mutate({ currentPassword: oneTimePassword, newPassword: 'gyomuka-madoguchi-2026' });

    const customersFile = new File(
      [
        [
          headers.customers,
          `${faucets[0]},${holder.name},${holder.kana},${holder.phone},${holder.supply},,,,2020-04-01,,transfer`,
          `${faucets[1]},${holder.name},${holder.kana},${holder.phone},${holder.secondSupply},,,,2020-04-01,,transfer`
        ].join('\r\n') + '\r\n'
      ],
      'customers.csv'
    );
    const preview = await upload(admin, { kind: 'customers', encoding: 'auto', file: customersFile });
    expect(await upload(admin, { kind: 'customers', encoding: 'auto', file: customersFile, previewed: preview.sha256 })).toMatchObject({ status: 'imported' });

    const phone = client();
    await phone.api.auth.signup.requestCode.mutate({ email: member.email });
    codes.push(codeIn(await mailInOutbox(outbox, member.email)));
    const { ticket } = await phone.api.auth.signup.verifyCode.mutate({ email: member.email, code: codes[0]! });
    await phone.api.auth.signup.proveFaucet.mutate({ ticket, faucetNo: faucets[0]!, phone: holder.phone, consent: true });
    await phone.api.auth.signup.complete.mutate({ ticket, nickname: member.nickname, password: member.password });
    await phone.api.faucets.add.mutate({ faucetNo: faucets[1]!, phone: holder.phone, label: null, consent: true });

    expect(await failureOf(client().api.auth.login.mutate({ email: member.email, password: 'not-the-password' }))).toMatchObject({ code: 'UNAUTHORIZED' });
    await client().api.auth.login.mutate({ email: member.email, password: member.password });
    const forgetful = client();
    await forgetful.api.auth.reset.requestCode.mutate({ email: member.email });
    codes.push(codeIn(await mailInOutbox(outbox, member.email, 2)));
    await forgetful.api.auth.reset.complete.mutate({ email: member.email, code: codes[1]!, password: member.newPassword });

    expect(await admin.api.staff.support.search.query({ query: unknownSearch })).toEqual([]);
    expect(await failureOf(admin.api.staff.support.search.query({ query: ' '.repeat(3) }))).toMatchObject({ code: 'BAD_REQUEST' });
    const [found] = await admin.api.staff.support.search.query({ query: member.email });
    const account = await admin.api.staff.support.account.query({ customerId: found!.customerId });
    await forgetful.api.procedures.file.mutate({ clientId: randomUUID(), linkId: account.faucets[0]!.linkId, kind: 'billing-address', fields: billing });
    expect(await admin.api.staff.support.search.query({ query: holder.kana })).toHaveLength(1);

    await stopServer(server);
    const output = server.output();
    expect(output).toContain('"level":20'); // the debug lines (every read) were written: the search below had them to look at
    const personal = [
      member.email,
      member.nickname,
      member.password,
      member.newPassword,
      holder.name,
      holder.kana,
      holder.phone,
      holder.phone.replace(/-/g, ''),
      holder.supply,
      holder.secondSupply,
      billing.name,
      billing.postalCode,
      billing.address,
      staffEmail,
      unknownStaffEmail,
      unknownSearch,
      oneTimePassword,
      ...codes
    ];
    // Also as JSON and URLs carry them: escaped, percent-encoded.
    const forms = personal.flatMap((text) => [text, JSON.stringify(text).slice(1, -1), encodeURIComponent(text)]);
    expect(forms.filter((text) => output.includes(text))).toEqual([]);
  }, 180_000);
});
