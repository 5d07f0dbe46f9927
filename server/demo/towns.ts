import type { Random } from './random.js';

/** Where a faucet is: its postal code (one the profile's area lists) and its address after the town's name. */
export interface Place {
  postalCode: string;
  street: string;
}

export type Person = readonly [name: string, kana: string];

export interface DemoDistrict {
  /** The first digits of the faucet numbers in the district; the rest count the faucets. */
  code: string;
  /**
   * The centre is read on the utility's shortest reading cycle and the outskirts on its longest
   * (when it has one, on that); apartment blocks stand only in the centre.
   */
  centre: boolean;
  /** Read bimonthly, half the districts are read in odd months and half in even ones, which keeps the readers' rounds level. */
  readingOffset: 0 | 1;
  readingDay: number;
  /** How many households live there, relative to the other districts. */
  weight: number;
  place(random: Random): Place;
}

/** The demo's service area: what a utility's data would tell of the place, apart from the profile. */
export interface DemoTown {
  /** The profile's area.city, which starts every address in the town. */
  city: string;
  /** How many faucets the demo `npm start` loads has. */
  startFaucets: number;
  districts: readonly DemoDistrict[];
  /** A fixed-line number in the town, as people write it. */
  landline(random: Random): string;
  housingEstates: readonly string[];
  /** How much more than in May a month uses, January first. */
  seasonalFactor: readonly number[];
  /** The account that holds 20 faucets, billed at its office. */
  corporation: { person: Person; phone: string; billingName: string; billingPostalCode: string; billingAddress: string };
  /** The vacant house's owner moved away and has its bills posted there. */
  absentOwner: { postalCode: string; address: string; cityInEnglish: string };
}

const chome = (random: Random, blocks: number) => `${random.int(1, blocks)}丁目${random.int(1, 30)}番地`;
const lot = (random: Random, lots: number) => `${random.int(1, lots)}番地`;

/** A town of one postal code. */
const town =
  (postalCode: string, name: string, rest: (random: Random) => string) =>
  (random: Random): Place => ({ postalCode, street: `${name}${rest(random)}` });

/** Nayoro's grid of 条 west or east of the centre, south or north of 大通: each 条 a town with a code of its own (096-0103 is 西3条南). */
const grid =
  (codePrefix: string, side: '西' | '東', half: '南' | '北', count: number, blocks: number) =>
  (random: Random): Place => {
    const jou = random.int(1, count);
    return { postalCode: `${codePrefix}${String(jou).padStart(2, '0')}`, street: `${side}${jou}条${half}${chome(random, blocks)}` };
  };

const nayoroCentre = (code: string, readingDay: number, place: DemoDistrict['place']): DemoDistrict => ({
  code,
  centre: true,
  readingOffset: 0,
  readingDay,
  weight: 12,
  place
});
const nayoroOutskirts = (code: string, readingOffset: 0 | 1, readingDay: number, place: DemoDistrict['place']): DemoDistrict => ({
  code,
  centre: false,
  readingOffset,
  readingDay,
  weight: 6,
  place
});

/** The built-in demo profile's city (server/profiles/demo.json): read monthly in the centre, bimonthly outside. */
export const nayoro: DemoTown = {
  city: '名寄市',
  startFaucets: 300,
  districts: [
    nayoroCentre('11', 5, grid('096-01', '西', '南', 12, 12)),
    nayoroCentre('12', 7, grid('096-02', '西', '北', 12, 10)),
    nayoroCentre('13', 9, grid('096-03', '東', '南', 8, 12)),
    nayoroCentre('14', 11, grid('096-04', '東', '北', 8, 10)),
    nayoroCentre('15', 13, town('096-0010', '大通南', (r) => chome(r, 16))),
    nayoroCentre('16', 15, town('096-0071', '緑丘', (r) => lot(r, 250))),
    nayoroOutskirts('31', 0, 16, town('096-0061', '字日進', (r) => lot(r, 900))),
    nayoroOutskirts('32', 1, 16, town('096-0062', '字徳田', (r) => lot(r, 700))),
    nayoroOutskirts('33', 0, 18, town('096-0063', '字内淵', (r) => lot(r, 500))),
    nayoroOutskirts('34', 1, 18, town('096-0064', '字智恵文', (r) => lot(r, 900))),
    nayoroOutskirts('35', 0, 20, town('098-0501', '風連町本町', (r) => lot(r, 200)))
  ],
  landline: (random) => `01654-${random.int(2, 9)}-${random.int(1000, 9999)}`,
  housingEstates: ['市営緑丘団地', '市営豊西団地', 'コーポ北斗', 'ハイツ天塩'],
  // Winters reach −30 °C: households keep a tap running on frost nights (凍結防止の流水), so January and February use half as much again.
  seasonalFactor: [1.45, 1.5, 1.3, 1.05, 0.95, 0.95, 1.05, 1.1, 0.95, 0.95, 1.05, 1.3],
  corporation: {
    person: ['株式会社北都フードサービス', 'カブシキガイシャホクトフードサービス'],
    phone: '01654-2-6020',
    billingName: '株式会社北都フードサービス　経理課',
    billingPostalCode: '096-0010',
    billingAddress: '名寄市大通南2丁目10番地 北都ビル3階'
  },
  absentOwner: { postalCode: '001-0024', address: '札幌市北区北24条西5丁目1番地', cityInEnglish: 'Sapporo' }
};

/**
 * The second demo utility's town (server/profiles/minami.json), fictional: a small town in the
 * south where every faucet is read every second month, half the districts in odd months.
 */
export const minami: DemoTown = {
  city: '南町',
  startFaucets: 120,
  districts: [
    { code: '101', centre: true, readingOffset: 0, readingDay: 6, weight: 10, place: town('789-1201', '本町', (r) => chome(r, 4)) },
    { code: '102', centre: true, readingOffset: 1, readingDay: 8, weight: 8, place: town('789-1202', '栄町', (r) => chome(r, 3)) },
    { code: '103', centre: true, readingOffset: 0, readingDay: 10, weight: 6, place: town('789-1203', '駅前', (r) => chome(r, 2)) },
    { code: '201', centre: false, readingOffset: 1, readingDay: 12, weight: 5, place: town('789-1211', '大字東川', (r) => lot(r, 600)) },
    { code: '202', centre: false, readingOffset: 0, readingDay: 14, weight: 4, place: town('789-1212', '大字西谷', (r) => lot(r, 400)) },
    { code: '203', centre: false, readingOffset: 1, readingDay: 16, weight: 4, place: town('789-1213', '大字浜田', (r) => lot(r, 500)) },
    { code: '204', centre: false, readingOffset: 0, readingDay: 18, weight: 2, place: town('789-1214', '大字奥山', (r) => lot(r, 300)) }
  ],
  landline: (random) => `0880-${random.int(22, 79)}-${random.int(1000, 9999)}`,
  housingEstates: ['町営本町団地', '町営栄団地', 'コーポ南風'],
  // Mild winters; summer brings gardens, showers and the children home.
  seasonalFactor: [0.95, 0.95, 0.95, 1.0, 1.0, 1.05, 1.15, 1.25, 1.1, 1.0, 0.95, 0.95],
  corporation: {
    person: ['南町農業協同組合', 'ミナミチョウノウギョウキョウドウクミアイ'],
    phone: '0880-55-3100',
    billingName: '南町農業協同組合　総務課',
    billingPostalCode: '789-1201',
    billingAddress: '南町本町1丁目3番地 JA会館2階'
  },
  absentOwner: { postalCode: '530-0001', address: '大阪市北区梅田2丁目4番地', cityInEnglish: 'Osaka' }
};

const demoTowns = [nayoro, minami];

/** The demo town of the profile's city; Nayoro's for a profile of another (the demo it always made). */
export function demoTownOf(profile: { area?: { city: string } }): DemoTown {
  return demoTowns.find((candidate) => candidate.city === profile.area?.city) ?? nayoro;
}
