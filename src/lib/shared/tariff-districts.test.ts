import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Tariff } from './profile';
import { districtChoices, districtLabel, tariffOf, type TariffsByDistrict } from './tariff-districts';

const utilityTariff = (JSON.parse(readFileSync('server/profiles/demo.json', 'utf8')) as { tariff: Tariff }).tariff;
const furenTariff: Tariff = { ...utilityTariff, sewer: { ...utilityTariff.sewer, basicCharge: 1650 } };
const shimokawaTariff: Tariff = { ...utilityTariff, rounding: 'round' };

const merged: TariffsByDistrict = {
  tariff: utilityTariff,
  tariffDistricts: {
    defaultLabel: { ja: '名寄地区', en: 'Nayoro' },
    districts: [
      { id: 'furen', label: { ja: '風連地区', en: 'Furen' }, tariff: furenTariff },
      { id: 'shimokawa', label: { ja: '下川地区', en: 'Shimokawa' }, tariff: shimokawaTariff }
    ]
  }
};
const single: TariffsByDistrict = { tariff: utilityTariff };

describe('tariffOf: which tariff prices a faucet', () => {
  it("is its district's tariff", () => {
    expect(tariffOf(merged, 'furen')).toBe(furenTariff);
    expect(tariffOf(merged, 'shimokawa')).toBe(shimokawaTariff);
  });

  it("is the utility's tariff for a faucet without a district, and for every faucet of a utility with one tariff", () => {
    expect(tariffOf(merged, null)).toBe(utilityTariff);
    expect(tariffOf(single, null)).toBe(utilityTariff);
  });

  it("is the utility's tariff for a district the profile no longer names (the bill is then said to differ)", () => {
    expect(tariffOf(merged, 'nayoro-old')).toBe(utilityTariff);
    expect(tariffOf(single, 'furen')).toBe(utilityTariff);
  });
});

describe('districtChoices and districtLabel', () => {
  it("offers the utility's own tariff first, then each district's, and nothing to choose with one tariff", () => {
    expect(districtChoices(merged).map((choice) => [choice.id, choice.label.ja, choice.tariff])).toEqual([
      ['', '名寄地区', utilityTariff],
      ['furen', '風連地区', furenTariff],
      ['shimokawa', '下川地区', shimokawaTariff]
    ]);
    expect(districtChoices(single)).toEqual([]);
  });

  it("names a faucet's district, the default one for a faucet without, and none when there is nothing to tell apart", () => {
    expect(districtLabel(merged, 'furen')?.ja).toBe('風連地区');
    expect(districtLabel(merged, null)?.ja).toBe('名寄地区');
    expect(districtLabel(merged, 'gone')).toBeUndefined();
    expect(districtLabel(single, null)).toBeUndefined();
  });
});
