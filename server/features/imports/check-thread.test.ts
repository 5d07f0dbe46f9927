import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRowsOnThread, RowCheckFailed } from './check-thread.js';
import type { RowCheckJob, RowCheckMessage } from './row-check.js';

const dir = mkdtempSync(path.join(tmpdir(), 'portal-check-thread-'));
const readings = path.join(dir, 'readings.csv');
writeFileSync(readings, 'faucet_no,period,reading_date,meter_value,usage_m3,next_reading_date\r\n10000001,2026-01,2026/01/15,1000,12.5,\r\n10000002,2026-01,2026-01-15,1000,12.5,\r\n');
const job = (file: string): RowCheckJob => ({ kind: 'readings', path: file, encoding: 'utf8', rules: { faucetNumberPattern: /^[0-9]{8}$/, districts: [] } });

async function all(file: string): Promise<RowCheckMessage[]> {
  const checking = checkRowsOnThread(job(file));
  const messages: RowCheckMessage[] = [];
  for await (const message of checking.messages) {
    messages.push(message);
    if (message.type === 'rows') checking.took();
  }
  return messages;
}

describe('the checking thread', () => {
  it('sends the good rows and then the bad lines; a thread that fails fails its file only, and the next file gets a new thread', async () => {
    const good = await all(readings);
    expect(good.map((message) => message.type)).toEqual(['rows', 'done']);
    expect(JSON.parse((good[0] as { json: string }).json)).toMatchObject([{ line: 3, faucet_no: '10000002' }]);
    expect(good[1]).toMatchObject({ type: 'done', rowsRead: 2, problems: { listed: [[2, [{ column: 'reading_date', value: '2026/01/15' }]]] } });

    const failed = await all(path.join(dir, 'gone.csv')).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(RowCheckFailed);
    expect((failed as RowCheckFailed).cause).toMatchObject({ code: 'ENOENT' });

    expect(await all(readings)).toEqual(good);
    // Starting a thread loads the TypeScript of the checks anew: seconds on a busy machine.
  }, 60_000);

  it('takes files one at a time, each to its end, when several are checked at once', async () => {
    const results = await Promise.all([all(readings), all(readings), all(readings)]);
    for (const messages of results) expect(messages.at(-1)).toMatchObject({ type: 'done', rowsRead: 2 });
  }, 60_000);
});
