import type { BillRow, CustomerRow, PaymentRow, ReadingRow, RowsByKind } from '../../src/lib/shared/billing-rows.js';
import { normalizeCodeNumber } from '../../src/lib/shared/normalize.js';
import { addDays, dateIn, isPeriod, lastDateOf, monthIndex, periodAt, yearMonthAt } from '../../src/lib/shared/periods.js';
import type { Tariff, TariffDistricts } from '../../src/lib/shared/profile.js';
import { computeCharge, meterSizesOf } from '../../src/lib/shared/tariff.js';
import { districtChoices, tariffOf } from '../../src/lib/shared/tariff-districts.js';
import { createBusinessCalendar, type BusinessCalendar } from '../domain/calendar.js';
import type { UtilityProfile } from '../config.js';
import type { ImportKind } from '../domain/import-rows.js';
import { debitDate } from '../domain/transfer-notices.js';
import { mix32, seededRandom, type Random } from './random.js';
import { demoTownOf, nayoro, type DemoDistrict, type DemoTown, type Person } from './towns.js';

export interface DemoOptions {
  faucets: number;
  months: number;
  seed: number;
  /**
   * The last billed period, YYYY-MM. The data set is as of that month's last day: a payment
   * that would fall later (a transfer next month, a late payer) is not in it yet.
   */
  endPeriod: string;
  tariff: Tariff;
  /** The profile's tariff districts, when it has them: the faucets take them in turn. */
  tariffDistricts?: TariffDistricts;
  /** The profile's closing days (MM-DD): with the national holidays, the days no transfer is made. */
  closingDays: readonly string[];
  /**
   * The profile's faucet-number form: a number is as long as the example, starts with the
   * letters the example starts with, then the district's code and the faucet's count.
   * The built-in demo profile's (8 digits) when absent.
   */
  faucetNumber?: { pattern: string; example: string };
  /** The months of the profile's reading cycles; monthly and bimonthly (the built-in demo profile's) when absent. */
  readingCycles?: readonly { months: 1 | 2 }[];
  /** Where the faucets are; Nayoro, the built-in demo profile's city, when absent. */
  town?: DemoTown;
}

export interface DemoData {
  faucets: number;
  /**
   * Each import file's rows, typed as the import reads them (src/lib/shared/billing-rows.ts),
   * one faucet's at a time. Every iteration generates them afresh, so a file of any size is
   * written without holding more than one faucet's history.
   */
  rows: { [Kind in ImportKind]: Iterable<RowsByKind[Kind][]> };
}

/** A month index (src/lib/shared/periods.ts), so that months step with plain arithmetic. */
type Month = number;

const dateInMonth = (month: Month, day: number) => dateIn(periodAt(month), day);

/** Names with their readings; 髙, 﨑 and 德 are outside JIS X 0208, in CP932's extensions, and must survive Shift_JIS. */
const surnames = [
  ['佐藤', 'サトウ'], ['高橋', 'タカハシ'], ['髙橋', 'タカハシ'], ['佐々木', 'ササキ'], ['鈴木', 'スズキ'],
  ['伊藤', 'イトウ'], ['田中', 'タナカ'], ['渡辺', 'ワタナベ'], ['工藤', 'クドウ'], ['齋藤', 'サイトウ'],
  ['小林', 'コバヤシ'], ['中村', 'ナカムラ'], ['加藤', 'カトウ'], ['吉田', 'ヨシダ'], ['山本', 'ヤマモト'],
  ['阿部', 'アベ'], ['菊地', 'キクチ'], ['村上', 'ムラカミ'], ['千葉', 'チバ'], ['﨑山', 'サキヤマ'], ['德田', 'トクダ']
] as const;
const givenNames = [
  ['美咲', 'ミサキ'], ['翔太', 'ショウタ'], ['健一', 'ケンイチ'], ['裕子', 'ユウコ'], ['大輔', 'ダイスケ'],
  ['恵子', 'ケイコ'], ['誠', 'マコト'], ['幸子', 'サチコ'], ['和夫', 'カズオ'], ['陽菜', 'ヒナ'],
  ['直樹', 'ナオキ'], ['由美子', 'ユミコ'], ['隆', 'タカシ'], ['千尋', 'チヒロ'], ['浩二', 'コウジ'], ['トメ', 'トメ']
] as const;

/** Japanese records separate surname and given name with a full-width space (全角スペース). */
const fullWidthSpace = '　';

/** Apartment blocks are numbered ①②③…, more characters only CP932 (NEC's special characters) has. */
const blockNumbers = ['①', '②', '③', '④'];

const apartment = (random: Random, town: DemoTown, block: string) =>
  ` ${random.pick(town.housingEstates)}${block}棟${random.int(1, 4)}0${random.int(1, 6)}号`;

function phoneNumber(random: Random, town: DemoTown): string {
  return random.chance(0.5)
    ? town.landline(random)
    : `${random.pick(['090', '080', '070'])}-${random.int(1000, 9999)}-${random.int(1000, 9999)}`;
}

/** A typical month's m³ for households of one to five people, weighted by how common each is in an ageing town. */
const householdUsage = [[7, 30], [13, 33], [18, 17], [22, 14], [26, 6]] as const;
const SINGLE_PERSON_M3 = 7;
const FAMILY_OF_FOUR_M3 = 22;

/** Households mostly have the smallest meter; the rank is an index into the tariff's meter sizes, smallest first. */
const householdMeterRank = [[0, 85], [1, 12], [2, 3]] as const;
const CORPORATE_METER_RANK = 3;

/** PRODUCT.md: a corporate account holds up to 20 faucets, and the demo has one that holds them all. */
const CORPORATE_FAUCETS = 20;

const VACANT_SHARE = 0.015;
const TRANSFER_SHARE = 0.75;
const PHONE_SHARE = 0.85;
const FAILED_TRANSFER_SHARE = 0.01;
const LATE_PAYMENT_SHARE = 0.05;
const LEAK_FACTOR = 5;
const DAYS_FROM_READING_TO_BILL = 3;
const TRANSFER_DAY = 26;

/**
 * The first faucets each tell one story the app must show well; the rest are drawn at
 * random. The demo faucet comes first so that every data set, however small, has one.
 */
export type Story = 'demo' | 'holderChange' | 'leak' | 'failedTransfer' | 'latePayer' | 'vacant';
const stories: readonly Story[] = ['demo', 'holderChange', 'leak', 'failedTransfer', 'latePayer', 'vacant'];

interface Context {
  options: DemoOptions;
  town: DemoTown;
  /** The town's centre districts, where the stories happen. */
  centre: readonly DemoDistrict[];
  byHouseholds: readonly (readonly [DemoDistrict, number])[];
  cycleMonths: { centre: 1 | 2; outskirts: 1 | 2 };
  faucetNumber(district: DemoDistrict, index: number): string;
  firstMonth: Month;
  endMonth: Month;
  asOf: string;
  /** The tariff's meter sizes, smallest first. */
  meterSizes: number[];
  calendar: BusinessCalendar;
  corporateIndexes: { from: number; to: number } | undefined;
}

/**
 * Numbers in the profile's form (see DemoOptions.faucetNumber). Refused before any row is made
 * when the form cannot hold a district's code and the count of faucets asked for.
 */
function faucetNumbering(form: { pattern: string; example: string }, districts: readonly DemoDistrict[], faucets: number) {
  const prefix = /^\D*/.exec(form.example)![0];
  const digits = form.example.length - prefix.length;
  const numberOf = (district: DemoDistrict, index: number) =>
    `${prefix}${district.code}${String(index + 1).padStart(digits - district.code.length, '0')}`;
  const pattern = new RegExp(form.pattern);
  for (const district of districts) {
    for (const index of [0, faucets - 1]) {
      const faucetNo = numberOf(district, index);
      if (faucetNo.length !== form.example.length || !pattern.test(faucetNo)) {
        throw new RangeError(`the demo cannot number ${faucets} faucets in the form of ${form.example} (${form.pattern}): ${faucetNo}`);
      }
    }
  }
  return numberOf;
}

const builtInFaucetNumber = { pattern: '^[0-9]{8}$', example: '12345678' };
const monthlyAndBimonthly = [{ months: 1 }, { months: 2 }] as const;

function contextOf(options: DemoOptions): Context {
  if (!isPeriod(options.endPeriod)) throw new RangeError(`endPeriod must be YYYY-MM, not "${options.endPeriod}"`);
  const endMonth = monthIndex(options.endPeriod);
  const corporateFrom = stories.length;
  const town = options.town ?? nayoro;
  const cycles = (options.readingCycles ?? monthlyAndBimonthly).map((cycle) => cycle.months);
  return {
    options,
    town,
    centre: town.districts.filter((district) => district.centre),
    byHouseholds: town.districts.map((district) => [district, district.weight] as const),
    cycleMonths: { centre: Math.min(...cycles) as 1 | 2, outskirts: Math.max(...cycles) as 1 | 2 },
    faucetNumber: faucetNumbering(options.faucetNumber ?? builtInFaucetNumber, town.districts, options.faucets),
    firstMonth: endMonth - options.months + 1,
    endMonth,
    asOf: lastDateOf(options.endPeriod),
    meterSizes: meterSizesOf(options.tariff),
    calendar: createBusinessCalendar(options.closingDays),
    corporateIndexes:
      options.faucets >= corporateFrom + CORPORATE_FAUCETS
        ? { from: corporateFrom, to: corporateFrom + CORPORATE_FAUCETS - 1 }
        : undefined
  };
}

interface FaucetPlan {
  faucetNo: string;
  district: DemoDistrict;
  cycleMonths: 1 | 2;
  holder: Person;
  phone: string;
  supplyAddress: string;
  billing: { name: string; postalCode: string; address: string };
  contractStart: string;
  paymentMethod: 'transfer' | 'invoice';
  meterSizeMm: number;
  initialMeterTenths: number;
  /** A typical month's usage in tenths of a m³, before the season. */
  typicalTenths: number;
  /** Households' meters are read in whole m³, the corporate account's large meters to a tenth. */
  readInWholeM3: boolean;
  /** A new holder moved in: until that month the previous one's household used this much. */
  previousHolder?: { until: Month; typicalTenths: number };
  vacantFrom?: Month;
  leakIn?: Month;
  failedTransferIn?: Month;
  lateShare: number;
}

const meterSize = (context: Context, rank: number) =>
  context.meterSizes[Math.min(rank, context.meterSizes.length - 1)]!;

const cycleMonthsOf = (context: Context, district: DemoDistrict) => (district.centre ? context.cycleMonths.centre : context.cycleMonths.outskirts);

const isReadIn = (plan: FaucetPlan, month: Month) => (month - plan.district.readingOffset) % plan.cycleMonths === 0;

/** The last month up to `month` in which the faucet is read. */
function readingMonthUpTo(plan: FaucetPlan, month: Month): Month {
  let read = month;
  while (!isReadIn(plan, read)) read--;
  return read;
}

const contractStartBefore = (random: Random, month: Month) => dateInMonth(random.int(month - 360, month - 1), random.int(1, 28));

interface Resident {
  person: Person;
  phone: string;
  block: string;
}

function household(random: Random, context: Context, index: number, district: DemoDistrict, resident: Partial<Resident> = {}): FaucetPlan {
  const { town } = context;
  const [surname, surnameKana] = random.pick(surnames);
  const [givenName, givenKana] = random.pick(givenNames);
  const drawn: Resident = {
    person: [`${surname}${fullWidthSpace}${givenName}`, `${surnameKana}${fullWidthSpace}${givenKana}`],
    phone: random.chance(PHONE_SHARE) ? phoneNumber(random, town) : '',
    block: district.centre && random.chance(0.2) ? random.pick(blockNumbers) : ''
  };
  const { person, phone, block } = { ...drawn, ...resident };
  const place = district.place(random);
  const supplyAddress = `${town.city}${place.street}${block ? apartment(random, town, block) : ''}`;
  return {
    faucetNo: context.faucetNumber(district, index),
    district,
    cycleMonths: cycleMonthsOf(context, district),
    holder: person,
    phone,
    supplyAddress,
    billing: { name: person[0], postalCode: place.postalCode, address: supplyAddress },
    contractStart: contractStartBefore(random, context.firstMonth),
    paymentMethod: random.chance(TRANSFER_SHARE) ? 'transfer' : 'invoice',
    meterSizeMm: meterSize(context, random.weighted(householdMeterRank)),
    initialMeterTenths: random.int(50, 3000) * 10,
    typicalTenths: random.weighted(householdUsage) * 10,
    readInWholeM3: true,
    lateShare: LATE_PAYMENT_SHARE
  };
}

function corporateFaucet(random: Random, context: Context, index: number): FaucetPlan {
  const district = random.weighted(context.byHouseholds);
  const { corporation } = context.town;
  return {
    faucetNo: context.faucetNumber(district, index),
    district,
    cycleMonths: cycleMonthsOf(context, district),
    holder: corporation.person,
    phone: corporation.phone,
    supplyAddress: `${context.town.city}${district.place(random).street}`,
    billing: { name: corporation.billingName, postalCode: corporation.billingPostalCode, address: corporation.billingAddress },
    contractStart: contractStartBefore(random, context.firstMonth),
    paymentMethod: 'transfer',
    meterSizeMm: meterSize(context, CORPORATE_METER_RANK),
    initialMeterTenths: random.int(10_000, 500_000),
    typicalTenths: random.int(600, 3000),
    readInWholeM3: false,
    lateShare: 0
  };
}

function storyFaucet(story: Story, random: Random, context: Context, index: number): FaucetPlan {
  const district = random.pick(context.centre);
  const { firstMonth, endMonth, town } = context;
  // Whoever tries the demo signs up with faucet number and phone, so every story but the vacant house has one.
  const reachable = { phone: phoneNumber(random, town) };
  switch (story) {
    case 'demo':
      // A family, so its charges climb the tiers; its name and address show off what Shift_JIS files must keep.
      return {
        ...household(random, context, index, district, { ...reachable, person: ['髙橋　美咲', 'タカハシ　ミサキ'], block: '①' }),
        paymentMethod: 'transfer',
        typicalTenths: FAMILY_OF_FOUR_M3 * 10
      };
    case 'holderChange': {
      const until = firstMonth + Math.floor(context.options.months / 2);
      // A single tenant after a family: a change downwards never looks like a leak.
      return {
        ...household(random, context, index, district, { ...reachable, person: ['﨑山　翔太', 'サキヤマ　ショウタ'] }),
        contractStart: dateInMonth(until, 1),
        typicalTenths: SINGLE_PERSON_M3 * 10,
        previousHolder: { until, typicalTenths: FAMILY_OF_FOUR_M3 * 10 }
      };
    }
    case 'leak': {
      // In the last reading, which needs the reading a year earlier to stand out against.
      const plan = household(random, context, index, district, reachable);
      const leakIn = readingMonthUpTo(plan, endMonth);
      return { ...plan, leakIn: leakIn - 12 >= firstMonth ? leakIn : undefined };
    }
    case 'failedTransfer': {
      // The latest transfer that has happened: the one for the last bill before the last month's.
      const plan = household(random, context, index, district, reachable);
      const failedTransferIn = readingMonthUpTo(plan, endMonth - 1);
      return { ...plan, paymentMethod: 'transfer', failedTransferIn: failedTransferIn >= firstMonth ? failedTransferIn : undefined };
    }
    case 'latePayer':
      return { ...household(random, context, index, district, reachable), paymentMethod: 'invoice', lateShare: 1 };
    case 'vacant': {
      // The owner moved away and has the bills (basic charge only) posted to the city they live in.
      const plan = household(random, context, index, district, { phone: '' });
      return {
        ...plan,
        billing: { ...plan.billing, postalCode: town.absentOwner.postalCode, address: town.absentOwner.address },
        vacantFrom: endMonth - 5
      };
    }
  }
}

/** Every faucet draws from its own stream, so each file's pass and each faucet come out the same whichever asks. */
function faucetRandom(context: Context, index: number): Random {
  return seededRandom(mix32(mix32(context.options.seed) + index));
}

function planFaucet(context: Context, random: Random, index: number): FaucetPlan {
  const story = stories[index];
  if (story) return storyFaucet(story, random, context, index);
  const corporate = context.corporateIndexes;
  if (corporate && index >= corporate.from && index <= corporate.to) return corporateFaucet(random, context, index);
  const plan = household(random, context, index, random.weighted(context.byHouseholds));
  return random.chance(VACANT_SHARE) ? { ...plan, vacantFrom: context.endMonth - random.int(2, 11) } : plan;
}

interface MeterReading {
  month: Month;
  row: ReadingRow;
}

interface Bill {
  month: Month;
  /** The demo's bills always have a due date. */
  row: BillRow & { dueDate: string };
}

/**
 * A faucet's tariff district: the faucets take the utility's own tariff and its districts in
 * turn, among those that price their meter. Not drawn: the demo of a utility with one tariff
 * stays the same rows.
 */
function tariffDistrictOf(options: DemoOptions, meterSizeMm: number, index: number): string | null {
  const pricing = districtChoices(options).filter((choice) => String(meterSizeMm) in choice.tariff.water.basicChargeByMeterSize);
  return pricing[index % Math.max(pricing.length, 1)]?.id || null;
}

class DemoFaucet {
  readonly plan: FaucetPlan;
  private readonly tariffDistrict: string | null;
  private readonly random: Random;
  private meterReadings: MeterReading[] | undefined;
  private issuedBills: Bill[] | undefined;

  constructor(
    private readonly context: Context,
    index: number
  ) {
    this.random = faucetRandom(context, index);
    this.plan = planFaucet(context, this.random, index);
    this.tariffDistrict = tariffDistrictOf(context.options, this.plan.meterSizeMm, index);
  }

  customer(): CustomerRow {
    const { plan } = this;
    return {
      faucetNo: plan.faucetNo,
      holderName: plan.holder[0],
      holderKana: plan.holder[1],
      // The plan keeps the number as people write it, with hyphens; the row holds what the import makes of it.
      phone: plan.phone ? normalizeCodeNumber(plan.phone) : null,
      supplyAddress: plan.supplyAddress,
      billingName: plan.billing.name,
      billingPostalCode: plan.billing.postalCode,
      billingAddress: plan.billing.address,
      contractStart: plan.contractStart,
      contractEnd: null,
      paymentMethod: plan.paymentMethod,
      meterSizeMm: plan.meterSizeMm,
      district: this.tariffDistrict
    };
  }

  /** Usage of each month from the one before the window (a bimonthly first reading covers it) to the last. */
  private monthlyUsageTenths(): Map<Month, number> {
    const { plan, random } = this;
    const usage = new Map<Month, number>();
    for (let month = this.context.firstMonth - 1; month <= this.context.endMonth; month++) {
      const typical =
        plan.previousHolder && month < plan.previousHolder.until ? plan.previousHolder.typicalTenths : plan.typicalTenths;
      const tenths = typical * this.context.town.seasonalFactor[yearMonthAt(month).month - 1]! * (0.85 + 0.3 * random.next());
      const vacant = plan.vacantFrom !== undefined && month >= plan.vacantFrom;
      usage.set(month, vacant ? 0 : plan.readInWholeM3 ? Math.round(tenths / 10) * 10 : Math.round(tenths));
    }
    if (plan.leakIn !== undefined) {
      // Every month the leaking reading covers, so it stands out whatever the cycle.
      for (let month = plan.leakIn - plan.cycleMonths + 1; month <= plan.leakIn; month++) usage.set(month, LEAK_FACTOR * usage.get(month - 12)!);
    }
    return usage;
  }

  readings(): MeterReading[] {
    if (this.meterReadings) return this.meterReadings;
    const { plan } = this;
    const { cycleMonths } = plan;
    const { readingDay } = plan.district;
    const usage = this.monthlyUsageTenths();
    let meterTenths = plan.initialMeterTenths;
    this.meterReadings = [];
    for (let month = this.context.firstMonth; month <= this.context.endMonth; month++) {
      if (!isReadIn(plan, month)) continue;
      const usageTenths = cycleMonths === 2 ? usage.get(month - 1)! + usage.get(month)! : usage.get(month)!;
      meterTenths += usageTenths;
      this.meterReadings.push({
        month,
        row: {
          faucetNo: plan.faucetNo,
          period: periodAt(month),
          readingDate: dateInMonth(month, readingDay),
          // Whole m³ for households, whose usage is read in whole m³; a tenth on the corporate account's large meters.
          meterTenths,
          usageTenths,
          nextReadingDate: dateInMonth(month + cycleMonths, readingDay)
        }
      });
    }
    return this.meterReadings;
  }

  bills(): Bill[] {
    if (this.issuedBills) return this.issuedBills;
    const { plan } = this;
    this.issuedBills = this.readings().map(({ month, row: reading }) => {
      const charge = computeCharge(tariffOf(this.context.options, this.tariffDistrict), {
        usageTenths: reading.usageTenths,
        meterSizeMm: plan.meterSizeMm,
        months: plan.cycleMonths
      });
      return {
        month,
        row: {
          faucetNo: plan.faucetNo,
          period: reading.period,
          usageTenths: reading.usageTenths,
          waterCharge: charge.waterCharge,
          sewerCharge: charge.sewerCharge,
          total: charge.total,
          tax: charge.tax,
          issueDate: addDays(reading.readingDate, DAYS_FROM_READING_TO_BILL),
          dueDate: lastDateOf(periodAt(month + 1)),
          // Banks debit on business days only: a 26th on a weekend or holiday moves to the next business day.
          transferDate: plan.paymentMethod === 'transfer' ? debitDate(this.context.calendar, dateInMonth(month + 1, TRANSFER_DAY)) : null
        }
      };
    });
    return this.issuedBills;
  }

  payments(): PaymentRow[] {
    return this.bills().flatMap((bill) => {
      const { row, on } = this.payment(bill);
      return on <= this.context.asOf ? [row] : [];
    });
  }

  /** The bill's payment and the day it happens: a failed transfer, too, happens on the transfer date. */
  private payment({ month, row: bill }: Bill): { row: PaymentRow; on: string } {
    const { plan, random } = this;
    const paid = { faucetNo: plan.faucetNo, period: bill.period, amount: bill.total };
    if (bill.transferDate !== null) {
      const failed = month === plan.failedTransferIn || random.chance(FAILED_TRANSFER_SHARE);
      const row: PaymentRow = failed
        ? { ...paid, method: 'transfer', result: 'failed', paidOn: null }
        : { ...paid, method: 'transfer', result: 'paid', paidOn: bill.transferDate };
      return { row, on: bill.transferDate };
    }
    const paidOn = random.chance(plan.lateShare)
      ? addDays(bill.dueDate, random.int(3, 40))
      : addDays(bill.issueDate, random.int(2, 25));
    const method = random.weighted([['convenience', 55], ['other', 30], ['counter', 15]] as const);
    return { row: { ...paid, method, result: 'paid', paidOn }, on: paidOn };
  }
}

/** What of a utility's profile its demo follows: its tariffs, calendar, faucet numbers, reading cycles and town. */
export function utilityDemoOptions(profile: UtilityProfile): Required<Pick<DemoOptions, 'tariff' | 'closingDays' | 'faucetNumber' | 'readingCycles' | 'town'>> & Pick<DemoOptions, 'tariffDistricts'> {
  const { tariff, tariffDistricts, closingDays, faucetNumber, readingCycles } = profile;
  return { tariff, tariffDistricts, closingDays, faucetNumber, readingCycles, town: demoTownOf(profile) };
}

export function generateDemo(options: DemoOptions): DemoData {
  const context = contextOf(options);
  const perFaucet = <Row>(rowsOf: (faucet: DemoFaucet) => Row[]): Iterable<Row[]> => ({
    *[Symbol.iterator]() {
      for (let index = 0; index < options.faucets; index++) yield rowsOf(new DemoFaucet(context, index));
    }
  });
  return {
    faucets: options.faucets,
    rows: {
      customers: perFaucet((faucet) => [faucet.customer()]),
      readings: perFaucet((faucet) => faucet.readings().map((reading) => reading.row)),
      bills: perFaucet((faucet) => faucet.bills().map((bill) => bill.row)),
      payments: perFaucet((faucet) => faucet.payments())
    }
  };
}

export interface FeaturedFaucet {
  story: Story;
  faucetNo: string;
  phone: string;
  /** What to look for, in English, for the person trying the data out. */
  note: string;
}

function noteOn(story: Story, plan: FaucetPlan, town: DemoTown): string {
  switch (story) {
    case 'demo':
      return `a household read ${plan.cycleMonths === 1 ? 'monthly' : 'every two months'}: try sign-up with this faucet number and phone`;
    case 'holderChange':
      return `a new holder since ${plan.contractStart}; the readings before it are the previous tenant's`;
    case 'leak':
      return plan.leakIn === undefined
        ? 'no leak: it needs more than 12 months'
        : `${periodAt(plan.leakIn)} uses ${LEAK_FACTOR}× the same month a year before (漏水の可能性)`;
    case 'failedTransfer':
      return plan.failedTransferIn === undefined
        ? 'no failed transfer: it needs 2 months or more'
        : `the transfer for ${periodAt(plan.failedTransferIn)} failed (振替不能)`;
    case 'latePayer':
      return 'pays by invoice, always after the due date';
    case 'vacant':
      return `vacant since ${periodAt(plan.vacantFrom!)}, no phone, bills posted to ${town.absentOwner.cityInEnglish}`;
  }
}

/** The faucets that tell the demo's stories, with what to look for in each. */
export function featuredFaucets(options: DemoOptions): FeaturedFaucet[] {
  const context = contextOf(options);
  return stories.slice(0, options.faucets).map((story, index) => {
    const { plan } = new DemoFaucet(context, index);
    return { story, faucetNo: plan.faucetNo, phone: plan.phone, note: noteOn(story, plan, context.town) };
  });
}

/** The faucet `npm start` suggests for sign-up: a household in the centre (read monthly if any is), with a registered phone. */
export function demoFaucet(options: DemoOptions): { faucetNo: string; phone: string } {
  const { plan } = new DemoFaucet(contextOf(options), stories.indexOf('demo'));
  return { faucetNo: plan.faucetNo, phone: plan.phone };
}
