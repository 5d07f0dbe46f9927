import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/client.js';
import { commandLine } from '../../server/features/audit/service.js';
import { createStaff } from '../../server/features/staff/service.js';
import { createClient, startApp, type App, type Client } from './support/app.js';
import { createCommandDatabase, driverName, type CommandDatabase } from './support/database.js';
import { headers } from './support/import-files.js';
import { faucet, importMemberFaucets } from './support/members.js';
import { startServer, stopServer, type ServerProcess } from './support/server-process.js';
import { signInStaff, STAFF_PASSWORD, upload } from './support/staff.js';

/** A readings file bad on every line (a date written 2026/01/15), of about `bytes`. */
function allBadReadings(bytes: number): File {
  const lines = [headers.readings];
  for (let index = 0, size = 0; size < bytes; index += 1) {
    const line = `${30_000_000 + (index % 15_000)},2026-01,2026/01/15,${1000 + index},12.5,`;
    lines.push(line);
    size += line.length + 2;
  }
  return new File([`${lines.join('\r\n')}\r\n`], 'readings.csv');
}

/** CPU ms used so far by the whole process and by its main thread (the one whose id is the pid): what Linux counts, not a clock. */
function cpuMs(pid: number): { process: number; main: number } {
  const used = (stat: string) => {
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  };
  return { process: used(readFileSync(`/proc/${pid}/stat`, 'utf8')), main: used(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8')) };
}

describe(`checking an upload on ${driverName}`, () => {
  let database: CommandDatabase;
  let server: ServerProcess;
  let admin: Client;
  const origin = 'http://localhost:3000';

  beforeAll(async () => {
    database = await createCommandDatabase({ migrated: true });
    const handle = await openDatabase(database.target);
    const { password } = await createStaff({ db: handle.db, now: new Date() }, commandLine, { email: 'admin@city.example.jp', role: 'admin' });
    // Not empty: an empty embedded database would get the demo utility first, a long start on a busy machine.
    await importMemberFaucets(handle.db);
    await handle.close();
    server = await startServer({ ...database.env, ORIGIN: origin });
    admin = createClient(server.baseUrl, origin);
    await admin.api.staff.auth.login.mutate({ email: 'admin@city.example.jp', password });
    await admin.api.staff.auth.changePassword.mutate({ currentPassword: password, newPassword: STAFF_PASSWORD });
  }, 120_000);
  afterAll(async () => {
    await stopServer(server);
    await database.dispose();
  });

  it('reads and checks a large all-bad file off the thread that answers requests, which answers one sent meanwhile first', async () => {
    const pid = server.child.pid!;
    const before = cpuMs(pid);
    let checked = false;
    const check = upload(admin, { kind: 'readings', file: allBadReadings(6 * 1024 * 1024) }).finally(() => (checked = true));
    // A request that needs no database: on PGlite every query waits for the import's transaction.
    const answered = await fetch(`${server.baseUrl}/manifest.webmanifest`).then(() => !checked);
    const result = await check;
    const after = cpuMs(pid);

    expect(answered).toBe(true);
    expect(result.status).toBe('rejected');
    expect(result.files[0]!.badLines).toBe(result.files[0]!.rowsRead);
    // Parsing and checking 150,000 lines is seconds of CPU: on the request thread it would be nearly all of the process's.
    expect(after.main - before.main).toBeLessThan((after.process - before.process) / 2);
    // Still serving after: the checking thread's work left the server as it was.
    expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
  }, 180_000);
});

describe(`the report of a small bad file checked on its thread, on ${driverName}`, () => {
  let app: App;
  let admin: Client;
  beforeAll(async () => {
    app = await startApp();
    await importMemberFaucets(app.db);
    admin = await signInStaff(app, 'admin');
  }, 60_000);
  afterAll(async () => {
    await app.close();
  });

  it('lists every line and reason exactly as the import always has, database checks included', async () => {
    const lines = [
      headers.readings,
      `${faucet(1).faucetNo},2026-10,2026/10/14,1020,20,`,
      `${faucet(2).faucetNo},2026-10,2026-10-14,1031,31,2026-11-13`,
      `${faucet(2).faucetNo},2026-10,2026-10-14,1031,31,2026-11-13`,
      `99999999,2026-10,2026-10-14,1001,1,`,
      `${faucet(3).faucetNo},2026-13,2026-10-14,-5,１２,`,
      `${faucet(4).faucetNo},2026-10,2026-10-14,1001`
    ];
    const result = await upload(admin, { kind: 'readings', file: new File([`${lines.join('\r\n')}\r\n`], 'bad.csv') });
    expect(result.status).toBe('rejected');
    expect(result.report.replace(/sha256 [0-9a-f]{64}/, 'sha256 …')).toBe(EXPECTED_REPORT);
  });
});

/** What the import printed for this file before its rows were checked on a thread of their own. */
const EXPECTED_REPORT = `${[
  '不正な行があるため、取り込みませんでした。データベースは変更していません / rejected: nothing was changed',
  'bad.csv (readings, UTF-8, sha256 …)',
  '  不正な行 5 行 / bad lines: 5',
  '  2行目 reading_date「2026/10/14」: 日付は YYYY-MM-DD で書いてください / line 2, reading_date "2026/10/14": a date must be written YYYY-MM-DD',
  '  4行目 faucet_no+period「40000002 2026-10」: 3行目と同じキーです / line 4, faucet_no+period "40000002 2026-10": the same key as line 3',
  '  5行目 faucet_no「99999999」: 水栓番号が登録されていません（お客様ファイルにありません） / line 5, faucet_no "99999999": unknown faucet number (not in the customers file)',
  '  6行目 period「2026-13」: 期間は YYYY-MM（月は 01〜12）で書いてください / line 6, period "2026-13": a period must be written YYYY-MM (month 01–12)',
  '  6行目 meter_value「-5」: 指針は 0 以上、小数点以下 1 桁までの数で書いてください / line 6, meter_value "-5": a meter value must be 0 or more with at most one decimal',
  '  7行目 -「40000004,2026-10,2026-10-14,1001」: 列の数（4）が見出し行（6）と違います / line 7, - "40000004,2026-10,2026-10-14,1001": 4 fields where the header has 6',
  '  集計: 読み込み 6 行、追加 0、更新 0、変更なし 0 / summary: rows read 6, inserted 0, updated 0, unchanged 0'
].join('\n')}\n`;
