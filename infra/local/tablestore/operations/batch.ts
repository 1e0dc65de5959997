import type { OperationContext } from '../context.ts';
import { OtsServerError, parameterInvalid } from '../errors.ts';
import { PlainBufferError } from '../plainbuffer/errors.ts';
import { FilterError } from '../filter/errors.ts';
import { decodeRow } from '../plainbuffer/decode.ts';
import type { RequestRow } from '../plainbuffer/types.ts';
import { keyOf, requireTable, type RequestCondition } from '../row-access.ts';
import { readForResponse, type ReadOptions } from './single-row.ts';
import { applyRowWrite, type RequestReturnContent } from './row-writes.ts';
import type { RowFaults } from '../faults.ts';

/**
 * BatchGetRow and BatchWriteRow. Whole-request problems (a missing table, too many rows, a repeated row
 * with a row-existence check) fail the request; a row's own failure (a condition, a bad cell) is reported in that row with
 * is_ok=false inside an HTTP 200, as the service does.
 * https://www.alibabacloud.com/help/en/tablestore/developer-reference/batchwriterow and batchgetrow
 */

const MAX_BATCH_WRITE_ROWS = 200;
const MAX_BATCH_GET_ROWS = 100;
const MAX_BATCH_WRITE_BYTES = 4 * 1024 * 1024;
const OPERATION_TYPES = { 1: 'PUT', 2: 'UPDATE', 3: 'DELETE' } as const;

/*
 * Repeated rows: the BatchWriteRow page says a request with identical primary keys in one table fails as a
 * whole, while the error-code table has "Repeated rows do not support row exist expectation check in
 * BatchModify." and the SDK's own samples/multiVersion.js writes one row ten times with IGNORE. We follow the
 * error-code table: repeats are applied in order when none checks row existence, and fail the request
 * otherwise.
 */

function rowError(error: unknown): { isOk: false; error: { code: string; message: string } } {
  if (error instanceof OtsServerError) return { isOk: false, error: { code: error.code, message: error.message } };
  if (error instanceof PlainBufferError || error instanceof FilterError) {
    return { isOk: false, error: { code: 'OTSParameterInvalid', message: error.message } };
  }
  throw error;
}

interface BatchGetRowRequest {
  tables?: (ReadOptions & { tableName: string; primaryKey?: Uint8Array[] })[];
}

export function batchGetRow(request: BatchGetRowRequest, context: OperationContext): Record<string, unknown> {
  const tables = request.tables ?? [];
  const rowCount = tables.reduce((sum, table) => sum + (table.primaryKey?.length ?? 0), 0);
  if (rowCount === 0) throw parameterInvalid('No row specified in the request of BatchGetRow.');
  if (rowCount > MAX_BATCH_GET_ROWS) {
    throw parameterInvalid(`Rows count exceeds the upper limit: ${MAX_BATCH_GET_ROWS}.`);
  }
  checkDistinctTables(tables.map((table) => table.tableName));
  const nowMs = context.now();
  return {
    tables: tables.map((tableRequest) => ({
      tableName: tableRequest.tableName,
      rows: (tableRequest.primaryKey ?? []).map((primaryKey) => {
        try {
          const table = requireTable(context, tableRequest.tableName);
          const row = readForResponse(table, primaryKey, tableRequest, nowMs);
          return { isOk: true, consumed: { capacityUnit: { read: 1, write: 0 } }, row };
        } catch (error) {
          return rowError(error);
        }
      }),
    })),
  };
}

function checkDistinctTables(names: readonly string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw parameterInvalid(`The table '${name}' appears more than once in the request.`);
    seen.add(name);
  }
}

function checkNoRepeatedRowWithExistenceCheck(rows: readonly { decoded: RequestRow; condition: RequestCondition }[]): void {
  const keys = new Map<string, number>();
  for (const row of rows) {
    // Rows with an auto-increment marker get distinct keys, so only rows with a full key can repeat.
    if (row.decoded.primaryKey.some((column) => column.value.type === 'AUTO_INCREMENT')) continue;
    const key = keyOf(row.decoded.primaryKey).toString('latin1');
    keys.set(key, (keys.get(key) ?? 0) + 1);
  }
  const repeated = rows.some(
    (row) => row.condition.rowExistence !== 0 && (keys.get(keyOf(row.decoded.primaryKey).toString('latin1')) ?? 0) > 1,
  );
  if (repeated) throw parameterInvalid('Repeated rows do not support row exist expectation check in BatchModify.');
}

interface BatchWriteRowRequest {
  tables?: {
    tableName: string;
    rows?: { type: number; rowChange: Uint8Array; condition: RequestCondition; returnContent?: RequestReturnContent | null }[];
  }[];
}

export function batchWriteRow(
  request: BatchWriteRowRequest,
  context: OperationContext,
  rowFaults: RowFaults,
): Record<string, unknown> {
  const tables = request.tables ?? [];
  if (tables.length === 0) throw parameterInvalid('No row is specified in BatchWriteRow.');
  checkDistinctTables(tables.map((table) => table.tableName));
  let rowCount = 0;
  let bytes = 0;
  for (const tableRequest of tables) {
    const rows = tableRequest.rows ?? [];
    if (rows.length === 0) throw parameterInvalid(`No operation is specified for table: '${tableRequest.tableName}'.`);
    rowCount += rows.length;
    bytes += rows.reduce((sum, row) => sum + row.rowChange.length, 0);
  }
  if (rowCount > MAX_BATCH_WRITE_ROWS) throw parameterInvalid(`Rows count exceeds the upper limit: ${MAX_BATCH_WRITE_ROWS}.`);
  if (bytes > MAX_BATCH_WRITE_BYTES) throw parameterInvalid('The total data size of BatchWriteRow request exceeds the limit.');

  const resolved = tables.map((tableRequest) => {
    const table = requireTable(context, tableRequest.tableName);
    const rows = (tableRequest.rows ?? []).map((row) => {
      try {
        return { ...row, decoded: decodeRow(Buffer.from(row.rowChange)) };
      } catch (error) {
        if (error instanceof PlainBufferError) throw parameterInvalid(error.message);
        throw error;
      }
    });
    if (rows.some((row) => row.condition.rowExistence !== 0)) checkNoRepeatedRowWithExistenceCheck(rows);
    return { table, rows, tableName: tableRequest.tableName };
  });

  return context.storage.transaction(() => ({
    tables: resolved.map(({ table, rows, tableName }) => ({
      tableName,
      rows: rows.map((row) => {
        const injected = rowFaults.pick();
        if (injected !== undefined) return rowError(injected);
        const kind = OPERATION_TYPES[row.type as keyof typeof OPERATION_TYPES];
        try {
          if (kind === undefined) throw parameterInvalid(`Unknown operation type: ${row.type}.`);
          const returned = applyRowWrite(context, table, { kind, row: row.decoded, condition: row.condition, returnContent: row.returnContent });
          return { isOk: true, consumed: { capacityUnit: { read: 0, write: 1 } }, ...(returned === undefined ? {} : { row: returned }) };
        } catch (error) {
          return rowError(error);
        }
      }),
    })),
  }));
}
