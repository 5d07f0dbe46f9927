import { describe, expect, it } from 'vitest';
import { billColumns, paymentColumns, readingColumns } from './billing-rows';
import { SYNC_FORMAT, decodeRow, encodeRow } from './sync-wire';

describe('the sync tuples', () => {
  // Devices of this format decode tuples in this order: reordering a column list must come with a new format.
  it('keep the order their format was released with', () => {
    expect({
      format: SYNC_FORMAT,
      readings: readingColumns.map((column) => column.field),
      bills: billColumns.map((column) => column.field),
      payments: paymentColumns.map((column) => column.field)
    }).toEqual({
      format: 7,
      readings: ['faucetNo', 'period', 'readingDate', 'meterTenths', 'usageTenths', 'nextReadingDate'],
      bills: ['faucetNo', 'period', 'usageTenths', 'waterCharge', 'sewerCharge', 'total', 'tax', 'issueDate', 'dueDate', 'transferDate'],
      payments: ['faucetNo', 'period', 'amount', 'method', 'result', 'paidOn']
    });
  });

  it('decode to the row they were encoded from', () => {
    const bill = {
      faucetNo: '10000001',
      period: '2026-10',
      usageTenths: 210,
      waterCharge: 4000,
      sewerCharge: 3000,
      total: 7000,
      tax: null,
      issueDate: '2026-10-16',
      dueDate: null,
      transferDate: '2026-11-26'
    };
    expect(decodeRow(billColumns, encodeRow(billColumns, bill))).toEqual(bill);
  });
});
