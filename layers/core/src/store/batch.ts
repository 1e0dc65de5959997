import type TableStore from 'tablestore';
import {
  BatchGetRowsFailedError,
  BatchWriteRowsFailedError,
  createTablestoreError,
  mayRetry,
  TablestoreClientError,
  TablestoreError,
} from './errors.ts';
import {
  isIdempotentWrite,
  toSdkReadOptions,
  toSdkReturnContent,
  toSdkUpdateColumns,
  toSdkWriteCondition,
  type DeleteRowChange,
  type PutRowChange,
  type ReadOptions,
  type UpdateRowChange,
} from './requests.ts';
import { retryPartialFailures, type ItemResult } from './retry.ts';
import { attemptDeadline, resolveDeadline, sendOnce, type CallContext, type CallOptions } from './sdk-call.ts';
import {
  fromSdkColumns,
  toSdkAttributes,
  toSdkPrimaryKey,
  type PrimaryKey,
  type PrimaryKeyToWrite,
  type Row,
} from './values.ts';

/**
 * BatchWriteRow and BatchGetRow with per-row retries. Tablestore answers both with HTTP 200 and an outcome per
 * row (`is_ok`, `error{code,message}`); the SDK flattens them and retries none (store/README.md).
 * Here only the rows that failed with a retryable code are sent again, until the deadline; rows that failed for
 * good (e.g. `OTSConditionCheckFail`) are returned as outcomes.
 */

/** At most 200 rows per BatchWriteRow and 100 per BatchGetRow (https://www.alibabacloud.com/help/en/tablestore/limits-on-widecolumn-model). */
const maxBatchWriteRows = 200;
const maxBatchGetRows = 100;

/** One row of a BatchWriteRow: a PutRow, UpdateRow or DeleteRow on any table. */
export type BatchWriteRowChange =
  | ({ type: 'PUT' } & PutRowChange)
  | ({ type: 'UPDATE' } & UpdateRowChange)
  | ({ type: 'DELETE' } & DeleteRowChange);

export interface BatchWriteRowRequest extends CallOptions {
  /** At most 200 rows, on one or several tables; a primary key may appear once per table. */
  rows: readonly BatchWriteRowChange[];
}

/** What became of one row of a BatchWriteRow, `index` being its position in `rows`. */
export type BatchWriteRowOutcome =
  | {
      index: number;
      table: string;
      primaryKey: PrimaryKeyToWrite;
      ok: true;
      /** The returned primary key or columns, when the row asked for them. */
      row: Row | undefined;
    }
  | { index: number; table: string; primaryKey: PrimaryKeyToWrite; ok: false; error: TablestoreError };

export interface BatchWriteRowResult {
  /** One per row, in request order. A failed one failed for good, e.g. a duplicate (`ConditionCheckFailedError`). */
  outcomes: BatchWriteRowOutcome[];
}

/** The rows to read from one table, and what to read of them. */
export interface BatchGetRowTable extends ReadOptions {
  table: string;
  primaryKeys: readonly PrimaryKey[];
}

export interface BatchGetRowRequest extends CallOptions {
  /** At most 100 rows over all tables; each table once. */
  tables: readonly BatchGetRowTable[];
}

/** What became of one row of a BatchGetRow, `index` being its position over all tables' `primaryKeys`. */
export type BatchGetRowOutcome =
  | {
      index: number;
      table: string;
      primaryKey: PrimaryKey;
      ok: true;
      /** `undefined` when the row does not exist (or the filter left it out). */
      row: Row | undefined;
    }
  | { index: number; table: string; primaryKey: PrimaryKey; ok: false; error: TablestoreError };

export interface BatchGetRowResult {
  /** One per requested row, table by table in request order. A failed one failed for good. */
  outcomes: BatchGetRowOutcome[];
}

/** Writes up to 200 rows, re-sending only the rows that failed with a retryable code. See the client's TSDoc. */
export async function batchWriteRow(context: CallContext, request: BatchWriteRowRequest): Promise<BatchWriteRowResult> {
  const { rows } = request;
  if (rows.length === 0) return { outcomes: [] };
  if (rows.length > maxBatchWriteRows) {
    throw new TablestoreClientError(`BatchWriteRow takes at most ${maxBatchWriteRows} rows, got ${rows.length}`);
  }
  const sdkRows = rows.map(toSdkBatchWriteChange);
  const idempotent = rows.map((row) => request.idempotent ?? isIdempotentWrite(row));
  const deadline = resolveDeadline(context, request.deadline);

  const results = await retryPartialFailures(
    rows.length,
    async (indices) => {
      const groups = groupIndices(indices, (index) => rowAt(rows, index).table);
      const params: TableStore.BatchWriteRowParams = {
        tables: groups.map((group) => ({ tableName: group.table, rows: group.indices.map((index) => rowAt(sdkRows, index)) })),
      };
      const answer = await sendOnce(context, context.sdk.batchWriteRow, params, attemptDeadline(context, deadline));
      return matchAnswers(groups, indices, answer.tables, answer.RequestId);
    },
    {
      deadline,
      policy: context.policy,
      runtime: context.runtime,
      shouldRetry: (error, index) => mayRetry(error, rowAt(idempotent, index)),
      rejectsRequest: (error) => !error.retryable,
      asItemError: (error) => (error instanceof TablestoreError ? error : undefined),
      onRetry: request.onRetry,
    },
  );

  const outcomes = results.map((result, index): BatchWriteRowOutcome => {
    const { table, primaryKey } = rowAt(rows, index);
    return result.ok
      ? { index, table, primaryKey, ok: true, row: result.value }
      : { index, table, primaryKey, ok: false, error: result.error };
  });
  if (outcomes.some((outcome) => !outcome.ok && outcome.error.retryable)) throw new BatchWriteRowsFailedError(outcomes);
  return { outcomes };
}

/** Reads up to 100 rows, re-sending only the rows that failed with a retryable code. See the client's TSDoc. */
export async function batchGetRow(context: CallContext, request: BatchGetRowRequest): Promise<BatchGetRowResult> {
  const tableNames = request.tables.map((entry) => entry.table);
  if (new Set(tableNames).size !== tableNames.length) {
    throw new TablestoreClientError(`BatchGetRow takes each table once, got ${tableNames.join(', ')}`);
  }
  const items = request.tables.flatMap((entry, entryIndex) =>
    entry.primaryKeys.map((primaryKey) => ({ entryIndex, table: entry.table, primaryKey, sdkPrimaryKey: toSdkPrimaryKey(primaryKey) })),
  );
  if (items.length === 0) return { outcomes: [] };
  if (items.length > maxBatchGetRows) {
    throw new TablestoreClientError(`BatchGetRow takes at most ${maxBatchGetRows} rows, got ${items.length}`);
  }
  const readOptions = request.tables.map(toSdkReadOptions);
  const deadline = resolveDeadline(context, request.deadline);

  const results = await retryPartialFailures(
    items.length,
    async (indices) => {
      const groups = groupIndices(indices, (index) => rowAt(items, index).table);
      const params: TableStore.BatchGetRowParams = {
        tables: groups.map((group) => ({
          ...rowAt(readOptions, rowAt(items, rowAt(group.indices, 0)).entryIndex),
          tableName: group.table,
          primaryKey: group.indices.map((index) => rowAt(items, index).sdkPrimaryKey),
        })),
      };
      const answer = await sendOnce(context, context.sdk.batchGetRow, params, attemptDeadline(context, deadline));
      return matchAnswers(groups, indices, answer.tables.flat(), answer.RequestId);
    },
    {
      deadline,
      policy: context.policy,
      runtime: context.runtime,
      shouldRetry: (error) => mayRetry(error, true),
      rejectsRequest: (error) => !error.retryable,
      asItemError: (error) => (error instanceof TablestoreError ? error : undefined),
      onRetry: request.onRetry,
    },
  );

  const outcomes = results.map((result, index): BatchGetRowOutcome => {
    const { table, primaryKey } = rowAt(items, index);
    return result.ok
      ? { index, table, primaryKey, ok: true, row: result.value }
      : { index, table, primaryKey, ok: false, error: result.error };
  });
  if (outcomes.some((outcome) => !outcome.ok && outcome.error.retryable)) throw new BatchGetRowsFailedError(outcomes);
  return { outcomes };
}

function toSdkBatchWriteChange(change: BatchWriteRowChange): TableStore.BatchWriteRowChange {
  const primaryKey = toSdkPrimaryKey(change.primaryKey);
  const condition = toSdkWriteCondition(change);
  switch (change.type) {
    case 'PUT':
      return withReturnContent(
        { type: 'PUT', primaryKey, attributeColumns: toSdkAttributes(change.attributes ?? {}), condition },
        toSdkReturnContent(change),
      );
    case 'UPDATE':
      return withReturnContent(
        { type: 'UPDATE', primaryKey, attributeColumns: toSdkUpdateColumns(change), condition },
        toSdkReturnContent(change),
      );
    case 'DELETE':
      return { type: 'DELETE', primaryKey, attributeColumns: [], condition };
  }
}

function withReturnContent<T extends object>(change: T, returnContent: TableStore.ReturnContent | undefined): T {
  return returnContent ? { ...change, returnContent } : change;
}

interface TableGroup {
  table: string;
  indices: number[];
}

/** Groups item indices by table, tables in order of first appearance: a table may appear once per request. */
function groupIndices(indices: readonly number[], tableOf: (index: number) => string): TableGroup[] {
  const groups = new Map<string, TableGroup>();
  for (const index of indices) {
    const table = tableOf(index);
    const group = groups.get(table);
    if (group) group.indices.push(index);
    else groups.set(table, { table, indices: [index] });
  }
  return [...groups.values()];
}

/**
 * Pairs the answer's rows with the items sent. Tablestore answers each table's rows in request order
 * (BatchWriteRow/BatchGetRow API reference); tables are matched by name rather than position.
 */
function matchAnswers(
  groups: readonly TableGroup[],
  indices: readonly number[],
  answers: readonly TableStore.BatchRowItem[],
  requestId: string | undefined,
): Array<ItemResult<Row | undefined, TablestoreError>> {
  const cursors = new Map(groups.map((group) => [group.table, { indices: group.indices, next: 0 }]));
  const byIndex = new Map<number, ItemResult<Row | undefined, TablestoreError>>();
  for (const answer of answers) {
    const cursor = cursors.get(answer.tableName);
    const index = cursor?.indices[cursor.next];
    if (cursor === undefined || index === undefined) throw invalidAnswer(`an extra row for table ${answer.tableName}`, requestId);
    cursor.next += 1;
    byIndex.set(
      index,
      answer.isOk
        ? { ok: true, value: answer.primaryKey ? fromSdkColumns(answer.primaryKey, answer.attributes ?? []) : undefined }
        : {
            ok: false,
            error: createTablestoreError(answer.errorCode ?? 'UnknownError', answer.errorMessage ?? '', { requestId }),
          },
    );
  }
  return indices.map((index) => {
    const result = byIndex.get(index);
    if (result === undefined) throw invalidAnswer(`no row for item ${index}`, requestId);
    return result;
  });
}

function invalidAnswer(problem: string, requestId: string | undefined): TablestoreError {
  return new TablestoreError(`InvalidResponse: the batch answer has ${problem}`, {
    code: 'InvalidResponse',
    requestId,
    retryable: false,
  });
}

/** `array[index]` for an index known to be in range (`noUncheckedIndexedAccess` cannot see that). */
function rowAt<T>(array: readonly T[], index: number): T {
  const value = array[index];
  if (value === undefined) throw new RangeError(`No item at ${index}`);
  return value;
}
