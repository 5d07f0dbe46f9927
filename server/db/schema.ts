import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  boolean,
  check,
  date,
  type ExtraConfigColumn,
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
    id: serial('id').primaryKey(),
    faucetNo: text('faucet_no').notNull().unique(),
    version: version()
  },
  (table) => [trigramIndex('faucets_faucet_no_trgm', table.faucetNo)]
);

export const contracts = pgTable(
  'contracts',
  {
    id: serial('id').primaryKey(),
    faucetId: integer('faucet_id')
      .notNull()
      .references(() => faucets.id),
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
    unique('contracts_faucet_start').on(table.faucetId, table.contractStart),
    trigramIndex('contracts_search_key_trgm', table.searchKey),
    check('contracts_payment_method', sql`${table.paymentMethod} in ('transfer', 'invoice')`),
    check('contracts_meter_size', sql`${table.meterSizeMm} is null or ${table.meterSizeMm} > 0`),
    check('contracts_window', sql`${table.contractEnd} is null or ${table.contractEnd} >= ${table.contractStart}`)
  ]
);

export const readings = pgTable(
  'readings',
  {
    faucetId: integer('faucet_id')
      .notNull()
      .references(() => faucets.id),
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
    primaryKey({ columns: [table.faucetId, table.period] }),
    periodCheck('readings', table.period),
    check('readings_usage', sql`${table.usageTenths} >= 0`)
  ]
);

export const bills = pgTable(
  'bills',
  {
    faucetId: integer('faucet_id')
      .notNull()
      .references(() => faucets.id),
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
    primaryKey({ columns: [table.faucetId, table.period] }),
    // The hourly transfer-notice job looks bills up by the dates it announces.
    index('bills_transfer_date').on(table.transferDate),
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
    faucetId: integer('faucet_id')
      .notNull()
      .references(() => faucets.id),
    period: period(),
    amount: integer('amount').notNull(),
    method: text('method', { enum: ['transfer', 'convenience', 'counter', 'other'] }).notNull(),
    result: text('result', { enum: ['paid', 'failed'] }).notNull(),
    paidOn: date('paid_on', { mode: 'string' }),
    version: version()
  },
  (table) => [
    primaryKey({ columns: [table.faucetId, table.period] }),
    periodCheck('payments', table.period),
    check('payments_amount', sql`${table.amount} >= 0`),
    check('payments_method', sql`${table.method} in ('transfer', 'convenience', 'counter', 'other')`),
    check('payments_result', sql`${table.result} in ('paid', 'failed')`)
  ]
);

/** One applied billing-system file: who ran it, when, which bytes, and what it changed. */
export const importRuns = pgTable('import_runs', {
  id: serial('id').primaryKey(),
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
});

/**
 * A faucet stops (paperless) or resumes receiving the paper slip from effectiveOn; the daily
 * export hands each change to the billing system once (exportedAt).
 */
export const paperSlipChanges = pgTable(
  'paper_slip_changes',
  {
    id: serial('id').primaryKey(),
    faucetId: integer('faucet_id')
      .notNull()
      .references(() => faucets.id),
    /** The contract the change is for: the export names it, and never hands over one for a contract that has ended. Null only for rows written before it was recorded. */
    contractId: integer('contract_id').references(() => contracts.id),
    paperless: boolean('paperless').notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    effectiveOn: date('effective_on', { mode: 'string' }).notNull(),
    exportedAt: timestamp('exported_at', { withTimezone: true })
  },
  (table) => [index('paper_slip_changes_pending').on(table.exportedAt)]
);

/** A portal member (会員). Faucets hang off it through faucet_links. */
export const customers = pgTable(
  'customers',
  {
    id: serial('id').primaryKey(),
    /** Lower-cased: one address, one account. */
    email: text('email').notNull().unique(),
    nickname: text('nickname').notNull(),
    passwordHash: text('password_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    version: version(),
    /** The nickname as staff search it (contracts.searchKey). */
    searchKey: text('search_key')
      .notNull()
      .generatedAlwaysAs(sql.raw(searchKeyOf('nickname')))
  },
  (table) => [trigramIndex('customers_search_key_trgm', table.searchKey), trigramIndex('customers_email_trgm', table.email)]
);

/** A signed-in device. The cookie holds a random token; only its SHA-256 is stored. */
export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    customerId: integer('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull()
  },
  (table) => [index('sessions_customer').on(table.customerId)]
);

/**
 * A 6-digit code mailed to prove an address (sign-up, password reset, e-mail change). Only
 * the newest code of an address and purpose counts; its hash is keyed by the server secret.
 */
export const emailCodes = pgTable(
  'email_codes',
  {
    id: serial('id').primaryKey(),
    email: text('email').notNull(),
    purpose: text('purpose', { enum: ['signup', 'reset', 'email-change', 'move-in'] }).notNull(),
    codeHash: text('code_hash').notNull(),
    /** For an e-mail change: whose address changes. */
    customerId: integer('customer_id').references(() => customers.id, { onDelete: 'cascade' }),
    failedAttempts: integer('failed_attempts').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    /** Set when the code was entered correctly: the address is proven for the rest of the flow. */
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
    /** The rest of the flow proves itself with this ticket (its SHA-256), not the short code again. */
    ticketHash: text('ticket_hash').unique(),
    /** Sign-up: the contract the faucet proof found, linked when the account is created. */
    provenContractId: integer('proven_contract_id').references(() => contracts.id),
    /** Set when the flow it proved has finished; a used code never works again. */
    usedAt: timestamp('used_at', { withTimezone: true })
  },
  (table) => [index('email_codes_lookup').on(table.email, table.purpose, table.createdAt)]
);

/** A customer's proven faucet, bound to one contract: a new holder's contract needs a new proof. */
export const faucetLinks = pgTable(
  'faucet_links',
  {
    id: serial('id').primaryKey(),
    customerId: integer('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    contractId: integer('contract_id')
      .notNull()
      .references(() => contracts.id),
    label: text('label'),
    linkedAt: timestamp('linked_at', { withTimezone: true }).notNull(),
    version: version()
  },
  (table) => [uniqueIndex('faucet_links_contract').on(table.contractId), index('faucet_links_customer').on(table.customerId)]
);

/**
 * A change a device queued in its outbox, by the id the device gave it, recorded in the same
 * transaction as the change: a send retried after a lost answer finds its id here and changes
 * nothing again. Per customer, so no other account's ids can collide with or block one.
 */
export const clientChanges = pgTable(
  'client_changes',
  {
    customerId: integer('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    clientId: uuid('client_id').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull()
  },
  (table) => [primaryKey({ columns: [table.customerId, table.clientId] }), index('client_changes_received').on(table.receivedAt)]
);

/** Every faucet proof, kept for the lockouts: too many failures lock the faucet or the client. */
export const proofAttempts = pgTable(
  'proof_attempts',
  {
    id: serial('id').primaryKey(),
    faucetNo: text('faucet_no').notNull(),
    clientKey: text('client_key').notNull(),
    succeeded: boolean('succeeded').notNull(),
    attemptedAt: timestamp('attempted_at', { withTimezone: true }).notNull(),
    /** Set by staff: failures before this no longer count. */
    clearedAt: timestamp('cleared_at', { withTimezone: true })
  },
  (table) => [index('proof_attempts_faucet').on(table.faucetNo, table.attemptedAt), index('proof_attempts_client').on(table.clientKey, table.attemptedAt)]
);

/** Failed log-ins and code requests, for rate limits that hold across app processes. */
export const rateEvents = pgTable(
  'rate_events',
  {
    id: serial('id').primaryKey(),
    bucket: text('bucket').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull()
  },
  (table) => [index('rate_events_bucket').on(table.bucket, table.at)]
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
    id: serial('id').primaryKey(),
    customerId: integer('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    faucetId: integer('faucet_id').references(() => faucets.id),
    /** A corrected bill is a `bill` notice whose facts say `corrected`. */
    topic: text('topic', { enum: noticeTopics }).notNull(),
    period: text('period'),
    facts: jsonb('facts').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    readAt: timestamp('read_at', { withTimezone: true }),
    version: version()
  },
  (table) => [
    index('notices_customer').on(table.customerId, table.version),
    // queueDeliveries finds the notices its own transaction made by version.
    index('notices_version').on(table.version),
    check('notices_topic', sql.raw(`topic in (${noticeTopics.map((topic) => `'${topic}'`).join(', ')})`)),
    // A daily job and a corrected reading must not repeat these: one per faucet and period.
    uniqueIndex('notices_once_per_period')
      .on(table.customerId, table.topic, table.faucetId, table.period)
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
    id: serial('id').primaryKey(),
    customerId: integer('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    sessionTokenHash: text('session_token_hash')
      .notNull()
      .references(() => sessions.tokenHash, { onDelete: 'cascade' }),
    endpoint: text('endpoint').notNull().unique(),
    p256dh: text('p256dh').notNull(),
    auth: text('auth').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull()
  },
  (table) => [index('push_subscriptions_customer').on(table.customerId), index('push_subscriptions_session').on(table.sessionTokenHash)]
);

/** A customer's channels for one topic; no row means both (the default). */
export const noticePreferences = pgTable(
  'notice_preferences',
  {
    customerId: integer('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    topic: text('topic', { enum: noticeTopics }).notNull(),
    push: boolean('push').notNull(),
    email: boolean('email').notNull()
  },
  (table) => [primaryKey({ columns: [table.customerId, table.topic] })]
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
    id: serial('id').primaryKey(),
    noticeId: integer('notice_id')
      .notNull()
      .references(() => notices.id, { onDelete: 'cascade' }),
    customerId: integer('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    channel: text('channel', { enum: noticeChannels }).notNull(),
    subscriptionId: integer('subscription_id').references(() => pushSubscriptions.id, { onDelete: 'cascade' }),
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
    unique('notice_deliveries_once').on(table.noticeId, table.channel, table.subscriptionId).nullsNotDistinct(),
    index('notice_deliveries_due')
      .on(table.dueAt)
      .where(sql`${table.state} = 'pending'`),
    index('notice_deliveries_customer').on(table.customerId, table.channel),
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
    id: serial('id').primaryKey(),
    /** R-2026-000123: the year's counter (receipt_counters), without gaps. */
    receiptNo: text('receipt_no').notNull().unique(),
    customerId: integer('customer_id').references(() => customers.id, { onDelete: 'set null' }),
    clientId: uuid('client_id').notNull(),
    /** Null for a move-in (使用開始): its faucet, if the person knows it, is only what they typed, in the content. */
    faucetId: integer('faucet_id').references(() => faucets.id),
    /** The contract the customer's link was bound to when filing; null for a move-in, which has none yet. */
    contractId: integer('contract_id').references(() => contracts.id),
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
    unique('procedures_client').on(table.customerId, table.clientId),
    index('procedures_customer').on(table.customerId, table.version),
    index('procedures_queue').on(table.status, table.filedAt),
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
    uniqueIndex('procedures_move_in_client').on(table.clientId).where(sql`${table.kind} = 'move-in'`)
  ]
);

/** The last receipt number given out per year: taken and raised in the filing's transaction, so a rolled-back filing leaves no gap. */
export const receiptCounters = pgTable('receipt_counters', {
  year: integer('year').primaryKey(),
  last: integer('last').notNull()
});

/** Each status a procedure went through, with who moved it (null: the customer filing it) and the note. */
export const procedureEvents = pgTable(
  'procedure_events',
  {
    id: serial('id').primaryKey(),
    procedureId: integer('procedure_id')
      .notNull()
      .references(() => procedures.id, { onDelete: 'cascade' }),
    status: text('status', { enum: procedureStatuses }).notNull(),
    note: text('note'),
    staffId: integer('staff_id').references(() => staff.id),
    at: timestamp('at', { withTimezone: true }).notNull(),
    version: version()
  },
  (table) => [index('procedure_events_procedure').on(table.procedureId), check('procedure_events_status', sql.raw(`status in ${procedureStatusList}`))]
);

/** A member of the utility's staff (業務課). Never deleted: the audit log names them. */
export const staff = pgTable(
  'staff',
  {
    id: serial('id').primaryKey(),
    /** Lower-cased. */
    email: text('email').notNull().unique(),
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
  (table) => [check('staff_role', sql`${table.role} in ('clerk', 'admin')`)]
);

/** A signed-in staff browser, apart from customers' sessions: 8 hours at most, 30 minutes idle. */
export const staffSessions = pgTable(
  'staff_sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    staffId: integer('staff_id')
      .notNull()
      .references(() => staff.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull()
  },
  (table) => [index('staff_sessions_staff').on(table.staffId)]
);

/**
 * Every staff action and import: who, when, what, on what, why. Append-only: a trigger
 * (drizzle 0010) refuses UPDATE, DELETE and TRUNCATE, so not even a bug in the app can rewrite it.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: serial('id').primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    /** Null for the command line. */
    staffId: integer('staff_id').references(() => staff.id),
    /** Who, as it read then: the staff member's address, or "command line". */
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    targetKind: text('target_kind'),
    targetId: text('target_id'),
    reason: text('reason'),
    details: jsonb('details')
  },
  (table) => [index('audit_log_at').on(table.at)]
);
