import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '$lib/i18n/catalogs';
import { csvText, historyCsv, methodOf } from './csv';
import type { History } from './history';

describe('csv', () => {
  beforeAll(() => loadCatalog('en'));

  it('starts with the UTF-8 byte-order mark and ends every line with CRLF', () => {
    const text = csvText([['a', 'b'], [1, null]]);
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(new TextEncoder().encode(text).slice(0, 3)).toEqual(new Uint8Array([0xef, 0xbb, 0xbf]));
    expect(text.slice(1)).toBe('a,b\r\n1,\r\n');
  });

  it('quotes commas, quotes and line breaks, and keeps Excel from running formulas', () => {
    expect(csvText([['名寄市西1条南1丁目1番地, コーポ北斗①棟101号', 'say "hi"', 'two\nlines', '=SUM(A1)', '-1', 'plain']]).slice(1)).toBe(
      '"名寄市西1条南1丁目1番地, コーポ北斗①棟101号","say ""hi""","two\nlines",\'=SUM(A1),\'-1,plain\r\n'
    );
  });

  it('writes the history with Japanese headers, one line a period, numbers Excel can sum', () => {
    const history: History = {
      cycle: 2,
      rows: [
        {
          period: '2026-10',
          months: 2,
          reading: { faucetNo: '31000001', period: '2026-10', readingDate: '2026-10-16', meterTenths: 12340, usageTenths: 385, nextReadingDate: '2026-12-16' },
          bill: {
            faucetNo: '31000001',
            period: '2026-10',
            usageTenths: 385,
            waterCharge: 7000,
            sewerCharge: 5380,
            total: 12380,
            tax: 1125,
            issueDate: '2026-10-19',
            dueDate: '2026-11-30',
            transferDate: '2026-11-26'
          },
          payment: null,
          usageTenths: 385,
          status: { kind: 'scheduled', transferDate: '2026-11-26' },
          lastYear: { period: '2025-10', usageTenths: 400, total: 12900 }
        },
        {
          period: '2026-08',
          months: 2,
          reading: null,
          bill: null,
          payment: null,
          usageTenths: null,
          status: null,
          lastYear: null
        }
      ]
    };
    const text = historyCsv({ faucetNo: '31000001', supplyAddress: '名寄市字日進100番地, 離れ' }, history, 'ja');
    const lines = text.slice(1).split('\r\n');
    expect(lines[0]).toBe(
      '水栓番号,使用場所,期間,検針日,今回指針（m³）,使用水量（m³）,前年同期の使用水量（m³）,水道料金（円）,下水道使用料（円）,ご請求額（円）,うち消費税（円）,前年同期のご請求額（円）,納期限,口座振替日,お支払い方法,お支払い日,お支払い状況'
    );
    expect(lines[1]).toBe('31000001,"名寄市字日進100番地, 離れ",2026年9・10月,2026-10-16,1234,38.5,40.0,7000,5380,12380,1125,12900,2026-11-30,2026-11-26,口座振替,,振替予定');
    expect(lines[2]).toBe('31000001,"名寄市字日進100番地, 離れ",2026年7・8月,,,,,,,,,,,,,,');
    expect(lines[3]).toBe('');
    expect(historyCsv({ faucetNo: '1', supplyAddress: null }, { cycle: 1, rows: [] }, 'en').slice(1)).toMatch(/^Faucet number,Supply address,Period,/);
  });

  it('names the method paid by, or the debit planned', () => {
    expect(methodOf({ payment: { faucetNo: '', period: '', amount: 1, method: 'counter', result: 'paid', paidOn: null }, bill: null })).toBe('counter');
    expect(methodOf({ payment: null, bill: { faucetNo: '', period: '', usageTenths: 0, waterCharge: 0, sewerCharge: 0, total: 0, tax: null, issueDate: '', dueDate: null, transferDate: '2026-11-26' } })).toBe('transfer');
    expect(methodOf({ payment: null, bill: null })).toBeNull();
  });
});
