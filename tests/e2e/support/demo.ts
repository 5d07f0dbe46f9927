import { readFileSync } from 'node:fs';
import path from 'node:path';
import { builtInProfilesDir, demoProfilePath, parseProfile } from '../../../server/config.js';
import { demoFaucet, featuredFaucets, generateDemo, type Story } from '../../../server/demo/generate.js';
import { demoOptions } from '../../../server/demo/load.js';
import type { CustomerRow, PaymentRow, ReadingRow } from '../../../src/lib/shared/billing-rows.js';

/** The demo profiles the e2e server runs with (no UTILITY_CONFIG): the first on localhost, Minami's on minami.localhost. */
export const profile = parseProfile(readFileSync(demoProfilePath, 'utf8'), demoProfilePath);
const minamiProfilePath = path.join(builtInProfilesDir, 'minami.json');
export const minamiProfile = parseProfile(readFileSync(minamiProfilePath, 'utf8'), minamiProfilePath);

/** Minami's faucet to sign up with, as its start banner tells it; one test uses it. */
export const minamiSignupFaucet = (): DemoFaucet => demoFaucet(demoOptions(minamiProfile, new Date()));

export interface DemoFaucet {
  faucetNo: string;
  phone: string;
}

/** The demo as the e2e server loaded it. */
const options = demoOptions(profile, new Date());

interface Household {
  customer: CustomerRow;
  readings: ReadingRow[];
  payments: PaymentRow[];
  story: Story | undefined;
}

/**
 * What the tests do with the demo's households. Each use has households of its own in each
 * Playwright worker: a faucet belongs to one account, so two tests running side by side must
 * never sign up with the same one. Tests in one worker run one after another and withdraw
 * their members (support/test.ts), so the tests of a use share its household there. A test
 * that changes a household's rows (an import, a holder change) or its contract (a finished
 * paper-slip request) has a use to itself: no other test reads what it changed.
 */
const uses = {
  /** Signed up with and read back: a household like the one `npm start` suggests (story 'demo'). */
  signup: { count: 1, story: 'demo', fits: (household: Household) => isPlain(household) && household.customer.paymentMethod === 'transfer' },
  /** Added as a second faucet, or signed up with where nothing is read back. */
  second: { count: 1, fits: isPlain },
  /** Home's unsettled bills: a household like the story 'failedTransfer', whose latest debit failed. */
  failedTransfer: {
    count: 1,
    story: 'failedTransfer',
    fits: (household: Household) => isHousehold(household) && household.customer.paymentMethod === 'transfer' && household.payments.at(-1)?.result === 'failed'
  },
  /** Proven with a wrong phone: failed proofs count against the faucet, which nobody signs up with. */
  refusedProof: { count: 1, fits: isPlain },
  procedures: { count: 1, fits: isPlain },
  notices: { count: 1, fits: isPlain },
  correction: { count: 1, fits: isPlain },
  holderChange: { count: 1, fits: isPlain },
  push: { count: 1, fits: isPlain },
  counter: { count: 1, fits: isPlain },
  /** 使用中止 filed and finished at the counter: its procedures stay with the contract. */
  moveOut: { count: 1, fits: isPlain },
  /** Next month's readings, imported from the staff console. */
  nextReadings: { count: 3, fits: isPlain },
  /** Locked by failed proofs, then found and unlocked by a clerk; nobody signs up with it. */
  lockedProof: { count: 1, fits: isPlain },
  /** Signed up with; its holder's name is written with a variant kanji (髙橋), which a clerk finds typing 高橋. */
  variantName: { count: 1, fits: (household: Household) => isPlain(household) && household.customer.holderName.startsWith('髙橋') },
  /** 使用中止 filed offline from the member's form: a contract with no move of its own yet. */
  moveOutOffline: { count: 1, fits: isPlain },
  /** Signed up with beside Minami's faucet, by the same e-mail. */
  twoUtilities: { count: 1, fits: isPlain }
} satisfies Record<string, Need>;

interface Need {
  count: number;
  /** The story whose own faucet fits too; the other stories' faucets are for no use. */
  story?: Story;
  fits(household: Household): boolean;
}

export type Use = keyof typeof uses;

/** A household read every month, with a phone on record, whose holder has had the contract for the whole window. */
function isHousehold({ customer, readings }: Household): boolean {
  return (
    customer.phone !== null &&
    !/株式会社/.test(customer.holderName) &&
    readings.length === options.months &&
    customer.contractStart !== null &&
    customer.contractStart < readings[0]!.readingDate
  );
}

/** Such a household whose every payment went through: Home shows its bills and nothing else. */
function isPlain(household: Household): boolean {
  return isHousehold(household) && household.payments.every((payment) => payment.result === 'paid');
}

/** The phone as people write it: the row holds digits only, of 名寄's 01654-X-XXXX or a mobile's 0X0-XXXX-XXXX. */
function written(phone: string): string {
  return phone.length === 11 ? `${phone.slice(0, 3)}-${phone.slice(3, 7)}-${phone.slice(7)}` : `${phone.slice(0, 5)}-${phone.slice(5, 6)}-${phone.slice(6)}`;
}

function households(): Household[] {
  const { rows } = generateDemo(options);
  const stories = new Map(featuredFaucets(options).map((featured) => [featured.faucetNo, featured.story]));
  const readings = [...rows.readings];
  const payments = [...rows.payments];
  return [...rows.customers].map(([customer], index) => ({
    customer: customer!,
    readings: readings[index]!,
    payments: payments[index]!,
    story: stories.get(customer!.faucetNo)
  }));
}

/**
 * This worker's households for each use. They are handed out in the demo's order, worker 0's
 * first, so it gets the stories' own faucets; each worker works out the same hand-out for the
 * workers before it, so none takes another's.
 */
function handOut(worker: number): Map<Use, DemoFaucet[]> {
  const left = households();
  let mine = new Map<Use, DemoFaucet[]>();
  for (let index = 0; index <= worker; index++) {
    mine = new Map();
    for (const use of Object.keys(uses) as Use[]) {
      const need: Need = uses[use];
      const taken: DemoFaucet[] = [];
      while (taken.length < need.count) {
        const at = left.findIndex((household) => (household.story === undefined || household.story === need.story) && need.fits(household));
        if (at < 0) throw new Error(`the demo has too few households for ${use} in ${index + 1} workers`);
        const [{ customer }] = left.splice(at, 1) as [Household];
        taken.push({ faucetNo: customer.faucetNo, phone: written(customer.phone!) });
      }
      mine.set(use, taken);
    }
  }
  return mine;
}

/** Playwright's number for the worker this runs in, 0 to workers − 1 (a replacement worker gets the same); 0 outside a test run. */
const worker = Number(process.env.TEST_PARALLEL_INDEX ?? 0);
let handedOut: Map<Use, DemoFaucet[]> | undefined;

/** This worker's households for a use. */
export function faucetsFor(use: Use): DemoFaucet[] {
  handedOut ??= handOut(worker);
  return handedOut.get(use)!;
}

export function faucetFor(use: Use): DemoFaucet {
  return faucetsFor(use)[0]!;
}

/** The faucet to sign up with and read back: like the one `npm start` suggests, which worker 0 gets. */
export const signupFaucet = (): DemoFaucet => faucetFor('signup');

/** Another household with a registered phone, to add as a second faucet. */
export const otherFaucet = (): DemoFaucet => faucetFor('second');

/**
 * The demo's corporate account: its 20 faucets (one phone) with the periods each was billed. No
 * use hands them out (isHousehold leaves 株式会社 out), so only the one test that needs a company
 * signs up with them, in whichever worker runs it.
 */
export function corporateFaucets(): (DemoFaucet & { billedPeriods: string[] })[] {
  const { rows } = generateDemo(options);
  const bills = [...rows.bills];
  return [...rows.customers]
    .map(([customer], index) => ({ customer: customer!, bills: bills[index]! }))
    .filter(({ customer }) => customer.holderName.startsWith('株式会社'))
    .map(({ customer, bills }) => ({ faucetNo: customer.faucetNo, phone: written(customer.phone!), billedPeriods: bills.map((bill) => bill.period) }));
}
