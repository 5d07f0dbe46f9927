import { expect } from 'vitest';
import { openDatabase, type Database } from '../../../server/db/client.js';
import { importFiles } from '../../../server/features/imports/service.js';
import type { CommandDatabase } from './database.js';
import { headers, importRules, noticeRules, writeCsv } from './import-files.js';

/** Faucets 40000000–40000029, each with phone 01654-2-00NN; 40000099 has no phone on record. */
export const faucet = (index: number) => ({ faucetNo: String(40_000_000 + index), phone: `01654-2-${String(index).padStart(4, '0')}` });

/** A company's faucets 50000000–50000039, all with phone 01654-2-5000: enough for two accounts at the limit. */
export const companyFaucet = (index: number) => ({ faucetNo: String(50_000_000 + index), phone: '01654-2-5000' });

/** The customers file the account suites start from: the faucets above, with their holders. */
export async function importMemberFaucets(db: Database): Promise<void> {
  const rows = Array.from({ length: 30 }, (_, index) => {
    const { faucetNo, phone } = faucet(index);
    return `${faucetNo},名寄 利用者${index},,${phone},名寄市西${index}条,,,,2020-04-01,,transfer`;
  });
  rows.push('40000099,電話 なし,,,名寄市東1条,,,,2020-04-01,,invoice');
  for (let index = 0; index < 40; index += 1) {
    const { faucetNo, phone } = companyFaucet(index);
    rows.push(`${faucetNo},株式会社 北都,,${phone},名寄市西${index}条,,,,2020-04-01,,invoice`);
  }
  const result = await importFiles({ db, now: new Date() }, [{ kind: 'customers', path: writeCsv([headers.customers, ...rows]) }], { rules: importRules, notices: noticeRules, ranBy: 'test' });
  expect(result.status).toBe('imported');
}

/**
 * importMemberFaucets into a migrated database for a spawned server, before it starts: not empty,
 * it gets no demo utility (startup.test.ts's), a long start on a busy machine the tests have no use for.
 */
export async function withMemberFaucets(database: CommandDatabase): Promise<CommandDatabase> {
  const handle = await openDatabase(database.target);
  try {
    await importMemberFaucets(handle.db);
  } finally {
    await handle.close();
  }
  return database;
}
