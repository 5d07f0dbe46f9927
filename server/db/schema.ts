import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  boolean,
  check,
  date,
  type ExtraConfigColumn,
  foreignKey,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid
} from 'drizzle-orm/pg-core';
import { HIRAGANA, KANJI_COMMON, KANJI_VARIANTS, KATAKANA } from '../../src/lib/shared/kana.js';
import { noticeChannels, noticeTopics } from '../../src/lib/shared/notices.js';
import { procedureKinds, procedureStatuses } from '../../src/lib/shared/procedure-form.js';
import { staffRoles } from '../domain/staff-roles.js';

/**
 * A synced row's version is the id of the transaction that last wrote it. Transaction ids
 * give what a sequence cannot: a pull can tell which versions are final (every transaction
 * below the oldest one still running has ended), so a writer that commits late never slips
 * under a client's cursor. See server/features/sync.
 */
export const CURRENT_TRANSACTION_VERSION = '(pg_current_xact_id()::text)::bigint';

/** searchKey (src/lib/shared/kana.ts) in SQL: NFKC, variant kanji as common ones, hiragana as katakana, lower case, no spaces. */
const searchKeyOf = (column: string) =>
  `lower(regexp_replace(translate(normalize(coalesce(${column}, ''), NFKC), '${KANJI_VARIANTS}${HIRAGANA}', '${KANJI_COMMON}${KATAKANA}'), '\\s', '', 'g'))`;

/**
 * The utility a row belongs to: one deployment serves several, and the database keeps them
 * apart (row-level security, drizzle 0021). It leads every primary and unique key and every
 * reference, so a row can only point at its own utility's rows and the tables can be spread
 * over a distributed PostgreSQL by it. An insert need not name it: the default is the utility
 * the session or transaction was set to, and an insert without one fails.
 */
const utilityId = () =>
  text('utility_id')
    .notNull()
    .default(sql`current_setting('app.utility')`);

/** The table's surrogate id, unique within its utility (the sequence keeps it unique across them too). */
const id = () => serial('id').notNull();

const version = () =>
  bigint('version', { mode: 'number' })
    .notNull()
    .default(sql.raw(CURRENT_TRANSACTION_VERSION));

/** YYYY-MM: the billing period a row belongs to. */
const period = () => text('period').notNull();
const periodCheck = (tableName: string, column: AnyPgColumn) =>
  check(`${tableName}_period`, sql`${column} ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'`);

/**
 * A GIN trigram index (pg_trgm) on a column the staff search matches with `like '%…%'`, which
 * no B-tree can answer: the search reads the rows holding the pattern's trigrams instead of
 * every row. A pattern of fewer than three characters has no trigram; PostgreSQL then plans
 * without the index, and the rows found are the same.
 */
const trigramIndex = (name: string, column: ExtraConfigColumn) => index(name).using('gin', column.op('gin_trgm_ops'));

export const faucets = pgTable(
  'faucets',
  {
    utilityId: utilityId(),
    id: id(),
    faucetNo: text('faucet_no').notNull(),
    version: version()
  },
  (table) => [
    primaryKey({ name: 'faucets_pkey', columns: [table.utilityId, table.id] }),
    unique('faucets_faucet_no_key').on(table.utilityId, table.faucetNo),
    trigramIndex('faucets_faucet_no_trgm', table.faucetNo)
  ]
);

export const contracts = pgTable(
  'contracts',
  {
    utilityId: utilityId(),
    id: id(),
    faucetId: integer('faucet_id').notNull(),
    holderName: text('holder_name').notNull(),
    holderKana: text('holder_kana'),
    phone: text('phone'),
    supplyAddress: text('supply_address'),
    billingName: text('billing_name'),
    billingPostalCode: text('billing_postal_code'),
    billingAddress: text('billing_address'),
    contractStart: date('contract_start', { mode: 'string' }).notNull(),
    contractEnd: date('contract_end', { mode: 'string' }),
    paymentMethod: text('payment_method', { enum: ['transfer', 'invoice'] }).notNull(),
    /** The meter's nominal size (mm): the basic charge follows it. Unknown when the file leaves it empty. */
    meterSizeMm: integer('meter_size_mm'),
    /**
     * The tariff district (料金区域) of the supply place, one of the profile's `tariffDistricts`;
     * null: the utility's own `tariff`. A merged 企業団 keeps its former towns' tariffs for years.
     */
    district: text('district'),
    version: version(),
    /**
     * The holder's name and its reading as staff search them: computed once as a row is
     * written, not for every row at every search. A space cannot occur in a key, so a search
     * never matches across the two.
     */
    searchKey: text('search_key')
      .notNull()
      .generatedAlwaysAs(sql.raw(`${searchKeyOf('holder_name')} || ' ' || ${searchKeyOf('holder_kana')}`))
  },
  (table) => [
    primaryKey({ name: 'contracts_pkey', columns: [table.utilityId, table.id] }),
    foreignKey({ name: 'contracts_faucet_fk', columns: [table.utilityId, table.faucetId], foreignColumns: [faucets.utilityId, faucets.id] }),
    unique('contracts_faucet_start').on(table.utilityId, table.faucetId, table.contractStart),
    trigramIndex('contracts_search_key_trgm', table.searchKey),
    check('contracts_payment_method', sql`${table.paymentMethod} in ('transfer', 'invoice')`),
    check('contracts_meter_size', sql`${table.meterSizeMm} is null or ${table.meterSizeMm} > 0`),
    check('contracts_window', sql`${table.contractEnd} is null or ${table.contractEnd} >= ${table.contractStart}`)
  ]
);

export const readings = pgTable(
  'readings',
  {
    utilityId: utilityId(),
    faucetId: integer('faucet_id').notNull(),
    period: period(),
    readingDate: date('reading_date', { mode: 'string' }).notNull(),
    /** As the billing system writes it, whole or with one decimal (PRODUCT.md: 0.1 m³ precision). */
    meterValue: numeric('meter_value', { precision: 10, scale: 1, mode: 'number' }).notNull(),
    /** Usage in tenths of a cubic metre: 12.3 m³ is 123. */
    usageTenths: integer('usage_tenths').notNull(),
    nextReadingDate: date('next_reading_date', { mode: 'string' }),
    version: version()
  },
  (table) => [
    // The billing system's own key, one row a faucet and month (bills and payments alike): no
    // surrogate id, which nothing refers to and every import would write one more index for.
    primaryKey({ name: 'readings_pkey', columns: [table.utilityId, table.faucetId, table.period] }),
    foreignKey({ name: 'readings_faucet_fk', columns: [table.utilityId, table.faucetId], foreignColumns: [faucets.utilityId, faucets.id] }),
    periodCheck('readings', table.period),
    check('readings_usage', sql`${table.usageTenths} >= 0`)
  ]
);

export const bills = pgTable(
  'bills',
  {
    utilityId: utilityId(),
    faucetId: integer('faucet_id').notNull(),
    period: period(),
    usageTenths: integer('usage_tenths').notNull(),
    waterCharge: integer('water_charge').notNull(),
    sewerCharge: integer('sewer_charge').notNull(),
    total: integer('total').notNull(),
    tax: integer('tax'),
    issueDate: date('issue_date', { mode: 'string' }).notNull(),
    dueDate: date('due_date', { mode: 'string' }),
    transferDate: date('transfer_date', { mode: 'string' }),
    version: version()
  },
  (table) => [
    primaryKey({ name: 'bills_pkey', columns: [table.utilityId, table.faucetId, table.period] }),
    foreignKey({ name: 'bills_faucet_fk', columns: [table.utilityId, table.faucetId], foreignColumns: [faucets.utilityId, faucets.id] }),
    // The hourly transfer-notice job looks bills up by the dates it announces.
    index('bills_transfer_date').on(table.utilityId, table.transferDate),
    periodCheck('bills', table.period),
    check(
      'bills_amounts',
      sql`${table.waterCharge} >= 0 and ${table.sewerCharge} >= 0 and ${table.total} >= 0 and ${table.usageTenths} >= 0`
    )
  ]
);

export const payments = pgTable(
  'payments',
  {
    utilityId: utilityId(),
    faucetId: integer('faucet_id').notNull(),
    period: period(),
    amount: integer('amount').notNull(),
    method: text('method', { enum: ['transfer', 'convenience', 'counter', 'other'] }).notNull(),
    result: text('result', { enum: ['paid', 'failed'] }).notNull(),
    paidOn: date('paid_on', { mode: 'string' }),
    version: version()
  },
  (table) => [
    primaryKey({ name: 'payments_pkey', columns: [table.utilityId, table.faucetId, table.period] }),
    foreignKey({ name: 'payments_faucet_fk', columns: [table.utilityId, table.faucetId], foreignColumns: [faucets.utilityId, faucets.id] }),
    periodCheck('payments', table.period),
    check('payments_amount', sql`${table.amount} >= 0`),
    check('payments_method', sql`${table.method} in ('transfer', 'convenience', 'counter', 'other')`),
    check('payments_result', sql`${table.result} in ('paid', 'failed')`)
  ]
);

/** One applied billing-system file: who ran it, when, which bytes, and what it changed. */
export const importRuns = pgTable(
  'import_runs',
  {
  utilityId: utilityId(),
  id: id(),
  kind: text('kind', { enum: ['customers', 'readings', 'bills', 'payments'] }).notNull(),
  fileName: text('file_name').notNull(),
  sha256: text('sha256').notNull(),
  encoding: text('encoding', { enum: ['utf8', 'sjis'] }).notNull(),
  ranBy: text('ran_by').notNull(),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
  finishedAt: timestamp('finished_at', { withTimezone: true }).notNull(),
  rowsRead: integer('rows_read').notNull(),
  inserted: integer('inserted').notNull(),
  updated: integer('updated').notNull(),
  unchanged: integer('unchanged').notNull()
  },
  (table) => [primaryKey({ name: 'import_runs_pkey', columns: [table.utilityId, table.id] })]
);

/**
 * A faucet stops (paperless) or resumes receiving the paper slip from effectiveOn; the daily
 * export hands each change to the billing system once (exportedAt).
 */
export const paperSlipChanges = pgTable(
  'paper_slip_changes',
  {
    utilityId: utilityId(),
    id: id(),
    faucetId: integer('faucet_id').notNull(),
    /** The contract the change is for: the export names it, and never hands over one for a contract that has ended. Null only for rows written before it was recorded. */
    contractId: integer('contract_id'),
    paperless: boolean('paperless').notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    effectiveOn: date('effective_on', { mode: 'string' }).notNull(),
    exportedAt: timestamp('exported_at', { withTimezone: true })
  },
  (table) => [
    primaryKey({ name: 'paper_slip_changes_pkey', columns: [table.utilityId, table.id] }),
    foreignKey({ name: 'paper_slip_changes_faucet_fk', columns: [table.utilityId, table.faucetId], foreignColumns: [faucets.utilityId, faucets.id] }),
    foreignKey({ name: 'paper_slip_changes_contract_fk', columns: [table.utilityId, table.contractId], foreignColumns: [contracts.utilityId, contracts.id] }),
    index('paper_slip_changes_pending').on(table.utilityId, table.exportedAt)
  ]
);

/** A portal member (会員). Faucets hang off it through faucet_links. */
export const customers = pgTable(
  'customers',
  {
    utilityId: utilityId(),
    id: id(),
    /** Lower-cased: one address, one account at a utility (the same address at another is another account). */
    email: text('email').notNull(),
    nickname: text('nickname').notNull(),
    passwordHash: text('password_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    version: version(),
    /** The nickname as staff search it (contracts.searchKey). */
    searchKey: text('search_key')
      .notNull()
      .generatedAlwaysAs(sql.raw(searchKeyOf('nickname')))
  },
  (table) => [
    primaryKey({ name: 'customers_pkey', columns: [table.utilityId, table.id] }),
    unique('customers_email_key').on(table.utilityId, table.email),
    trigramIndex('customers_search_key_trgm', table.searchKey),
    trigramIndex('customers_email_trgm', table.email)
  ]
);

/** A signed-in device. The cookie holds a random token; only its SHA-256 is stored. */
export const sessions = pgTable(
  'sessions',
  {
    utilityId: utilityId(),
    tokenHash: text('token_hash').notNull(),
    customerId: integer('customer_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull()
  },
  (table) => [
    primaryKey({ name: 'sessions_pkey', columns: [table.utilityId, table.tokenHash] }),
    foreignKey({ name: 'sessions_customer_fk', columns: [table.utilityId, table.customerId], foreignColumns: [customers.utilityId, customers.id] }).onDelete('cascade'),
    index('sessions_customer').on(table.utilityId, table.customerId)
  ]
);

/**
 * A 6-digit code mailed to prove an address (sign-up, password reset, e-mail change). Only
 * the newest code of an address and purpose counts; its hash is keyed by the server secret.
 */
export const emailCodes = pgTable(
  'email_codes',
  {
    utilityId: utilityId(),
    id: id(),
    email: text('email').notNull(),
    purpose: text('purpose', { enum: ['signup', 'reset', 'email-change', 'move-in'] }).notNull(),
    codeHash: text('code_hash').notNull(),
    /** For an e-mail change: whose address changes. */
    customerId: integer('customer_id'),
    failedAttempts: integer('failed_attempts').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    /** Set when the code was entered correctly: the address is proven for the rest of the flow. */
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
    /** The rest of the flow proves itself with this ticket (its SHA-256), not the short code again. */
    ticketHash: text('ticket_hash'),
    /** Sign-up: the contract the faucet proof found, linked when the account is created. */
    provenContractId: integer('proven_contract_id'),
    /** Set when the flow it proved has finished; a used code never works again. */
    usedAt: timestamp('used_at', { withTimezone: true })
  },
  (table) => [
    primaryKey({ name: 'email_codes_pkey', columns: [table.utilityId, table.id] }),
    unique('email_codes_ticket_hash_key').on(table.utilityId, table.ticketHash),
    foreignKey({ name: 'email_codes_customer_fk', columns: [table.utilityId, table.customerId], foreignColumns: [customers.utilityId, customers.id] }).onDelete('cascade'),
    foreignKey({ name: 'email_codes_contract_fk', columns: [table.utilityId, table.provenContractId], foreignColumns: [contracts.utilityId, contracts.id] }),
    index('email_codes_lookup').on(table.utilityId, table.email, table.purpose, table.createdAt)
  ]
);

/** A customer's proven faucet, bound to one contract: a new holder's contract needs a new proof. */
export const faucetLinks = pgTable(
  'faucet_links',
  {
    utilityId: utilityId(),
    id: id(),
    customerId: integer('customer_id').notNull(),
    contractId: integer('contract_id').notNull(),
    label: text('label'),
    linkedAt: timestamp('linked_at', { withTimezone: true }).notNull(),
    version: version()
  },
  (table) => [
    primaryKey({ name: 'faucet_links_pkey', columns: [table.utilityId, table.id] }),
    foreignKey({ name: 'faucet_links_customer_fk', columns: [table.utilityId, table.customerId], foreignColumns: [customers.utilityId, customers.id] }).onDelete('cascade'),
    foreignKey({ name: 'faucet_links_contract_fk', columns: [table.utilityId, table.contractId], foreignColumns: [contracts.utilityId, contracts.id] }),
    uniqueIndex('faucet_links_contract').on(table.utilityId, table.contractId),
    index('faucet_links_customer').on(table.utilityId, table.customerId)
  ]
);

/**
 * A change a device queued in its outbox, by the id the device gave it, recorded in the same
 * transaction as the change: a send retried after a lost answer finds its id here and changes
 * nothing again. Per customer, so no other account's ids can collide with or block one.
 */
export const clientChanges = pgTable(
  'client_changes',
  {
    utilityId: utilityId(),
    customerId: integer('customer_id').notNull(),
    clientId: uuid('client_id').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull()
  },
  (table) => [
    primaryKey({ name: 'client_changes_pkey', columns: [table.utilityId, table.customerId, table.clientId] }),
    foreignKey({ name: 'client_changes_customer_fk', columns: [table.utilityId, table.customerId], foreignColumns: [customers.utilityId, customers.id] }).onDelete('cascade'),
    index('client_changes_received').on(table.receivedAt)
  ]
);

/** Every faucet proof, kept for the lockouts: too many failures lock the faucet or the client. */
export const proofAttempts = pgTable(
  'proof_attempts',
  {
    utilityId: utilityId(),
    id: id(),
    faucetNo: text('faucet_no').notNull(),
    clientKey: text('client_key').notNull(),
    succeeded: boolean('succeeded').notNull(),
    attemptedAt: timestamp('attempted_at', { withTimezone: true }).notNull(),
    /** Set by staff: failures before this no longer count. */
    clearedAt: timestamp('cleared_at', { withTimezone: true })
  },
  (table) => [
    primaryKey({ name: 'proof_attempts_pkey', columns: [table.utilityId, table.id] }),
    index('proof_attempts_faucet').on(table.utilityId, table.faucetNo, table.attemptedAt),
    index('proof_attempts_client').on(table.utilityId, table.clientKey, table.attemptedAt)
  ]
);

/** Failed log-ins and code requests, for rate limits that hold across app processes. */
export const rateEvents = pgTable(
  'rate_events',
  {
    utilityId: utilityId(),
    id: id(),
    bucket: text('bucket').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull()
  },
  (table) => [primaryKey({ name: 'rate_events_pkey', columns: [table.utilityId, table.id] }), index('rate_events_bucket').on(table.utilityId, table.bucket, table.at)]
);

/** Server-side secrets generated once and kept in the database (VAPID keys, the code-hash key). */
export const serverSecrets = pgTable('server_secrets', {
  name: text('name').primaryKey(),
  value: text('value').notNull()
});

/** Topics a customer hears of once per faucet and period however often their cause is seen (notices_once_per_period). */
export const oncePerPeriodTopics = ['transfer', 'usage-alert'] as const;
/** The list as SQL, for the index and for the ON CONFLICT that must name the index's predicate. */
export const oncePerPeriodTopicList = `(${oncePerPeriodTopics.map((topic) => `'${topic}'`).join(', ')})`;

/**
 * One notice to one customer (お知らせ), made in the same transaction as the data that causes it.
 * `facts` holds what the text is written from (faucet number, period, amounts, dates), so the
 * app, the push payload and the mail all say the same thing in the reader's language.
 */
export const notices = pgTable(
  'notices',
  {
    utilityId: utilityId(),
    id: id(),
    customerId: integer('customer_id').notNull(),
    faucetId: integer('faucet_id'),
    /** A corrected bill is a `bill` notice whose facts say `corrected`. */
    topic: text('topic', { enum: noticeTopics }).notNull(),
    period: text('period'),
    facts: jsonb('facts').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    readAt: timestamp('read_at', { withTimezone: true }),
    version: version()
  },
  (table) => [
    primaryKey({ name: 'notices_pkey', columns: [table.utilityId, table.id] }),
    foreignKey({ name: 'notices_customer_fk', columns: [table.utilityId, table.customerId], foreignColumns: [customers.utilityId, customers.id] }).onDelete('cascade'),
    foreignKey({ name: 'notices_faucet_fk', columns: [table.utilityId, table.faucetId], foreignColumns: [faucets.utilityId, faucets.id] }),
    index('notices_customer').on(table.utilityId, table.customerId, table.version),
    // queueDeliveries finds the notices its own transaction made by version.
    index('notices_version').on(table.utilityId, table.version),
    check('notices_topic', sql.raw(`topic in (${noticeTopics.map((topic) => `'${topic}'`).join(', ')})`)),
    // A daily job and a corrected reading must not repeat these: one per faucet and period.
    uniqueIndex('notices_once_per_period')
      .on(table.utilityId, table.customerId, table.topic, table.faucetId, table.period)
      .where(sql`${table.topic} in ${sql.raw(oncePerPeriodTopicList)}`)
  ]
);

/**
 * A device that accepted Web Push for a customer; dropped when its push service answers 404 or
 * 410, and with the session that subscribed it (log-out, password change or reset, 退会).
 */
export const pushSubscriptions = pgTable(
  'push_subscriptions',
  {
    utilityId: utilityId(),
    id: id(),
    customerId: integer('customer_id').notNull(),
    sessionTokenHash: text('session_token_hash').notNull(),
    endpoint: text('endpoint').notNull(),
    p256dh: text('p256dh').notNull(),
    auth: text('auth').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull()
  },
  (table) => [
    primaryKey({ name: 'push_subscriptions_pkey', columns: [table.utilityId, table.id] }),
    unique('push_subscriptions_endpoint_key').on(table.utilityId, table.endpoint),
    foreignKey({ name: 'push_subscriptions_customer_fk', columns: [table.utilityId, table.customerId], foreignColumns: [customers.utilityId, customers.id] }).onDelete('cascade'),
    foreignKey({ name: 'push_subscriptions_session_fk', columns: [table.utilityId, table.sessionTokenHash], foreignColumns: [sessions.utilityId, sessions.tokenHash] }).onDelete('cascade'),
    index('push_subscriptions_customer').on(table.utilityId, table.customerId),
    index('push_subscriptions_session').on(table.utilityId, table.sessionTokenHash)
  ]
);

/** A customer's channels for one topic; no row means both (the default). */
export const noticePreferences = pgTable(
  'notice_preferences',
  {
    utilityId: utilityId(),
    customerId: integer('customer_id').notNull(),
    topic: text('topic', { enum: noticeTopics }).notNull(),
    push: boolean('push').notNull(),
    email: boolean('email').notNull()
  },
  (table) => [
    primaryKey({ name: 'notice_preferences_pkey', columns: [table.utilityId, table.customerId, table.topic] }),
    foreignKey({ name: 'notice_preferences_customer_fk', columns: [table.utilityId, table.customerId], foreignColumns: [customers.utilityId, customers.id] }).onDelete('cascade')
  ]
);

/**
 * The notices outbox: one row per notice and channel (per subscription for push), so a notice
 * goes out at most once on each. A worker claims due rows with FOR UPDATE SKIP LOCKED and holds
 * them until leaseUntil; a worker that dies leaves the lease to run out and the row is claimed
 * again. Retried with backoff until 24 hours after it was made, then `failed`.
 */
export const noticeDeliveries = pgTable(
  'notice_deliveries',
  {
    utilityId: utilityId(),
    id: id(),
    noticeId: integer('notice_id').notNull(),
    customerId: integer('customer_id').notNull(),
    channel: text('channel', { enum: noticeChannels }).notNull(),
    subscriptionId: integer('subscription_id'),
    state: text('state', { enum: ['pending', 'sent', 'failed'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    lastError: text('last_error')
  },
  (table) => [
    primaryKey({ name: 'notice_deliveries_pkey', columns: [table.utilityId, table.id] }),
    foreignKey({ name: 'notice_deliveries_notice_fk', columns: [table.utilityId, table.noticeId], foreignColumns: [notices.utilityId, notices.id] }).onDelete('cascade'),
    foreignKey({ name: 'notice_deliveries_customer_fk', columns: [table.utilityId, table.customerId], foreignColumns: [customers.utilityId, customers.id] }).onDelete('cascade'),
    foreignKey({
      name: 'notice_deliveries_subscription_fk',
      columns: [table.utilityId, table.subscriptionId],
      foreignColumns: [pushSubscriptions.utilityId, pushSubscriptions.id]
    }).onDelete('cascade'),
    unique('notice_deliveries_once').on(table.utilityId, table.noticeId, table.channel, table.subscriptionId).nullsNotDistinct(),
    index('notice_deliveries_due')
      .on(table.utilityId, table.dueAt)
      .where(sql`${table.state} = 'pending'`),
    index('notice_deliveries_customer').on(table.utilityId, table.customerId, table.channel),
    check('notice_deliveries_channel', sql`${table.channel} in ('push', 'email')`),
    check('notice_deliveries_state', sql`${table.state} in ('pending', 'sent', 'failed')`),
    check('notice_deliveries_target', sql`(${table.channel} = 'push') = (${table.subscriptionId} is not null)`)
  ]
);

const procedureStatusList = `(${procedureStatuses.map((status) => `'${status}'`).join(', ')})`;

/**
 * A procedure a customer filed (各種お手続き) for one of their faucets. The device's outbox id
 * (clientId) is unique per customer, so a send retried after a lost answer finds the first
 * filing and its receipt number instead of making a second. The customer going (退会) leaves
 * the procedure with the utility, which still has to finish it.
 */
export const procedures = pgTable(
  'procedures',
  {
    utilityId: utilityId(),
    id: id(),
    /** R-2026-000123: the year's counter (receipt_counters), without gaps. */
    receiptNo: text('receipt_no').notNull(),
    /**
     * Null once the customer has gone (退会): the reference to customers, ON DELETE SET NULL of
     * this column alone (not the utility), is drizzle 0021's, as drizzle cannot declare it.
     */
    customerId: integer('customer_id'),
    clientId: uuid('client_id').notNull(),
    /** Null for a move-in (使用開始): its faucet, if the person knows it, is only what they typed, in the content. */
    faucetId: integer('faucet_id'),
    /** The contract the customer's link was bound to when filing; null for a move-in, which has none yet. */
    contractId: integer('contract_id'),
    kind: text('kind', { enum: procedureKinds }).notNull(),
    /** A move-in's confirmed address: its receipt and status changes go there, as the person has no account. */
    applicantEmail: text('applicant_email'),
    /** The form as validated and normalised (src/lib/shared/procedure-form.ts). */
    content: jsonb('content').notNull(),
    status: text('status', { enum: procedureStatuses }).notNull().default('received'),
    /** Staff's latest note to the customer (why it was returned, what was done). */
    staffNote: text('staff_note'),
    filedAt: timestamp('filed_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    /** A finished holder or billing-address change is handed to the billing system once. */
    exportedAt: timestamp('exported_at', { withTimezone: true }),
    version: version()
  },
  (table) => [
    primaryKey({ name: 'procedures_pkey', columns: [table.utilityId, table.id] }),
    unique('procedures_receipt_no_key').on(table.utilityId, table.receiptNo),
    foreignKey({ name: 'procedures_faucet_fk', columns: [table.utilityId, table.faucetId], foreignColumns: [faucets.utilityId, faucets.id] }),
    foreignKey({ name: 'procedures_contract_fk', columns: [table.utilityId, table.contractId], foreignColumns: [contracts.utilityId, contracts.id] }),
    unique('procedures_client').on(table.utilityId, table.customerId, table.clientId),
    index('procedures_customer').on(table.utilityId, table.customerId, table.version),
    index('procedures_queue').on(table.utilityId, table.status, table.filedAt),
    check('procedures_kind', sql.raw(`kind in (${procedureKinds.map((kind) => `'${kind}'`).join(', ')})`)),
    check('procedures_status', sql.raw(`status in ${procedureStatusList}`)),
    check('procedures_receipt_no', sql`${table.receiptNo} ~ '^R-[0-9]{4}-[0-9]{6}$'`),
    // A move-in has only its applicant's address; every other filing has its faucet and contract, and no applicant.
    check(
      'procedures_move_in_shape',
      sql`case when ${table.kind} = 'move-in' then ${table.faucetId} is null and ${table.contractId} is null and ${table.applicantEmail} is not null
        else ${table.faucetId} is not null and ${table.contractId} is not null and ${table.applicantEmail} is null end`
    ),
    // A move-in has no customer: its outbox id is unique among move-ins, so a resend finds the first filing.
    uniqueIndex('procedures_move_in_client').on(table.utilityId, table.clientId).where(sql`${table.kind} = 'move-in'`)
  ]
);

/** The last receipt number given out per year: taken and raised in the filing's transaction, so a rolled-back filing leaves no gap. */
export const receiptCounters = pgTable(
  'receipt_counters',
  {
    utilityId: utilityId(),
    year: integer('year').notNull(),
    last: integer('last').notNull()
  },
  (table) => [primaryKey({ name: 'receipt_counters_pkey', columns: [table.utilityId, table.year] })]
);

/** Each status a procedure went through, with who moved it (null: the customer filing it) and the note. */
export const procedureEvents = pgTable(
  'procedure_events',
  {
    utilityId: utilityId(),
    id: id(),
    procedureId: integer('procedure_id').notNull(),
    status: text('status', { enum: procedureStatuses }).notNull(),
    note: text('note'),
    staffId: integer('staff_id'),
    at: timestamp('at', { withTimezone: true }).notNull(),
    version: version()
  },
  (table) => [
    primaryKey({ name: 'procedure_events_pkey', columns: [table.utilityId, table.id] }),
    foreignKey({ name: 'procedure_events_procedure_fk', columns: [table.utilityId, table.procedureId], foreignColumns: [procedures.utilityId, procedures.id] }).onDelete('cascade'),
    foreignKey({ name: 'procedure_events_staff_fk', columns: [table.utilityId, table.staffId], foreignColumns: [staff.utilityId, staff.id] }),
    index('procedure_events_procedure').on(table.utilityId, table.procedureId),
    check('procedure_events_status', sql.raw(`status in ${procedureStatusList}`))
  ]
);

/** A member of the utility's staff (業務課). Never deleted: the audit log names them. */
export const staff = pgTable(
  'staff',
  {
    utilityId: utilityId(),
    id: id(),
    /** Lower-cased. */
    email: text('email').notNull(),
    role: text('role', { enum: staffRoles }).notNull(),
    passwordHash: text('password_hash').notNull(),
    /** Set for a one-time password: nothing but the change works until it is chosen anew. */
    mustChangePassword: boolean('must_change_password').notNull().default(true),
    /** A one-time password stops working at this time (72 hours after it was given); null once chosen anew. */
    passwordExpiresAt: timestamp('password_expires_at', { withTimezone: true }),
    /** Set while an admin has disabled the account: it cannot log in and has no sessions. */
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull()
  },
  (table) => [
    primaryKey({ name: 'staff_pkey', columns: [table.utilityId, table.id] }),
    unique('staff_email_key').on(table.utilityId, table.email),
    check('staff_role', sql`${table.role} in ('clerk', 'admin')`)
  ]
);

/** A signed-in staff browser, apart from customers' sessions: 8 hours at most, 30 minutes idle. */
export const staffSessions = pgTable(
  'staff_sessions',
  {
    utilityId: utilityId(),
    tokenHash: text('token_hash').notNull(),
    staffId: integer('staff_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull()
  },
  (table) => [
    primaryKey({ name: 'staff_sessions_pkey', columns: [table.utilityId, table.tokenHash] }),
    foreignKey({ name: 'staff_sessions_staff_fk', columns: [table.utilityId, table.staffId], foreignColumns: [staff.utilityId, staff.id] }).onDelete('cascade'),
    index('staff_sessions_staff').on(table.utilityId, table.staffId)
  ]
);

/**
 * Every staff action and import: who, when, what, on what, why. Append-only: a trigger
 * (drizzle 0010) refuses UPDATE, DELETE and TRUNCATE, so not even a bug in the app can rewrite it.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    utilityId: utilityId(),
    id: id(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    /** Null for the command line. */
    staffId: integer('staff_id'),
    /** Who, as it read then: the staff member's address, or "command line". */
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    targetKind: text('target_kind'),
    targetId: text('target_id'),
    reason: text('reason'),
    details: jsonb('details')
  },
  (table) => [
    primaryKey({ name: 'audit_log_pkey', columns: [table.utilityId, table.id] }),
    foreignKey({ name: 'audit_log_staff_fk', columns: [table.utilityId, table.staffId], foreignColumns: [staff.utilityId, staff.id] }),
    index('audit_log_at').on(table.utilityId, table.at)
  ]
);
