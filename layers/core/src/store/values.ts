import TableStore from 'tablestore';

/**
 * Plain TypeScript values for Tablestore cells, and their conversion to and from the `tablestore` SDK's.
 *
 * The SDK writes a JS `number` as DOUBLE and needs `TableStore.Long` (int64-buffer's Int64LE) for INTEGER
 * (`lib/protocol/plain_buffer_coded_stream.js` writeColumnValueWithChecksum; a `number` primary key throws
 * "Unsupported primary key type:number"). Here it is the other way round, because the carrier's data is
 * integers (times in ms, counts, sequence numbers): a `number` must be a safe integer and is written as INTEGER,
 * a `bigint` is an INTEGER too, and a DOUBLE is written and read as {@link Double}. So callers never touch
 * `TableStore.Long`, and a fraction never turns a column into DOUBLE by accident.
 */

/** A DOUBLE cell. JS numbers are ambiguous, so doubles are wrapped; make one with {@link double}. */
export class Double {
  readonly value: number;

  constructor(value: number) {
    // The service rejects both: "NaN can't be set to double value." / "Infinity can't be set to double value."
    // (https://help.aliyun.com/en/tablestore/developer-reference/error-codes).
    if (!Number.isFinite(value)) throw new RangeError(`A Tablestore DOUBLE must be finite, got ${value}`);
    this.value = value;
  }
}

/**
 * Wraps a number to be written as DOUBLE.
 *
 * @example
 * ```ts
 * await store.updateRow({ table: 'parcels', primaryKey: { partition, waybillNo }, put: { weightKg: double(1.25) } });
 * ```
 */
export function double(value: number): Double {
  return new Double(value);
}

/** Stands for "below every value" in a GetRange bound (`TableStore.INF_MIN`). */
export const INF_MIN: unique symbol = Symbol('tablestore.INF_MIN');
/** Stands for "above every value" in a GetRange bound (`TableStore.INF_MAX`). */
export const INF_MAX: unique symbol = Symbol('tablestore.INF_MAX');
/** Asks Tablestore to assign an auto-increment primary-key column (`TableStore.PK_AUTO_INCR`). */
export const AUTO_INCREMENT: unique symbol = Symbol('tablestore.AUTO_INCREMENT');

/**
 * A primary-key column value: STRING (`string`), INTEGER (safe-integer `number` or `bigint`), BINARY
 * (`Uint8Array`, read back as `Buffer`). Integers are read back as `number` when safe, else as `bigint`.
 */
export type PrimaryKeyValue = string | number | bigint | Uint8Array;
/** An attribute value: the primary-key types, BOOLEAN (`boolean`) and DOUBLE ({@link Double}). */
export type AttributeValue = PrimaryKeyValue | boolean | Double;

/**
 * A row's primary key. Property order is the table's primary-key order, as JS keeps string keys in insertion
 * order (column names cannot start with a digit, so no key is reordered).
 */
export type PrimaryKey = Readonly<Record<string, PrimaryKeyValue>>;
/** A primary key to write: a column may be {@link AUTO_INCREMENT}. */
export type PrimaryKeyToWrite = Readonly<Record<string, PrimaryKeyValue | typeof AUTO_INCREMENT>>;
/** A GetRange bound: a column may be {@link INF_MIN} or {@link INF_MAX}. */
export type PrimaryKeyBound = Readonly<Record<string, PrimaryKeyValue | typeof INF_MIN | typeof INF_MAX>>;
export type Attributes = Readonly<Record<string, AttributeValue>>;

/** One version of one attribute column. */
export interface Cell {
  name: string;
  value: AttributeValue;
  /** The version's timestamp, ms since the epoch. */
  timestamp: number;
}

/** A row read from Tablestore. */
export interface Row {
  primaryKey: Record<string, PrimaryKeyValue>;
  /** The newest version of each column that was returned. */
  attributes: Record<string, AttributeValue>;
  /** Every returned version, as Tablestore ordered them (by column, newest first). */
  cells: Cell[];
}

const int64Min = -(2n ** 63n);
const int64Max = 2n ** 63n - 1n;
/** int64-buffer's Int64LE constructor: what the SDK decodes INTEGER cells into. */
const SdkInt64 = TableStore.Long.fromNumber(0).constructor;

/** Converts an INTEGER (safe-integer `number` or int64 `bigint`) to the SDK's Int64LE. */
export function toSdkInteger(value: number | bigint, column: string): TableStore.Int64 {
  if (typeof value === 'bigint') {
    if (value < int64Min || value > int64Max) throw new RangeError(`Column ${column}: ${value} is outside int64`);
    return TableStore.Long.fromString(value.toString());
  }
  if (!Number.isSafeInteger(value)) {
    throw new TypeError(
      `Column ${column}: ${value} is not a safe integer; write doubles as double(${value}) and large integers as bigint`,
    );
  }
  return TableStore.Long.fromNumber(value);
}

function toSdkBinary(value: Uint8Array): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

function toSdkPrimaryKeyValue(
  value: PrimaryKeyValue | typeof AUTO_INCREMENT | typeof INF_MIN | typeof INF_MAX,
  column: string,
): TableStore.PrimaryKeyValue {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
      return toSdkInteger(value, column);
    case 'symbol':
      if (value === INF_MIN) return TableStore.INF_MIN;
      if (value === INF_MAX) return TableStore.INF_MAX;
      return TableStore.PK_AUTO_INCR;
    default:
      if (value instanceof Uint8Array) return toSdkBinary(value);
      throw new TypeError(`Column ${column}: unsupported primary-key value ${String(value)}`);
  }
}

/**
 * Converts a primary key to the SDK's `[{ name: value }, …]`.
 *
 * @example
 * ```ts
 * toSdkPrimaryKey({ waybillNo: 'SF123', seq: AUTO_INCREMENT }); // [{ waybillNo: 'SF123' }, { seq: PK_AUTO_INCR }]
 * ```
 */
export function toSdkPrimaryKey(primaryKey: PrimaryKeyToWrite | PrimaryKeyBound): TableStore.PrimaryKey {
  const columns: TableStore.PrimaryKey = [];
  for (const [name, value] of Object.entries(primaryKey)) {
    columns.push({ [name]: toSdkPrimaryKeyValue(value, name) });
  }
  return columns;
}

/** Converts one attribute value to the SDK's representation. */
export function toSdkAttributeValue(value: AttributeValue, column: string): TableStore.AttributeValue {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
    case 'bigint':
      return toSdkInteger(value, column);
    default:
      if (value instanceof Double) return value.value;
      if (value instanceof Uint8Array) return toSdkBinary(value);
      throw new TypeError(`Column ${column}: unsupported attribute value ${String(value)}`);
  }
}

/**
 * Converts attributes to the SDK's `[{ name: value }, …]`.
 *
 * @example
 * ```ts
 * toSdkAttributes({ scanTimeMs: 1718000000000, weightKg: double(1.5) }); // INTEGER and DOUBLE cells
 * ```
 */
export function toSdkAttributes(attributes: Attributes): TableStore.AttributeColumns {
  const columns: TableStore.AttributeColumns = [];
  for (const [name, value] of Object.entries(attributes)) {
    columns.push({ [name]: toSdkAttributeValue(value, name) });
  }
  return columns;
}

function isSdkInteger(value: unknown): value is TableStore.Int64 {
  return value instanceof SdkInt64;
}

/** Reads an SDK INTEGER as a `number` when it is a safe integer, else as a `bigint`. */
function fromSdkInteger(value: TableStore.Int64): number | bigint {
  const asNumber = value.toNumber();
  return Number.isSafeInteger(asNumber) ? asNumber : BigInt(value.toString(10));
}

/** Converts one decoded SDK value (string, number = DOUBLE, boolean, Buffer, Int64LE) to ours. */
export function fromSdkValue(value: TableStore.AttributeCell['columnValue']): AttributeValue {
  if (typeof value === 'number') return new Double(value);
  if (isSdkInteger(value)) return fromSdkInteger(value);
  return value;
}

/** Converts the SDK's `[{ name, value }]` primary key to ours. */
export function fromSdkPrimaryKey(columns: readonly TableStore.PrimaryKeyColumn[]): Record<string, PrimaryKeyValue> {
  const primaryKey: Record<string, PrimaryKeyValue> = {};
  for (const { name, value } of columns) primaryKey[name] = isSdkInteger(value) ? fromSdkInteger(value) : value;
  return primaryKey;
}

/** Converts a decoded SDK row; `undefined` for the `{}` the SDK gives for a missing row. */
export function fromSdkRow(row: TableStore.Row | Record<string, never> | null | undefined): Row | undefined {
  if (!row || !('primaryKey' in row) || !row.primaryKey) return undefined;
  return fromSdkColumns(row.primaryKey, row.attributes ?? []);
}

/** Converts the primary key and cells of a decoded SDK row (or of a batch item). */
export function fromSdkColumns(
  primaryKey: readonly TableStore.PrimaryKeyColumn[],
  attributes: readonly TableStore.AttributeCell[],
): Row {
  const row: Row = { primaryKey: fromSdkPrimaryKey(primaryKey), attributes: {}, cells: [] };
  for (const cell of attributes) {
    const value = fromSdkValue(cell.columnValue);
    row.cells.push({ name: cell.columnName, value, timestamp: cell.timestamp ? cell.timestamp.toNumber() : 0 });
    if (!Object.hasOwn(row.attributes, cell.columnName)) row.attributes[cell.columnName] = value;
  }
  return row;
}
