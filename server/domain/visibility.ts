/**
 * Which billing periods a contract holder may see. A holder who moved in on the 1st sees
 * that month; one who moved in later sees from the next month, because the first period's
 * reading and bill still cover the previous tenant's use. The last period is the one the
 * contract ended in.
 */
export function firstVisiblePeriod(contractStart: string): string {
  const [year, month, day] = contractStart.split('-').map(Number) as [number, number, number];
  if (day === 1) return contractStart.slice(0, 7);
  return month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, '0')}`;
}

export function lastVisiblePeriod(contractEnd: string | null): string | null {
  return contractEnd === null ? null : contractEnd.slice(0, 7);
}
