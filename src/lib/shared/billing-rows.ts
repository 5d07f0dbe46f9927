/**
 * The billing system's rows (customers, readings, bills, payments), described once: each
 * column's name in the import file, its property in the typed row, its column in the
 * database and its type. Import validation, staging, the sync wire and its decoding on the
 * device, and the encoding of a typed row back into a file's line (the demo data) are all
 * derived from these lists, so a column is added, renamed or reordered here and nowhere else.
 */

/** How a column's text is read and written (server/domain/import-rows.ts) and what it becomes. */
export type ColumnType =
  | 'faucetNo'
  | 'period'
  | 'date'
  | 'text'
  | 'phone'
  | 'postalCode'
  | 'yen'
  /** The meter register in tenths of a m³: 1014.5 is 10145. The database keeps the decimal number. */
  | 'meterTenths'
  /** Usage in tenths of a m³, in the database too. */
  | 'usageTenths'
  /** A meter's nominal size in mm (13, 20, 25 …), which sets the basic charge. */
  | 'meterSize'
  /** A tariff district's id (料金区域), one of the utility profile's. */
  | 'district'
  | { oneOf: readonly string[] };

export interface Column<
  Field extends string = string,
  Type extends ColumnType = ColumnType,
  Required extends boolean = boolean,
  Name extends string = string
> {
  /** The import file's header. */
  csv: Name;
  field: Field;
  /** The table's column; faucet_no lives in `faucets`, the other tables point to it by id. */
  db: string;
  type: Type;
  required: Required;
}

type CamelCase<Name extends string> = Name extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : Name;

const camelCase = <Name extends string>(name: Name) =>
  name.replace(/_(\w)/g, (_, letter: string) => letter.toUpperCase()) as CamelCase<Name>;

const column =
  <Required extends boolean>(required: Required) =>
  <const Name extends string, const Type extends ColumnType, Field extends string = CamelCase<Name>>(
    csv: Name,
    type: Type,
    // The row's property and the table's column follow the file's name unless the unit changes.
    rename?: { field: Field; db: string }
  ): Column<Field, Type, Required, Name> => ({
    csv,
    field: rename?.field ?? (camelCase(csv) as string as Field),
    db: rename?.db ?? csv,
    type,
    required
  });
const required = column(true);
const optional = column(false);

const faucetNo = required('faucet_no', 'faucetNo');
const period = required('period', 'period');
const usage = required('usage_m3', 'usageTenths', { field: 'usageTenths', db: 'usage_tenths' });

/** The import files' columns (shared/spec/INTERFACES.md), in order; the sync tuples keep this order too. */
export const customerColumns = [
  faucetNo,
  required('holder_name', 'text'),
  optional('holder_kana', 'text'),
  optional('phone', 'phone'),
  optional('supply_address', 'text'),
  optional('billing_name', 'text'),
  optional('billing_postal_code', 'postalCode'),
  optional('billing_address', 'text'),
  required('contract_start', 'date'),
  optional('contract_end', 'date'),
  required('payment_method', { oneOf: ['transfer', 'invoice'] }),
  optional('meter_size_mm', 'meterSize'),
  optional('district', 'district')
] as const;

export const readingColumns = [
  faucetNo,
  period,
  required('reading_date', 'date'),
  required('meter_value', 'meterTenths', { field: 'meterTenths', db: 'meter_value' }),
  usage,
  optional('next_reading_date', 'date')
] as const;

export const billColumns = [
  faucetNo,
  period,
  usage,
  required('water_charge', 'yen'),
  required('sewer_charge', 'yen'),
  required('total', 'yen'),
  optional('tax', 'yen'),
  required('issue_date', 'date'),
  optional('due_date', 'date'),
  optional('transfer_date', 'date')
] as const;

export const paymentColumns = [
  faucetNo,
  period,
  required('amount', 'yen'),
  required('method', { oneOf: ['transfer', 'convenience', 'counter', 'other'] }),
  required('result', { oneOf: ['paid', 'failed'] }),
  optional('paid_on', 'date')
] as const;

export const rowColumns = {
  customers: customerColumns,
  readings: readingColumns,
  bills: billColumns,
  payments: paymentColumns
};

export type RowKind = keyof typeof rowColumns;

type ValueOf<Type extends ColumnType> = Type extends { oneOf: readonly (infer Value)[] }
  ? Value
  : Type extends 'yen' | 'meterTenths' | 'usageTenths' | 'meterSize'
    ? number
    : string;

/** A field's value: an empty optional field is null. */
export type CellOf<C> = C extends Column<string, infer Type, infer Required> ? ValueOf<Type> | (Required extends true ? never : null) : never;

/** The typed row a column list describes. */
export type RowOf<Columns extends readonly Column[]> = { [C in Columns[number] as C['field']]: CellOf<C> };

/** The same row as a tuple in the list's order, as sync.pull sends it. */
export type TupleOf<Columns extends readonly Column[]> = { -readonly [Index in keyof Columns]: CellOf<Columns[Index]> };

export type CustomerRow = RowOf<typeof customerColumns>;
export type ReadingRow = RowOf<typeof readingColumns>;
export type BillRow = RowOf<typeof billColumns>;
export type PaymentRow = RowOf<typeof paymentColumns>;

export type RowsByKind = { [Kind in RowKind]: RowOf<(typeof rowColumns)[Kind]> };
