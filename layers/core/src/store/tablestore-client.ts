import TableStore from 'tablestore';
import { endBufferDeprecationChecks } from './buffer-deprecation-checks.ts';
import { batchGetRow, batchWriteRow, type BatchGetRowRequest, type BatchGetRowResult, type BatchWriteRowRequest, type BatchWriteRowResult } from './batch.ts';
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
import { defaultRetryPolicy, systemRuntime, type RetryPolicy, type RetryRuntime } from './retry.ts';
import { callWithRetries, resolveDeadline, type CallContext, type CallOptions, type ResolvedCallOptions } from './sdk-call.ts';
import {
  fromSdkPrimaryKey,
  fromSdkRow,
  toSdkAttributes,
  toSdkPrimaryKey,
  type PrimaryKey,
  type PrimaryKeyBound,
  type PrimaryKeyValue,
  type Row,
} from './values.ts';

export interface TablestoreClientConfig {
  /** `https://<instance>.<region>.ots.aliyuncs.com`, or the local server's URL. */
  endpoint: string;
  instanceName: string;
  accessKeyId: string;
  accessKeySecret: string;
  /** The STS token of temporary credentials (an FC function role's), sent as `x-ots-ststoken`. */
  stsToken?: string;
  retry?: Partial<RetryPolicy> & {
    /** The deadline of a call that gives none: this many ms after it starts. Default 10 000. */
    defaultTimeoutMs?: number;
    /** Abandon (and retry, if safe) an attempt that takes longer than this. Default: only the deadline limits it. */
    attemptTimeoutMs?: number;
  };
  /** Clock, sleep and randomness of the retry loop; tests pass fakes. */
  runtime?: RetryRuntime;
}

/** Capacity units a call consumed. */
export interface CapacityUnits {
  read: number;
  write: number;
}

export interface WriteRowResult {
  /** The returned primary key or columns, when the request asked for them. */
  row: Row | undefined;
  consumed: CapacityUnits;
}

export type PutRowRequest = PutRowChange & CallOptions;
export type UpdateRowRequest = UpdateRowChange & CallOptions;
export type DeleteRowRequest = DeleteRowChange & CallOptions;

export interface GetRowRequest extends ReadOptions, CallOptions {
  table: string;
  primaryKey: PrimaryKey;
}

export interface GetRangeRequest extends ReadOptions, CallOptions {
  table: string;
  /** Inclusive; every primary-key column, each a value, {@link INF_MIN} or {@link INF_MAX}. */
  start: PrimaryKeyBound;
  /** Exclusive. */
  end: PrimaryKeyBound;
  /** Default `'FORWARD'` (start below end); `'BACKWARD'` needs start above end. */
  direction?: 'FORWARD' | 'BACKWARD';
  /** Rows per request; Tablestore also stops a page at 5000 rows or 4 MB. */
  limit?: number;
}

export interface GetRangeResult {
  rows: Row[];
  /** Where the next page starts; `undefined` when the range is done. Not reaching `limit` does not mean done. */
  nextStartPrimaryKey: Record<string, PrimaryKeyValue> | undefined;
  consumed: CapacityUnits;
}

export type PrimaryKeyType = 'STRING' | 'INTEGER' | 'BINARY';

export interface CreateTableRequest extends CallOptions {
  table: string;
  /** 1 to 4 columns; the first is the partition key; at most one INTEGER, not the first, may auto-increment. */
  primaryKey: ReadonlyArray<{ name: string; type: PrimaryKeyType; autoIncrement?: boolean }>;
  /** Seconds a version lives: -1 (default) for ever, else at least 86 400. */
  timeToLiveSeconds?: number;
  /** Versions kept per column; default 1. */
  maxVersions?: number;
  /** How far a client-given version timestamp may be from now. */
  maxTimeDeviationSeconds?: number;
  /** Reserved read/write capacity units; default 0/0 (on-demand). */
  reservedThroughput?: CapacityUnits;
}

export interface TableDescription {
  table: string;
  primaryKey: Array<{ name: string; type: PrimaryKeyType; autoIncrement: boolean }>;
  timeToLiveSeconds: number;
  maxVersions: number;
  maxTimeDeviationSeconds: number;
  reservedThroughput: CapacityUnits;
  status: 'ACTIVE' | 'INACTIVE' | 'LOADING' | 'UNLOADING' | 'UPDATING' | undefined;
}

/**
 * Promise-based, typed Tablestore calls that retry what may be retried. Every call takes a `deadline`
 * (see {@link CallOptions}) and throws a {@link TablestoreError} subclass.
 */
export interface TablestoreClient {
  /**
   * Writes a whole row. With `rowExistence: 'EXPECT_NOT_EXIST'` the first writer wins and a resend fails with
   * `ConditionCheckFailedError`.
   *
   * @example
   * ```ts
   * await store.putRow({
   *   table: 'scan_events',
   *   primaryKey: { partition: waybillPartition(waybillNo), waybillNo, eventKey: 'demo/e-1' },
   *   attributes: { type: 'ARRIVED', occurredAt: 1764050580000, facilityCode: 'SH-PD-01', weightKg: double(1.25) },
   *   rowExistence: 'EXPECT_NOT_EXIST',
   *   deadline,
   * });
   * ```
   */
  putRow(request: PutRowRequest): Promise<WriteRowResult>;

  /**
   * Reads one row; `undefined` when it does not exist.
   *
   * @example
   * ```ts
   * const parcel = await store.getRow({ table: 'parcels', primaryKey: { partition, waybillNo }, columns: ['status'] });
   * ```
   */
  getRow(request: GetRowRequest): Promise<Row | undefined>;

  /**
   * Changes some columns of a row (creating it under `'IGNORE'`).
   *
   * @example
   * ```ts
   * const { row } = await store.updateRow({
   *   table: 'waybill_blocks',
   *   primaryKey: { counter: 'waybill-3' },
   *   increment: { issued: 10_000 },
   *   returnColumns: ['issued'],
   * });
   * ```
   */
  updateRow(request: UpdateRowRequest): Promise<WriteRowResult>;

  /**
   * Deletes a row (every column and version).
   *
   * @example
   * ```ts
   * await store.deleteRow({ table: 'parcels', primaryKey: { partition, waybillNo }, rowExistence: 'EXPECT_EXIST' });
   * ```
   */
  deleteRow(request: DeleteRowRequest): Promise<WriteRowResult>;

  /**
   * Reads one page of a primary-key range.
   *
   * @example
   * ```ts
   * const page = await store.getRange({
   *   table: 'scan_events',
   *   start: { partition, waybillNo, eventKey: INF_MIN },
   *   end: { partition, waybillNo, eventKey: INF_MAX },
   *   limit: 100,
   * });
   * ```
   */
  getRange(request: GetRangeRequest): Promise<GetRangeResult>;

  /**
   * Reads a whole range, page after page (following `nextStartPrimaryKey`), yielding rows as they come;
   * `limit` is the page size. The deadline covers the whole iteration.
   *
   * @example
   * ```ts
   * for await (const scanEvent of store.iterateRange({ table: 'scan_events', start, end, deadline })) {
   *   timeline.push(scanEvent.attributes);
   * }
   * ```
   */
  iterateRange(request: GetRangeRequest): AsyncGenerator<Row, void, undefined>;

  /**
   * Reads up to 100 rows from one or more tables; re-sends only the rows that failed with a retryable code and
   * throws `BatchGetRowsFailedError` if some still fail at the deadline.
   *
   * @example
   * ```ts
   * const { outcomes } = await store.batchGetRow({
   *   tables: [{ table: 'parcels', primaryKeys: waybillNos.map((waybillNo) => ({ partition: waybillPartition(waybillNo), waybillNo })) }],
   * });
   * ```
   */
  batchGetRow(request: BatchGetRowRequest): Promise<BatchGetRowResult>;

  /**
   * Writes up to 200 rows on one or more tables. Re-sends only the rows that failed with a retryable code
   * (and, when a failure may have been applied, only idempotent rows); returns one outcome per row, failed ones
   * included when they failed for good (`ConditionCheckFailedError` = duplicate). Throws
   * `BatchWriteRowsFailedError`, with every outcome, if some rows still fail retryably at the deadline.
   *
   * @example
   * ```ts
   * const { outcomes } = await store.batchWriteRow({
   *   rows: scanEvents.map((scanEvent) => ({
   *     type: 'PUT',
   *     table: 'scan_events',
   *     primaryKey: { partition: waybillPartition(scanEvent.waybillNo), waybillNo: scanEvent.waybillNo, eventKey: scanEventKey('demo', scanEvent.eventId) },
   *     attributes: { type: scanEvent.type, occurredAt: scanEvent.occurredAtMs },
   *     rowExistence: 'EXPECT_NOT_EXIST',
   *   })),
   *   deadline,
   * });
   * const duplicates = outcomes.filter((o) => !o.ok && o.error instanceof ConditionCheckFailedError);
   * ```
   */
  batchWriteRow(request: BatchWriteRowRequest): Promise<BatchWriteRowResult>;

  /**
   * Creates a table. Not retried after a failure that may have been applied: a resend would fail with
   * `ObjectAlreadyExistError`.
   *
   * @example
   * ```ts
   * await store.createTable({
   *   table: 'scan_events',
   *   primaryKey: [{ name: 'partition', type: 'STRING' }, { name: 'waybillNo', type: 'STRING' }, { name: 'eventKey', type: 'STRING' }],
   * });
   * ```
   */
  createTable(request: CreateTableRequest): Promise<void>;

  /**
   * Describes a table; `ObjectNotExistError` if it does not exist.
   *
   * @example
   * ```ts
   * const { primaryKey } = await store.describeTable({ table: 'scan_events' });
   * ```
   */
  describeTable(request: { table: string } & CallOptions): Promise<TableDescription>;

  /**
   * Lists the instance's table names.
   *
   * @example
   * ```ts
   * const exists = (await store.listTable()).includes('scan_events');
   * ```
   */
  listTable(options?: CallOptions): Promise<string[]>;

  /**
   * Deletes a table and its data.
   *
   * @example
   * ```ts
   * await store.deleteTable({ table: 'scan_event_test' });
   * ```
   */
  deleteTable(request: { table: string } & CallOptions): Promise<void>;
}

const primaryKeyTypes: Readonly<Record<number, PrimaryKeyType>> = { 1: 'INTEGER', 2: 'STRING', 3: 'BINARY' };
/**
 * `PrimaryKeyOption.AUTO_INCREMENT`. protobufjs gives an absent proto2 optional enum its first value as a
 * prototype default, which here is AUTO_INCREMENT itself: only an own `option` property was on the wire.
 */
const autoIncrementOption = 1;
const tableStatuses: Readonly<Record<number, NonNullable<TableDescription['status']>>> = {
  1: 'ACTIVE',
  2: 'INACTIVE',
  3: 'LOADING',
  4: 'UNLOADING',
  5: 'UPDATING',
};

/**
 * Creates the Tablestore client every function uses.
 *
 * The SDK's own retry loop is switched off (`maxRetries: 0`) and this client owns retries. The SDK keeps that
 * setting in a process-global, `TableStore.DefaultRetryPolicy.maxRetryTimes`, which every request re-assigns
 * from its client's config when constructed (`lib/request.js`), and reads when it decides on a retry. With 0 it
 * sends each request once (`lib/retry/default_retry_policy.js`: `retryTimes >= maxRetryTimes`), and the SDK
 * never retries writes anyway. So no other `TableStore.Client` with `maxRetries` may be built in the same
 * process: the last request constructed wins for all requests in flight (verified: with clients at 0 and 2
 * interleaved, both got 3 attempts).
 *
 * @example
 * ```ts
 * const store = createTablestoreClient({
 *   endpoint: process.env.TABLESTORE_ENDPOINT!,
 *   instanceName: process.env.TABLESTORE_INSTANCE!,
 *   accessKeyId: context.credentials.accessKeyId,
 *   accessKeySecret: context.credentials.accessKeySecret,
 *   stsToken: context.credentials.securityToken,
 * });
 * const deadline = Date.now() + timeoutMs - 500;
 * await store.putRow({ table: 'scan_events', primaryKey, attributes, rowExistence: 'EXPECT_NOT_EXIST', deadline });
 * ```
 */
export function createTablestoreClient(config: TablestoreClientConfig): TablestoreClient {
  endBufferDeprecationChecks();
  const { defaultTimeoutMs = 10_000, attemptTimeoutMs, ...policy } = config.retry ?? {};
  const context: CallContext = {
    sdk: new TableStore.Client({
      accessKeyId: config.accessKeyId,
      secretAccessKey: config.accessKeySecret,
      ...(config.stsToken === undefined ? {} : { stsToken: config.stsToken }),
      endpoint: config.endpoint,
      instancename: config.instanceName,
      maxRetries: 0,
    }),
    policy: { ...defaultRetryPolicy, ...policy },
    runtime: config.runtime ?? systemRuntime,
    defaultTimeoutMs,
    attemptTimeoutMs,
  };

  async function getRange(request: GetRangeRequest): Promise<GetRangeResult> {
    const params: TableStore.GetRangeParams = {
      ...toSdkReadOptions(request),
      tableName: request.table,
      direction: request.direction ?? 'FORWARD',
      inclusiveStartPrimaryKey: toSdkPrimaryKey(request.start),
      exclusiveEndPrimaryKey: toSdkPrimaryKey(request.end),
      ...(request.limit === undefined ? {} : { limit: request.limit }),
    };
    const data = await callWithRetries(context, context.sdk.getRange, params, readOptions(request));
    return {
      rows: data.rows.flatMap((row) => fromSdkRow(row) ?? []),
      nextStartPrimaryKey: data.nextStartPrimaryKey ? fromSdkPrimaryKey(data.nextStartPrimaryKey) : undefined,
      consumed: capacityUnits(data.consumed),
    };
  }

  return {
    async putRow(request) {
      const returnContent = toSdkReturnContent(request);
      const data = await callWithRetries(
        context,
        context.sdk.putRow,
        {
          tableName: request.table,
          primaryKey: toSdkPrimaryKey(request.primaryKey),
          attributeColumns: toSdkAttributes(request.attributes ?? {}),
          condition: toSdkWriteCondition(request),
          ...(returnContent ? { returnContent } : {}),
        },
        resolveOptions(request, isIdempotentWrite({ type: 'PUT', ...request })),
      );
      return { row: fromSdkRow(data.row), consumed: capacityUnits(data.consumed) };
    },

    async getRow(request) {
      const data = await callWithRetries(
        context,
        context.sdk.getRow,
        { ...toSdkReadOptions(request), tableName: request.table, primaryKey: toSdkPrimaryKey(request.primaryKey) },
        readOptions(request),
      );
      return fromSdkRow(data.row);
    },

    async updateRow(request) {
      const returnContent = toSdkReturnContent(request);
      const data = await callWithRetries(
        context,
        context.sdk.updateRow,
        {
          tableName: request.table,
          primaryKey: toSdkPrimaryKey(request.primaryKey),
          updateOfAttributeColumns: toSdkUpdateColumns(request),
          condition: toSdkWriteCondition(request),
          ...(returnContent ? { returnContent } : {}),
        },
        resolveOptions(request, isIdempotentWrite({ type: 'UPDATE', ...request })),
      );
      return { row: fromSdkRow(data.row), consumed: capacityUnits(data.consumed) };
    },

    async deleteRow(request) {
      const data = await callWithRetries(
        context,
        context.sdk.deleteRow,
        {
          tableName: request.table,
          primaryKey: toSdkPrimaryKey(request.primaryKey),
          condition: toSdkWriteCondition(request),
        },
        resolveOptions(request, true),
      );
      return { row: fromSdkRow(data.row), consumed: capacityUnits(data.consumed) };
    },

    getRange,

    async *iterateRange(request) {
      const deadline = resolveDeadline(context, request.deadline);
      let start: PrimaryKeyBound = request.start;
      for (;;) {
        const page = await getRange({ ...request, start, deadline });
        yield* page.rows;
        if (page.nextStartPrimaryKey === undefined) return;
        start = page.nextStartPrimaryKey;
      }
    },

    batchGetRow: (request) => batchGetRow(context, request),

    batchWriteRow: (request) => batchWriteRow(context, request),

    async createTable(request) {
      await callWithRetries(
        context,
        context.sdk.createTable,
        {
          tableMeta: {
            tableName: request.table,
            primaryKey: request.primaryKey.map(({ name, type, autoIncrement }) =>
              autoIncrement ? { name, type, option: 'AUTO_INCREMENT' as const } : { name, type },
            ),
          },
          reservedThroughput: { capacityUnit: request.reservedThroughput ?? { read: 0, write: 0 } },
          tableOptions: {
            timeToLive: request.timeToLiveSeconds ?? -1,
            maxVersions: request.maxVersions ?? 1,
            ...(request.maxTimeDeviationSeconds === undefined ? {} : { maxTimeDeviation: request.maxTimeDeviationSeconds }),
          },
        },
        resolveOptions(request, false),
      );
    },

    async describeTable(request) {
      const data = await callWithRetries(
        context,
        context.sdk.describeTable,
        { tableName: request.table },
        readOptions(request),
      );
      const deviation = data.tableOptions?.deviationCellVersionInSec;
      return {
        table: data.tableMeta.tableName,
        primaryKey: data.tableMeta.primaryKey.map((column) => ({
          name: column.name,
          type: primaryKeyTypes[column.type] ?? 'STRING',
          autoIncrement: Object.hasOwn(column, 'option') && column.option === autoIncrementOption,
        })),
        timeToLiveSeconds: data.tableOptions?.timeToLive ?? -1,
        maxVersions: data.tableOptions?.maxVersions ?? 1,
        maxTimeDeviationSeconds: typeof deviation === 'object' ? deviation.toNumber() : (deviation ?? 0),
        reservedThroughput: capacityUnits({ capacityUnit: data.reservedThroughputDetails?.capacityUnit ?? {} }),
        status: data.tableStatus === undefined ? undefined : tableStatuses[data.tableStatus],
      };
    },

    async listTable(options = {}) {
      const data = await callWithRetries(
        context,
        context.sdk.listTable,
        {},
        readOptions(options),
      );
      return [...data.tableNames];
    },

    async deleteTable(request) {
      await callWithRetries(context, context.sdk.deleteTable, { tableName: request.table }, resolveOptions(request, false));
    },
  };

  function resolveOptions(options: CallOptions, idempotent: boolean): ResolvedCallOptions {
    return { deadline: resolveDeadline(context, options.deadline), idempotent: options.idempotent ?? idempotent, onRetry: options.onRetry };
  }

  /** Reads are idempotent unless the caller says otherwise. */
  function readOptions(options: CallOptions): ResolvedCallOptions {
    return resolveOptions(options, true);
  }
}

function capacityUnits(consumed: TableStore.ConsumedCapacity | undefined): CapacityUnits {
  return { read: consumed?.capacityUnit?.read ?? 0, write: consumed?.capacityUnit?.write ?? 0 };
}
