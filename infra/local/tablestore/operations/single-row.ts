import type { CellSelection } from '../cells.ts';
import { selectCells } from '../cells.ts';
import type { OperationContext } from '../context.ts';
import { filterRow, readFilterOf } from '../read-filter.ts';
import { decodePrimaryKey, decodeRow } from '../plainbuffer/decode.ts';
import { encodeRows } from '../plainbuffer/encode.ts';
import { asStoredKey, checkPrimaryKey, keyOf, readRow, requireTable, type RequestCondition } from '../row-access.ts';
import { int64ToNumber } from '../proto.ts';
import { parameterInvalid } from '../errors.ts';
import type { StoredTable } from '../storage.ts';
import { applyRowWrite, writeConsumed, type RequestReturnContent, type RowWrite } from './row-writes.ts';

/** The single-row APIs: PutRow, UpdateRow, DeleteRow, GetRow. */

interface WriteRequest {
  tableName: string;
  row?: Uint8Array;
  rowChange?: Uint8Array;
  primaryKey?: Uint8Array;
  condition: RequestCondition;
  returnContent?: RequestReturnContent | null;
}

function writeOne(kind: RowWrite['kind'], rowBytes: Uint8Array | undefined, request: WriteRequest, context: OperationContext): Record<string, unknown> {
  const table = requireTable(context, request.tableName);
  const row = decodeRow(Buffer.from(rowBytes ?? []));
  const returned = context.storage.transaction(() =>
    applyRowWrite(context, table, { kind, row, condition: request.condition, returnContent: request.returnContent }),
  );
  return returned === undefined ? { consumed: writeConsumed } : { consumed: writeConsumed, row: returned };
}

export const putRow = (request: WriteRequest, context: OperationContext) => writeOne('PUT', request.row, request, context);
export const updateRow = (request: WriteRequest, context: OperationContext) => writeOne('UPDATE', request.rowChange, request, context);
export const deleteRow = (request: WriteRequest, context: OperationContext) => writeOne('DELETE', request.primaryKey, request, context);

/** The read options GetRow, GetRange and BatchGetRow share. */
export interface ReadOptions {
  columnsToGet?: string[];
  maxVersions?: number | null;
  timeRange?: { startTime?: unknown; endTime?: unknown; specificTime?: unknown } | null;
  filter?: Uint8Array | null;
  startColumn?: string | null;
  endColumn?: string | null;
}

/** Limits from https://www.alibabacloud.com/help/en/tablestore/limits-on-widecolumn-model */
const MAX_COLUMNS_TO_GET = 128;

export function cellSelection(options: ReadOptions): CellSelection {
  const columnsToGet = options.columnsToGet ?? [];
  if (columnsToGet.length > MAX_COLUMNS_TO_GET) {
    throw parameterInvalid(`The number of columns to get exceeds the limit: ${MAX_COLUMNS_TO_GET}.`);
  }
  const range = options.timeRange;
  let timeRange: CellSelection['timeRange'];
  if (range?.specificTime !== undefined && range.specificTime !== null) {
    const at = int64ToNumber(range.specificTime);
    timeRange = { start: at, end: at + 1 };
  } else if (range?.startTime !== undefined && range.startTime !== null) {
    timeRange = { start: int64ToNumber(range.startTime), end: int64ToNumber(range.endTime ?? Number.MAX_SAFE_INTEGER) };
  }
  if (options.maxVersions !== undefined && options.maxVersions !== null && options.maxVersions <= 0) {
    throw parameterInvalid('max_versions must be greater than 0.');
  }
  if (timeRange === undefined && (options.maxVersions === undefined || options.maxVersions === null)) {
    throw parameterInvalid('Neither column time range nor max versions is specified.');
  }
  return {
    columnsToGet,
    maxVersions: options.maxVersions ?? Number.MAX_SAFE_INTEGER,
    ...(timeRange === undefined ? {} : { timeRange }),
    ...(options.startColumn ? { startColumn: options.startColumn } : {}),
    ...(options.endColumn ? { endColumn: options.endColumn } : {}),
  };
}

/**
 * One row as a read returns it, or undefined: missing rows, rows the filter rejects, and rows none of whose
 * requested columns exist (when columns were named) are not returned.
 */
export function readForResponse(
  table: StoredTable,
  primaryKeyBytes: Uint8Array,
  options: ReadOptions,
  nowMs: number,
): Uint8Array {
  const primaryKey = decodePrimaryKey(Buffer.from(primaryKeyBytes));
  checkPrimaryKey(primaryKey, table);
  const storedKey = asStoredKey(primaryKey);
  const live = readRow(table, keyOf(primaryKey), nowMs);
  const columns = live === undefined ? undefined : filterRow(readFilterOf(options.filter), storedKey, live);
  if (columns === undefined) return new Uint8Array();
  const selection = cellSelection(options);
  const cells = selectCells(columns, selection);
  if (cells.length === 0 && selection.columnsToGet.length > 0) return new Uint8Array();
  return encodeRows([{ primaryKey: storedKey, cells }]);
}

interface GetRowRequest extends ReadOptions {
  tableName: string;
  primaryKey: Uint8Array;
}

export function getRow(request: GetRowRequest, context: OperationContext): Record<string, unknown> {
  const table = requireTable(context, request.tableName);
  const row = readForResponse(table, request.primaryKey, request, context.now());
  return { consumed: { capacityUnit: { read: 1, write: 0 } }, row };
}
