import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { PushServiceHost } from './push/push-endpoint.js';
import { registrationNumberProblem } from '../src/lib/shared/qualified-invoice.js';

const localized = z.object({ ja: z.string().min(1), en: z.string().min(1) });

const volumeTier = z.object({
  /** null: no upper bound (the last tier). */
  upToM3: z.number().positive().nullable(),
  yenPerM3: z.number().nonnegative()
});

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:mm');

const regexSource = z.string().refine(
  (source) => {
    try {
      new RegExp(source);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a valid regular expression' }
);

const tariff = z.object({
  taxRatePercent: z.number().int().min(0).max(100),
  rounding: z.enum(['floor', 'round', 'ceil']),
  water: z.object({
    basicChargeByMeterSize: z.record(z.string().regex(/^\d+$/), z.number().int().nonnegative()),
    volumeTiers: z.array(volumeTier).min(1)
  }),
  sewer: z.object({
    basicCharge: z.number().int().nonnegative(),
    volumeTiers: z.array(volumeTier).min(1)
  })
});

/**
 * A merged 企業団's former towns, each keeping its own tariff for years: the customers file's
 * `district` column names one by its id; a faucet without one has the profile's `tariff`,
 * which the customer chooses in the simulator by `defaultLabel`. A list, not an object keyed
 * by id, so an id written twice is refused instead of the JSON parser keeping the last.
 */
const tariffDistricts = z.object({
  defaultLabel: localized,
  districts: z
    .array(
      z.object({
        // As a billing system's code may be (01, FUREN, furen-2): written in a CSV cell as it is.
        id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/, 'letters, digits, hyphens and underscores only (at most 32, starting with a letter or digit)'),
        label: localized,
        tariff
      })
    )
    .min(1)
    .superRefine((districts, context) => {
      const seen = new Map<string, number>();
      districts.forEach(({ id }, index) => {
        const first = seen.get(id);
        if (first === undefined) seen.set(id, index);
        else context.addIssue({ code: 'custom', path: [index, 'id'], message: `"${id}" is already the id of districts[${first}]` });
      });
    })
});

/** A host name as the Host header carries it, without a port: lowercase labels of letters, digits and hyphens. */
const hostName = z
  .string()
  .regex(/^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/, 'a host name in lowercase, without scheme or port (portal.example.jp)');

export const utilityProfileSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/, 'lowercase letters, digits and hyphens only'),
  /** The host names this utility's portal answers on (the request's Host header picks the utility); none: every host no other profile names. */
  hosts: z.array(hostName).min(1).optional(),
  name: localized,
  section: localized,
  phone: z.string().min(1),
  hours: localized,
  mailFrom: z.email(),
  faucetNumber: z.object({ pattern: regexSource, example: z.string().min(1) }),
  readingCycles: z
    .array(z.object({ id: z.string().min(1), months: z.union([z.literal(1), z.literal(2)]), label: localized }))
    .min(1),
  /** The tariff of every faucet outside the tariff districts (all of them when there are none). */
  tariff,
  tariffDistricts: tariffDistricts.optional(),
  /** MM-DD days the counter is closed every year on top of national holidays (年末年始). */
  closingDays: z.array(z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'expected MM-DD')),
  /** No push or e-mail is sent between start and end (Asia/Tokyo); held until end. */
  quietHours: z.object({ start: clockTime, end: clockTime }),
  /** The service area's towns by postal code (123-4567), so a customer's address is filled in from the code. */
  area: z
    .object({
      prefecture: z.string().min(1),
      city: z.string().min(1),
      towns: z.record(z.string().regex(/^\d{3}-\d{4}$/), z.string().min(1))
    })
    .optional(),
  /** The qualified-invoice issuer (適格請求書発行事業者); without it statements say they are not qualified invoices. */
  invoice: z
    .object({
      registrationNumber: z.string().superRefine((value, context) => {
        const problem = registrationNumberProblem(value);
        if (problem) context.addIssue({ code: 'custom', message: problem });
      }),
      issuerName: localized
    })
    .optional(),
  /** 使用開始・使用中止: the first or last day of use is at least this many business days ahead. */
  moves: z.object({ leadBusinessDays: z.number().int().min(1).max(20) }).default({ leadBusinessDays: 3 }),
  notices: z.object({
    /** 口座振替のお知らせ goes out this many days before the transfer date (after moving it to a business day). */
    transferDaysBefore: z.number().int().min(1).max(30),
    /** 使用量のお知らせ: usage per day at least `ratio` times the same period last year and at least `minExtraM3` more over the period. */
    usageAlert: z.object({ ratio: z.number().min(1), minExtraM3: z.number().nonnegative() })
  })
}).superRefine((profile, context) => {
  // Consumption tax is one national rate: a statement across faucets of several districts prints one rate.
  profile.tariffDistricts?.districts.forEach((district, index) => {
    if (district.tariff.taxRatePercent !== profile.tariff.taxRatePercent) {
      context.addIssue({
        code: 'custom',
        path: ['tariffDistricts', 'districts', index, 'tariff', 'taxRatePercent'],
        message: `must be tariff.taxRatePercent (${profile.tariff.taxRatePercent}): consumption tax has one rate`
      });
    }
  });
});

export type UtilityProfile = z.infer<typeof utilityProfileSchema>;

/**
 * PUSH_SERVICE_HOSTS: a comma list of host suffixes (a name, under which subdomains count too,
 * or an IPv4 address), each with an optional port (443 when none is given). A name has at least
 * two labels: `com` or `internal` would take a whole top-level domain off the address check.
 */
const pushServiceHostList = z.string().transform((text, context): PushServiceHost[] =>
  text
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry !== '')
    .flatMap((entry) => {
      const match = /^(?:((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z](?:[a-z0-9-]*[a-z0-9])?)|(\d{1,3}(?:\.\d{1,3}){3}))(?::(\d{1,5}))?$/.exec(entry);
      const port = Number(match?.[3] ?? 443);
      const address = match?.[2];
      if (!match || port < 1 || port > 65535 || (address && address.split('.').some((part) => Number(part) > 255))) {
        context.addIssue({ code: 'custom', message: `"${entry}" is not a host name or IPv4 address with an optional :port` });
        return [];
      }
      if (match[1] && !match[1].includes('.')) {
        context.addIssue({ code: 'custom', message: `"${entry}" is a single label; give a host name with at least two (push.example.jp)` });
        return [];
      }
      return [{ suffix: match[1] ?? address!, port }];
    })
);

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const environmentSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  ORIGIN: z.url().optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// or postgresql:// URL')
    .optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'expected an smtp:// or smtps:// URL')
    .optional(),
  VAPID_PUBLIC_KEY: z.string().min(1).optional(),
  VAPID_PRIVATE_KEY: z.string().min(1).optional(),
  VAPID_SUBJECT: z.string().min(1).optional(),
  UTILITY_CONFIG: z.string().min(1).optional(),
  PUSH_SERVICE_HOSTS: pushServiceHostList.default([]),
  LOG_LEVEL: z.enum(logLevels).default('info'),
  TRUST_PROXY: z.coerce.number().int('expected a whole number of proxy hops').min(0).max(10).default(0)
});

export interface Config {
  port: number;
  origin: string;
  dataDir: string;
  databaseUrl: string | undefined;
  smtpUrl: string | undefined;
  vapid: { publicKey: string; privateKey: string; subject: string } | undefined;
  /** Hosts push endpoints may use besides the known push services; they may be on private addresses. */
  pushServiceHosts: PushServiceHost[];
  logLevel: (typeof logLevels)[number];
  /** Reverse proxies in front of the portal whose X-Forwarded-For entries are believed. */
  trustProxy: number;
  /** The utility this process works for: a command's (--utility), else the first of `utilities`. */
  profile: UtilityProfile;
  /** Where the profile came from, for messages: a file path or "built-in demo profile". */
  profileSource: string;
  /** Every configured utility, in file-name order: the portal serves each on its hosts. */
  utilities: ConfiguredUtility[];
}

export interface ConfiguredUtility {
  profile: UtilityProfile;
  /** A file path, or "built-in demo profile". */
  source: string;
}

/** The ids of every configured utility, in file-name order: what migrate() checks a database made before the seal against. */
export function utilityIds(config: Pick<Config, 'utilities'>): string[] {
  return config.utilities.map((utility) => utility.profile.id);
}

/** A start-up problem an operator can fix; its message is meant to be printed as it is. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const builtInProfilesDir = fileURLToPath(new URL('./profiles/', import.meta.url));
export const demoProfilePath = path.join(builtInProfilesDir, 'demo.json');
/** The source of the profiles `npm start` serves with no UTILITY_CONFIG. */
export const BUILT_IN = 'built-in demo profile';

function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const field = issue.path.length > 0 ? z.core.toDotPath(issue.path) : '(whole file)';
      return `  - ${field}: ${issue.message}`;
    })
    .join('\n');
}

export function parseProfile(text: string, source: string): UtilityProfile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`UTILITY_CONFIG ${source}: not valid JSON (${(error as Error).message})`);
  }
  const result = utilityProfileSchema.safeParse(json);
  if (!result.success) {
    throw new ConfigError(`UTILITY_CONFIG ${source}: invalid utility profile\n${describeIssues(result.error.issues)}`);
  }
  return result.data;
}

function unreadable(file: string, error: unknown): ConfigError {
  const code = (error as NodeJS.ErrnoException).code ?? 'error';
  return new ConfigError(`UTILITY_CONFIG ${file}: cannot read the file (${code})`);
}

function readProfile(file: string): UtilityProfile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw unreadable(file, error);
  }
  return parseProfile(text, file);
}

/** A file's one profile, or a directory's `*.json` profiles in file-name order. */
function readProfiles(place: string): { profile: UtilityProfile; file: string }[] {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(place).isDirectory();
  } catch (error) {
    throw unreadable(place, error);
  }
  if (!isDirectory) return [{ profile: readProfile(place), file: place }];
  const files = readdirSync(place)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => path.join(place, name));
  if (files.length === 0) throw new ConfigError(`UTILITY_CONFIG ${place}: the directory holds no profile (*.json)`);
  return files.map((file) => ({ profile: readProfile(file), file }));
}

/**
 * Several profiles must tell their utilities apart: each its own id, each host one utility's,
 * and at most one without hosts (it answers every host the others do not name, at ORIGIN).
 */
function checkUtilities(place: string, profiles: { profile: UtilityProfile; file: string }[], originHost: string): void {
  const problems: string[] = [];
  const ids = new Map<string, string>();
  const hosts = new Map<string, string>();
  const hostless: string[] = [];
  for (const { profile, file } of profiles) {
    const name = path.basename(file);
    const sameId = ids.get(profile.id);
    if (sameId) problems.push(`  - ${name}: id "${profile.id}" is already the id of ${sameId}`);
    ids.set(profile.id, name);
    if (!profile.hosts) hostless.push(name);
    for (const host of profile.hosts ?? []) {
      const sameHost = hosts.get(host);
      if (sameHost && sameHost !== name) problems.push(`  - ${name}: host "${host}" is already a host of ${sameHost}`);
      hosts.set(host, name);
    }
  }
  // The profile without hosts is served at ORIGIN itself: its host must be no other's, or that one would answer it.
  const originTaken = hosts.get(originHost);
  if (hostless.length === 1 && originTaken) {
    problems.push(`  - ${originTaken}: host "${originHost}" is ORIGIN's, the address of ${hostless[0]} (the profile without hosts)`);
  }
  if (hostless.length > 1) problems.push(`  - ${hostless.join(', ')}: give each but one of them its hosts (only one utility can answer every other host)`);
  if (problems.length > 0) throw new ConfigError(`UTILITY_CONFIG ${place}: the profiles collide\n${problems.join('\n')}`);
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = environmentSchema.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''))
  );
  if (!parsed.success) {
    throw new ConfigError(`Invalid environment\n${describeIssues(parsed.error.issues)}`);
  }
  const vars = parsed.data;
  const vapidParts = [vars.VAPID_PUBLIC_KEY, vars.VAPID_PRIVATE_KEY, vars.VAPID_SUBJECT];
  const vapidGiven = vapidParts.filter(Boolean).length;
  if (vapidGiven !== 0 && vapidGiven !== 3) {
    throw new ConfigError(
      'Invalid environment\n  - VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY, VAPID_SUBJECT: set all three or none'
    );
  }
  const place = vars.UTILITY_CONFIG ? path.resolve(vars.UTILITY_CONFIG) : builtInProfilesDir;
  const profiles = readProfiles(place);
  const origin = (vars.ORIGIN ?? `http://localhost:${vars.PORT}`).replace(/\/$/, '');
  checkUtilities(place, profiles, new URL(origin).hostname);
  const utilities = profiles.map(({ profile, file }) => ({ profile, source: vars.UTILITY_CONFIG ? file : BUILT_IN }));
  return {
    port: vars.PORT,
    origin,
    dataDir: path.resolve(vars.DATA_DIR),
    databaseUrl: vars.DATABASE_URL,
    smtpUrl: vars.SMTP_URL,
    vapid:
      vars.VAPID_PUBLIC_KEY && vars.VAPID_PRIVATE_KEY && vars.VAPID_SUBJECT
        ? { publicKey: vars.VAPID_PUBLIC_KEY, privateKey: vars.VAPID_PRIVATE_KEY, subject: vars.VAPID_SUBJECT }
        : undefined,
    pushServiceHosts: vars.PUSH_SERVICE_HOSTS,
    logLevel: vars.LOG_LEVEL,
    trustProxy: vars.TRUST_PROXY,
    profile: utilities[0]!.profile,
    profileSource: utilities[0]!.source,
    utilities
  };
}

/**
 * For entry points: a configuration problem ends the process with its message and exit code 1.
 * `check` adds what this entry point needs of the configuration (a writable DATA_DIR).
 */
export function loadConfigOrExit(check: (config: Config) => void = () => {}): Config {
  try {
    const config = loadConfig(process.env);
    check(config);
    return config;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Cannot start: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
