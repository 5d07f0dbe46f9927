import type { Tariff, VolumeTier } from './profile';

export interface ChargeInput {
  /** Usage of the whole billing period in tenths of a cubic metre (12.3 m³ is 123). */
  usageTenths: number;
  meterSizeMm: number;
  /** 1 for a monthly bill, 2 for a bimonthly one: basic charge and tier bounds are doubled. */
  months: 1 | 2;
}

/** One line of the bill explained: a basic charge, or the volume charged at one tier's rate. */
export type ChargeLine =
  | { service: 'water' | 'sewer'; kind: 'basic'; yen: number }
  | {
      service: 'water' | 'sewer';
      kind: 'volume';
      fromM3: number;
      toM3: number | null;
      yenPerM3: number;
      volumeTenths: number;
      yen: number;
    };

export interface Charge {
  lines: ChargeLine[];
  waterBeforeTax: number;
  sewerBeforeTax: number;
  /** Tax included, as on the bill: total = waterCharge + sewerCharge. */
  waterCharge: number;
  sewerCharge: number;
  tax: number;
  total: number;
}

/** The meter sizes (mm) the tariff prices, smallest first. */
export function meterSizesOf(tariff: Tariff): number[] {
  return Object.keys(tariff.water.basicChargeByMeterSize)
    .map(Number)
    .sort((a, b) => a - b);
}

export class TariffError extends Error {
  override name = 'TariffError';
}

function round(rule: Tariff['rounding'], yen: number): number {
  // Snap away binary noise (0.1 m³ steps) before the rule decides.
  const snapped = Math.round(yen * 1e6) / 1e6;
  if (rule === 'floor') return Math.floor(snapped);
  if (rule === 'ceil') return Math.ceil(snapped);
  return Math.round(snapped);
}

function volumeLines(
  service: 'water' | 'sewer',
  tiers: VolumeTier[],
  usageTenths: number,
  months: number
): Extract<ChargeLine, { kind: 'volume' }>[] {
  const lines: Extract<ChargeLine, { kind: 'volume' }>[] = [];
  let lowerTenths = 0;
  for (const tier of tiers) {
    if (usageTenths <= lowerTenths) break;
    const upperTenths = tier.upToM3 === null ? Infinity : tier.upToM3 * 10 * months;
    const volumeTenths = Math.min(usageTenths, upperTenths) - lowerTenths;
    lines.push({
      service,
      kind: 'volume',
      fromM3: lowerTenths / 10,
      toM3: tier.upToM3 === null ? null : upperTenths / 10,
      yenPerM3: tier.yenPerM3,
      volumeTenths,
      yen: (tier.yenPerM3 * volumeTenths) / 10
    });
    lowerTenths = upperTenths;
  }
  if (usageTenths > lowerTenths) {
    throw new TariffError(`the last volume tier must be open-ended (upToM3: null); usage ${usageTenths / 10} m³ exceeds it`);
  }
  return lines;
}

/**
 * The charge for one billing period: basic charge plus tiered volume charge for water, the
 * sewer charge on the same volume, each with consumption tax and rounded by the profile's
 * rule (as Japanese utilities print them: 水道料金 and 下水道使用料, tax included).
 */
export function computeCharge(tariff: Tariff, input: ChargeInput): Charge {
  const { usageTenths, meterSizeMm, months } = input;
  if (!Number.isInteger(usageTenths) || usageTenths < 0) {
    throw new TariffError(`usage must be a whole number of tenths of a m³, not ${usageTenths}`);
  }
  const waterBasic = tariff.water.basicChargeByMeterSize[String(meterSizeMm)];
  if (waterBasic === undefined) {
    throw new TariffError(`no water basic charge for a ${meterSizeMm} mm meter`);
  }
  const lines: ChargeLine[] = [
    { service: 'water', kind: 'basic', yen: waterBasic * months },
    ...volumeLines('water', tariff.water.volumeTiers, usageTenths, months),
    { service: 'sewer', kind: 'basic', yen: tariff.sewer.basicCharge * months },
    ...volumeLines('sewer', tariff.sewer.volumeTiers, usageTenths, months)
  ];
  const sum = (service: 'water' | 'sewer') =>
    round(
      tariff.rounding,
      lines.filter((line) => line.service === service).reduce((total, line) => total + line.yen, 0)
    );
  const waterBeforeTax = sum('water');
  const sewerBeforeTax = sum('sewer');
  const withTax = (yen: number) => round(tariff.rounding, (yen * (100 + tariff.taxRatePercent)) / 100);
  const waterCharge = withTax(waterBeforeTax);
  const sewerCharge = withTax(sewerBeforeTax);
  return {
    lines,
    waterBeforeTax,
    sewerBeforeTax,
    waterCharge,
    sewerCharge,
    tax: waterCharge - waterBeforeTax + (sewerCharge - sewerBeforeTax),
    total: waterCharge + sewerCharge
  };
}
