import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plainLines } from './import-lines.js';
import { fileHeader, validateRow } from '../../domain/import-rows.js';

const rules = { faucetNumberPattern: /^[0-9]{8}$/, districts: [] };
const header = fileHeader('readings');

function check(text: string | Uint8Array, chunkSize = 7, columns = header) {
  const lines = plainLines('readings', columns, rules)!;
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  for (let at = 0; at < bytes.length; at += chunkSize) lines.feed(bytes.subarray(at, at + chunkSize));
  return lines.finish();
}

const file = (...rows: string[]) => `${header.join(',')}\r\n${rows.map((row) => `${row}\r\n`).join('')}`;

describe('plainLines', () => {
  it('takes a plain readings file, any chunking, with or without a last line end or BOM', () => {
    const rows = ['10000001,2026-01,2026-01-14,1014.5,12.3,', '10000001,2026-02,2026-02-14,1030,15.5,2026-03-14'];
    const plainFile = { plain: true, rows: 2, keysAscending: true };
    expect(check(file(...rows))).toEqual(plainFile);
    expect(check(file(...rows), 1)).toEqual(plainFile);
    expect(check(file(...rows).trimEnd())).toEqual(plainFile);
    expect(check(`\uFEFF${file(...rows)}`.replaceAll('\r\n', '\n'))).toEqual(plainFile);
    expect(check(file())).toEqual({ plain: true, rows: 0, keysAscending: true });
  });

  it('tells whether every key comes after the one before, which rules out a key twice', () => {
    const line = (faucet: string, period: string) => `${faucet},${period},${period}-14,1014.5,12.3,`;
    const ascending = (...lines: string[]) => check(file(...lines)).keysAscending;
    // Faucet by faucet (a history), and a month's file faucet by faucet.
    expect(ascending(line('10000001', '2026-01'), line('10000001', '2026-02'), line('10000002', '2025-12'))).toBe(true);
    expect(ascending(line('10000001', '2026-02'), line('10000002', '2026-02'), line('10000003', '2026-02'))).toBe(true);
    expect(ascending(line('10000001', '2026-02'), line('10000001', '2026-02'))).toBe(false);
    expect(ascending(line('10000001', '2026-02'), line('10000001', '2026-01'))).toBe(false);
    expect(ascending(line('10000002', '2026-01'), line('10000001', '2026-02'), line('10000002', '2026-01'))).toBe(false);
    // Not plain: the row checks read it, and nothing is ruled out.
    expect(ascending(line('10000001', '2026-01'), line('１0000002', '2026-01'))).toBe(false);
  });

  it('leaves to the row checks what they would normalise or refuse', () => {
    const good = '10000001,2026-01,2026-01-14,1014.5,12.3,';
    for (const row of [
      '１0000001,2026-01,2026-01-14,1014.5,12.3,',
      '1000-0001,2026-01,2026-01-14,1014.5,12.3,',
      '10000001,2026-13,2026-01-14,1014.5,12.3,',
      '10000001,2026-01,2026-1-14,1014.5,12.3,',
      '10000001,2026-01,2026-01-14, 1014.5,12.3,',
      '10000001,2026-01,2026-01-14,1014.55,12.3,',
      '10000001,2026-01,2026-01-14,-1,12.3,',
      '"10000001",2026-01,2026-01-14,1014.5,12.3,',
      `${good},extra`,
      '10000001,2026-01,2026-01-14,1014.5,12.3',
      '10000001,2026-01,2026-01-14,1014.5,,',
      ''
    ]) {
      expect(check(file(good, row)), row).toEqual(expect.objectContaining({ plain: false }));
    }
    expect(check(Buffer.concat([Buffer.from(file(good)), Buffer.from([0xff, 0x0a])])).plain).toBe(false);
  });

  it('follows the header: any order, optional columns left out; unknown or repeated columns are not for it', () => {
    expect(check('usage_m3,faucet_no,period,reading_date,meter_value\n12.3,10000001,2026-01,2026-01-14,1014.5\n', 7, ['usage_m3', 'faucet_no', 'period', 'reading_date', 'meter_value'])).toEqual({ plain: true, rows: 1, keysAscending: true });
    expect(plainLines('readings', [...header, 'memo'], rules)).toBeUndefined();
    expect(plainLines('readings', [...header, 'period'], rules)).toBeUndefined();
    expect(plainLines('customers', fileHeader('customers'), rules)).toBeUndefined();
  });

  // A date of the right shape that does not exist (2026-02-30), or an amount past the int range, is
  // plain here: the database's cast refuses it. So is a bill whose total is not its sum: the
  // fast path looks for that in the staged rows.
  const valid: Record<'readings' | 'bills' | 'payments', string[]> = {
    readings: ['10000001', '2026-01', '2026-01-14', '1014.5', '12.3', ''],
    bills: ['10000001', '2026-01', '12.3', '1800', '1200', '3000', '', '2026-01-16', '2026-01-28', ''],
    payments: ['10000001', '2026-01', '3000', 'transfer', 'failed', '']
  };
  for (const kind of ['readings', 'bills', 'payments'] as const) {
    it(`calls a ${kind} line plain only when the row checks take it exactly as written`, () => {
      const likely = fc.constantFrom('10000001', '2026-01', '2026-01-14', '1014.5', '12', '0.1', '', ' 1', '１', '-', '.5', '1.', '00', '2026-00', 'paid', 'counter', 'Paid', 'ｐａｉｄ', ' paid');
      const cell = fc.oneof({ weight: 6, arbitrary: likely }, fc.string({ maxLength: 4 }));
      const columns = fileHeader(kind);
      const keep = fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, fc.constant(false));
      let plainLinesSeen = 0;
      fc.assert(
        fc.property(fc.array(fc.tuple(keep, cell), { minLength: columns.length, maxLength: columns.length }), (picked) => {
          // Each cell kept valid or replaced, so that plain lines come up about as often as others.
          const cells = picked.map(([keep, value], index) => (keep ? valid[kind][index]! : value));
          fc.pre(cells.every((value) => !/[,"\r\n]/.test(value)));
          const lines = plainLines(kind, columns, rules)!;
          lines.feed(Buffer.from(`${columns.join(',')}\n${cells.join(',')}\n`));
          const { plain } = lines.finish();
          const record = Object.fromEntries(columns.map((name, index) => [name, cells[index]]));
          const checked = validateRow(kind, record, 2, rules);
          if (plain) {
            plainLinesSeen += 1;
            const problems = checked.ok ? [] : checked.problems.map((problem) => problem.column);
            expect(problems).toEqual(kind === 'bills' && !checked.ok ? ['total'] : []);
            // Taken as written: every cell is the text of what the row holds (tenths shown in m³).
            if (checked.ok) expect(checked.row.faucetNo).toBe(cells[0]);
          }
        }),
        { numRuns: 2000 }
      );
      expect(plainLinesSeen).toBeGreaterThan(20);
    });
  }
});
