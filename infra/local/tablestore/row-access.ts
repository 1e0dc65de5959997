import { liveColumns, type Columns } from './cells.ts';
import type { OperationContext } from './context.ts';
import { conditionCheckFailed, OtsServerError, parameterInvalid, tableNotExist } from './errors.ts';
import { decodeColumnCondition } from './filter/decode.ts';
import { matches } from './filter/evaluate.ts';
import { encodeKey } from './keys.ts';
import { encodeColumns, decodeColumns } from './row-codec.ts';
import type { StoredRow } from './row.ts';
import type { PrimaryKey, StoredPrimaryKey } from './plainbuffer/types.ts';
import type { StoredTable } from './storage.ts';

/**
 * The steps every row operation shares: find the table, check the primary key against its schema, read the
 * live row, check the request's condition, write the row back.
 */

/** Limits from https://www.alibabacloud.com/help/en/tablestore/limits-on-widecolumn-model */
const MAX_PRIMARY_KEY_VALUE_BYTES = 1024;

export function requireTable(context: OperationContext, tableName: string): StoredTable {
  const table = context.storage.table(context.instance, tableName);
  if (table === undefined) throw tableNotExist();
  return table;
}

const schemaMismatch = (): OtsServerError => new OtsServerError('OTSInvalidPK', 'Primary key schema mismatch.');

/**
 * Checks that `primaryKey` names the table's primary-key columns in order with their types. `bounds` allows
 * INF_MIN/INF_MAX (GetRange); `autoIncrement` allows the auto-increment marker in that column (PutRow).
 */
export function checkPrimaryKey(
  primaryKey: PrimaryKey,
  table: StoredTable,
  allow: { bounds?: boolean; autoIncrement?: boolean } = {},
): void {
  const schema = table.meta.primaryKey;
  if (primaryKey.length !== schema.length) throw schemaMismatch();
  primaryKey.forEach((column, index) => {
    const expected = schema[index];
    if (expected === undefined || column.name !== expected.name) throw schemaMismatch();
    const { type } = column.value;
    if (type === 'INF_MIN' || type === 'INF_MAX') {
      if (!allow.bounds) throw parameterInvalid(`INF_MIN or INF_MAX is only allowed in GetRange; got one in '${column.name}'.`);
      return;
    }
    if (type === 'AUTO_INCREMENT') {
      if (!allow.autoIncrement || !expected.autoIncrement) {
        throw parameterInvalid(`Primary key column '${column.name}' is not an auto-increment column.`);
      }
      return;
    }
    if (type !== expected.type) throw schemaMismatch();
    const size = type === 'INTEGER' ? 8 : type === 'STRING' ? Buffer.byteLength(column.value.value) : column.value.value.length;
    if (size > MAX_PRIMARY_KEY_VALUE_BYTES) {
      throw parameterInvalid(`The length of primary key column '${column.name}' exceeds the MaxLength: ${MAX_PRIMARY_KEY_VALUE_BYTES}.`);
    }
  });
}

/** A primary key with values only, once bounds and markers are ruled out. */
export function asStoredKey(primaryKey: PrimaryKey): StoredPrimaryKey {
  return primaryKey as StoredPrimaryKey;
}

/** The row's readable columns, or undefined when there is no such row. */
export function readRow(table: StoredTable, key: Buffer, nowMs: number): Columns | undefined {
  const stored = table.get(key);
  if (stored === undefined) return undefined;
  const columns = decodeColumns(stored);
  const live = liveColumns(columns, table.meta, nowMs);
  // A row whose every version has outlived the TTL is gone, as on the service.
  return columns.size > 0 && live.size === 0 ? undefined : live;
}

export function writeRow(table: StoredTable, key: Buffer, columns: Columns): void {
  table.put(key, encodeColumns(columns));
}

export function keyOf(primaryKey: PrimaryKey): Buffer {
  return encodeKey(primaryKey);
}

/** The protobuf Condition: row existence (IGNORE 0, EXPECT_EXIST 1, EXPECT_NOT_EXIST 2) and a column filter. */
export interface RequestCondition {
  rowExistence: number;
  columnCondition?: Uint8Array | null;
}

/** Throws OTSConditionCheckFail unless the row meets the request's condition. */
export function checkCondition(condition: RequestCondition, primaryKey: StoredPrimaryKey, columns: Columns | undefined): void {
  if (condition.rowExistence === 1 && columns === undefined) throw conditionCheckFailed();
  if (condition.rowExistence === 2 && columns !== undefined) throw conditionCheckFailed();
  const filterBytes = condition.columnCondition;
  if (filterBytes === undefined || filterBytes === null || filterBytes.length === 0) return;
  const row: StoredRow | undefined = columns === undefined ? undefined : { primaryKey, columns };
  if (!matches(decodeColumnCondition(filterBytes), row)) throw conditionCheckFailed();
}
