import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import iconv from 'iconv-lite';
import { demoProfilePath, parseProfile } from '../../../server/config.js';
import { selectRows, type Database } from '../../../server/db/client.js';

export const importRules = { faucetNumberPattern: /^[0-9]{8}$/, districts: [] };

const demoProfile = parseProfile(readFileSync(demoProfilePath, 'utf8'), demoProfilePath);

/** The demo profile's notice thresholds (usage alert ≥ 1.5× and ≥ 5 m³ more), for the imports the tests run. */
export const noticeRules = demoProfile.notices;

/** The demo utility, whose rows the tests' and benches' own database sessions hold (the servers they start run the demo profile). */
export const demoUtility = demoProfile.id;

export const headers = {
  customers:
    'faucet_no,holder_name,holder_kana,phone,supply_address,billing_name,billing_postal_code,billing_address,contract_start,contract_end,payment_method',
  readings: 'faucet_no,period,reading_date,meter_value,usage_m3,next_reading_date',
  bills: 'faucet_no,period,usage_m3,water_charge,sewer_charge,total,tax,issue_date,due_date,transfer_date',
  payments: 'faucet_no,period,amount,method,result,paid_on'
};

/** Lines of the import files for the tests' faucets: a holder from `start`, a reading, a bill. */
export const customerLine = (faucetNo: string, start: string, end = '') => `${faucetNo},名寄 太郎,,01654-2-0001,名寄市西1条,,,,${start},${end},transfer`;
export const readingLine = (faucetNo: string, period: string, usage: number, day = '14') => `${faucetNo},${period},${period}-${day},${1000 + usage},${usage},`;
export const billLine = (faucetNo: string, period: string, total = 7000, transferDate = `${period}-26`) =>
  `${faucetNo},${period},20,${total - 3000},3000,${total},636,${period}-16,${period}-28,${transferDate}`;

const dir = mkdtempSync(path.join(tmpdir(), 'portal-import-'));
let fileCount = 0;

/** Writes a CSV file as a billing system might: CRLF by default, UTF-8 or Shift_JIS, with or without BOM. */
export function writeCsv(
  lines: string[],
  options: { encoding?: 'utf8' | 'sjis'; bom?: boolean; eol?: string; name?: string } = {}
): string {
  fileCount += 1;
  const file = path.join(dir, options.name ?? `file-${fileCount}.csv`);
  const text = lines.join(options.eol ?? '\r\n') + (options.eol ?? '\r\n');
  const bytes = options.encoding === 'sjis' ? iconv.encode(text, 'cp932') : Buffer.from(text, 'utf8');
  writeFileSync(file, options.bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]) : bytes);
  return file;
}

/** Everything an import could change, with every row's version: equal snapshots mean nothing changed. */
export async function snapshot(db: Database): Promise<unknown> {
  const tables = ['faucets', 'contracts', 'readings', 'bills', 'payments'];
  const result: Record<string, unknown> = {};
  for (const table of tables) {
    // Each table's key comes first: id, or faucet_id and period.
    result[table] = await selectRows(db, sql.raw(`select * from ${table} order by 1, 2`));
  }
  return JSON.parse(JSON.stringify(result));
}
