import { columnsForPut, columnsForUpdate, type Columns } from '../cells.ts';
import type { OperationContext } from '../context.ts';
import { OtsServerError, parameterInvalid } from '../errors.ts';
import { encodePrimaryKey, encodeRows } from '../plainbuffer/encode.ts';
import type { RequestCell, RequestRow, StoredPrimaryKey } from '../plainbuffer/types.ts';
import { asStoredKey, checkCondition, checkPrimaryKey, keyOf, readRow, writeRow, type RequestCondition } from '../row-access.ts';
import type { StoredTable } from '../storage.ts';

/**
 * PutRow, UpdateRow and DeleteRow on one row: shared by the single-row APIs and by BatchWriteRow.
 * https://www.alibabacloud.com/help/en/tablestore/developer-reference/putrow (and updaterow, deleterow)
 */

/** ReturnContent: RT_NONE 0, RT_PK 1, RT_AFTER_MODIFY 2. */
export interface RequestReturnContent {
  returnType?: number;
  returnColumnNames?: string[];
}

export interface RowWrite {
  kind: 'PUT' | 'UPDATE' | 'DELETE';
  row: RequestRow;
  condition: RequestCondition;
  returnContent?: RequestReturnContent | null;
}

/** Limits from https://www.alibabacloud.com/help/en/tablestore/limits-on-widecolumn-model */
const MAX_COLUMNS_PER_WRITE = 1024;
const MAX_CELL_VALUE_BYTES = 2 * 1024 * 1024;
const MAX_ROW_BYTES = 4 * 1024 * 1024;
const COLUMN_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;

function cellSize(cell: RequestCell): number {
  const value = cell.value;
  if (value === undefined) return 0;
  if (value.type === 'STRING') return Buffer.byteLength(value.value);
  if (value.type === 'BINARY') return value.value.length;
  return 8;
}

function checkCells(row: RequestRow, table: StoredTable): void {
  if (row.cells.length > MAX_COLUMNS_PER_WRITE) {
    throw new OtsServerError(
      'OTSOutOfColumnCountLimit',
      `The number of columns from the request exceeds the limit, limit count: ${MAX_COLUMNS_PER_WRITE}, column count: ${row.cells.length}.`,
    );
  }
  const keyNames = new Set(table.meta.primaryKey.map((column) => column.name));
  let rowBytes = 0;
  for (const cell of row.cells) {
    if (!COLUMN_NAME.test(cell.name)) throw parameterInvalid(`Invalid column name: '${cell.name}'.`);
    if (keyNames.has(cell.name)) throw parameterInvalid(`Attribute column '${cell.name}' has the name of a primary key column.`);
    const size = cellSize(cell);
    if (size > MAX_CELL_VALUE_BYTES) {
      throw parameterInvalid(
        `The length of attribute column: '${cell.name}' exceeds the MaxLength:${MAX_CELL_VALUE_BYTES} with CurrentLength:${size}.`,
      );
    }
    rowBytes += size + cell.name.length;
  }
  if (rowBytes > MAX_ROW_BYTES) throw new OtsServerError('OTSOutOfRowSizeLimit', 'The total data size of columns in one row exceeds the limit.');
}

/** Replaces an auto-increment marker by the table's next value; the service allows only IGNORE then. */
function assignAutoIncrement(row: RequestRow, table: StoredTable, condition: RequestCondition, nowMs: number): StoredPrimaryKey {
  const hasMarker = row.primaryKey.some((column) => column.value.type === 'AUTO_INCREMENT');
  if (!hasMarker) return asStoredKey(row.primaryKey);
  if (condition.rowExistence !== 0) {
    throw parameterInvalid("Can't set condition when modify row with pk auto increment.");
  }
  return row.primaryKey.map((column) =>
    column.value.type === 'AUTO_INCREMENT'
      ? { name: column.name, value: { type: 'INTEGER' as const, value: table.nextAutoIncrement(nowMs) } }
      : column,
  ) as StoredPrimaryKey;
}

function returnedRow(
  returnContent: RequestReturnContent | null | undefined,
  primaryKey: StoredPrimaryKey,
  columns: Columns,
  modified: readonly string[],
): Uint8Array | undefined {
  switch (returnContent?.returnType ?? 0) {
    case 1:
      return encodePrimaryKey(primaryKey);
    case 2: {
      const wanted = new Set(returnContent?.returnColumnNames?.length ? returnContent.returnColumnNames : modified);
      const cells = modified
        .filter((name) => wanted.has(name))
        .flatMap((name) => {
          const latest = columns.get(name)?.[0];
          return latest === undefined ? [] : [{ name, ...latest }];
        });
      return encodeRows([{ primaryKey, cells }]);
    }
    default:
      return undefined;
  }
}

/**
 * Whether the write depends on the row as stored: UpdateRow changes it, and a row-existence or column
 * condition checks it. A PutRow or DeleteRow under IGNORE replaces or removes the row whatever it holds.
 */
function needsExistingRow(write: RowWrite): boolean {
  const columnCondition = write.condition.columnCondition;
  return write.kind === 'UPDATE' || write.condition.rowExistence !== 0 || (columnCondition !== undefined && columnCondition !== null && columnCondition.length > 0);
}

/** Applies one row write and returns its return-content row, or throws the error the service would. */
export function applyRowWrite(context: OperationContext, table: StoredTable, write: RowWrite): Uint8Array | undefined {
  const nowMs = context.now();
  const { row } = write;
  checkPrimaryKey(row.primaryKey, table, { autoIncrement: write.kind === 'PUT' });
  checkCells(row, table);
  const primaryKey = assignAutoIncrement(row, table, write.condition, nowMs);
  const key = keyOf(primaryKey);
  const existing = needsExistingRow(write) ? readRow(table, key, nowMs) : undefined;
  checkCondition(write.condition, primaryKey, existing);

  switch (write.kind) {
    case 'PUT': {
      const columns = columnsForPut(row.cells, table.meta, nowMs);
      writeRow(table, key, columns);
      return returnedRow(write.returnContent, primaryKey, columns, []);
    }
    case 'UPDATE': {
      if (!table.meta.allowUpdate) throw parameterInvalid('UpdateRow is not allowed on this table: allowUpdate is false.');
      const { columns, modified } = columnsForUpdate(existing ?? new Map(), row.cells, table.meta, nowMs);
      // A row left with no attribute columns by UpdateRow no longer exists (as with HBase-style stores).
      if (columns.size === 0) table.delete(key);
      else writeRow(table, key, columns);
      return returnedRow(write.returnContent, primaryKey, columns, modified);
    }
    case 'DELETE':
      table.delete(key);
      return returnedRow(write.returnContent, primaryKey, new Map(), []);
  }
}

/** Capacity units a single-row write reports: 1 write CU, as the service rounds a small row. */
export const writeConsumed = { capacityUnit: { read: 0, write: 1 } };
