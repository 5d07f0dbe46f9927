import { closeSync, mkdtempSync, openSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ImportKind } from '../server/domain/import-rows.js';
import { headers } from '../tests/integration/support/import-files.js';
import { progress } from './results.js';

export const benchFaucetNo = (index: number) => String(30_000_000 + index);

/** `YYYY-MM` of the month'th month from January of firstYear. */
export const benchPeriod = (firstYear: number, month: number) => `${firstYear + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`;

export interface BenchFileSpec {
  faucets: number;
  /** Months of readings, bills and payments for every faucet, from January of firstYear. */
  months: number;
  firstYear: number;
  kinds: readonly ImportKind[];
  /** The first month written (default 0): a later one writes only that month onwards, as a monthly file would. */
  fromMonth?: number;
}

/** Lines are written this many at a time: a file of millions never sits in memory whole. */
const LINES_PER_WRITE = 10_000;

/**
 * The bench's billing-system files as a billing system writes them (UTF-8, CRLF), every
 * faucet with a holder since 2015 and, each month, a reading whose meter climbs by the usage,
 * a bill and a transfer paid. Written faucet by faucet, with progress.
 */
export function writeBenchFiles(spec: BenchFileSpec): Record<ImportKind, string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'portal-bench-'));
  const files = Object.fromEntries(spec.kinds.map((kind) => [kind, path.join(dir, `${kind}.csv`)])) as Record<ImportKind, string>;
  const out = spec.kinds.map((kind) => ({ kind, fd: openSync(files[kind], 'w'), lines: [headers[kind]] }));
  const flush = (file: (typeof out)[number], force = false) => {
    if (!force && file.lines.length < LINES_PER_WRITE) return;
    writeSync(file.fd, `${file.lines.join('\r\n')}\r\n`);
    file.lines = [];
  };
  const push = (kind: ImportKind, line: string) => {
    const file = out.find((candidate) => candidate.kind === kind);
    if (!file) return;
    file.lines.push(line);
    flush(file);
  };
  const reportEvery = Math.max(10_000, Math.round(spec.faucets / 10));
  for (let index = 0; index < spec.faucets; index += 1) {
    const faucetNo = benchFaucetNo(index);
    push(
      'customers',
      `${faucetNo},名寄 利用者${index},ナヨロ リヨウシャ,01654-2-${String(index % 10_000).padStart(4, '0')},名寄市西${index % 20}条南${index % 9}丁目,,,,2015-04-01,,transfer`
    );
    let meter = 1000 + (index % 500);
    for (let month = 0; month < spec.months; month += 1) {
      const period = benchPeriod(spec.firstYear, month);
      const usageTenths = 80 + ((index * 7 + month * 13) % 300);
      meter += Math.floor(usageTenths / 10);
      if (month < (spec.fromMonth ?? 0)) continue;
      const water = 1500 + usageTenths * 12;
      const sewer = 1200 + usageTenths * 9;
      push('readings', `${faucetNo},${period},${period}-14,${meter},${usageTenths / 10},`);
      push('bills', `${faucetNo},${period},${usageTenths / 10},${water},${sewer},${water + sewer},${Math.floor(((water + sewer) * 10) / 110)},${period}-16,${period}-28,${period}-26`);
      push('payments', `${faucetNo},${period},${water + sewer},transfer,paid,${period}-26`);
    }
    if ((index + 1) % reportEvery === 0 && spec.faucets > 50_000) progress(`  written ${(index + 1).toLocaleString('en')} of ${spec.faucets.toLocaleString('en')} faucets`);
  }
  for (const file of out) {
    flush(file, true);
    closeSync(file.fd);
  }
  return files;
}
