import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plainLines } from './import-lines.js';
import { fileHeader, validateRow } from './import-rows.js';

const rules = { faucetNumberPattern: /^[0-9]{8}$/ };
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
    expect(check(file(...rows))).toEqual({ plain: true, rows: 2 });
    expect(check(file(...rows), 1)).toEqual({ plain: true, rows: 2 });
    expect(check(file(...rows).trimEnd())).toEqual({ plain: true, rows: 2 });
    expect(check(`\uFEFF${file(...rows)}`.replaceAll('\r\n', '\n'))).toEqual({ plain: true, rows: 2 });
    expect(check(file())).toEqual({ plain: true, rows: 0 });
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
    expect(check('usage_m3,faucet_no,period,reading_date,meter_value\n12.3,10000001,2026-01,2026-01-14,1014.5\n', 7, ['usage_m3', 'faucet_no', 'period', 'reading_date', 'meter_value'])).toEqual({ plain: true, rows: 1 });
    expect(plainLines('readings', [...header, 'memo'], rules)).toBeUndefined();
    expect(plainLines('readings', [...header, 'period'], rules)).toBeUndefined();
    expect(plainLines('customers', fileHeader('customers'), rules)).toBeUndefined();
  });

  // A date of the right shape that does not exist (2026-02-30) is plain here: the database's cast refuses it.
  it('calls a line plain only when the row checks take it exactly as written', () => {
    const likely = fc.constantFrom('10000001', '2026-01', '2026-01-14', '1014.5', '12', '0.1', '', ' 1', '１', '-', '.5', '1.', '00', '2026-00');
    const cell = fc.oneof({ weight: 6, arbitrary: likely }, fc.string({ maxLength: 4 }));
    const valid = ['10000001', '2026-01', '2026-01-14', '1014.5', '12.3', ''];
    let plainLinesSeen = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), cell), { minLength: 6, maxLength: 6 }), (picked) => {
        // Each cell kept valid or replaced, so that plain lines come up as often as others.
        const cells = picked.map(([keep, value], index) => (keep ? valid[index]! : value));
        fc.pre(cells.every((value) => !/[,"\r\n]/.test(value)));
        const { plain } = check(`${header.join(',')}\n${cells.join(',')}\n`);
        const record = Object.fromEntries(header.map((name, index) => [name, cells[index]]));
        const checked = validateRow('readings', record, 2, rules);
        if (plain) {
          plainLinesSeen += 1;
          expect(checked.ok).toBe(true);
          // Taken as written: every cell is the text of what the row holds (tenths shown in m³).
          if (checked.ok) expect(checked.row.faucetNo).toBe(cells[0]);
        }
      }),
      { numRuns: 2000 }
    );
    expect(plainLinesSeen).toBeGreaterThan(20);
  });
});
