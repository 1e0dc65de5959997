/**
 * A minimal typed facade over the untyped `tablestore` 5.6.5 npm SDK: only what `layers/core/src/store`
 * uses. Shapes follow the SDK's own sources (`lib/client.js`, `lib/protocol/encoder.js`,
 * `lib/protocol/decoder.js`, `lib/protocol/plain_buffer_coded_stream.js`) and were checked against the SDK
 * on the wire. It is an ambient declaration, so it is project-wide: extend this file rather than declaring
 * the module a second time.
 */
declare module 'tablestore' {
  namespace TableStore {
    /** `int64-buffer`'s Int64LE: how the SDK writes and reads INTEGER values and cell timestamps. */
    interface Int64 {
      toNumber(): number;
      toString(radix?: number): string;
      toBuffer(): Buffer;
    }

    /** The sentinels `INF_MIN`, `INF_MAX`, `PK_AUTO_INCR`: empty objects compared by identity. */
    interface Sentinel {
      readonly __tablestoreSentinel?: never;
    }

    type PrimaryKeyValue = string | Buffer | Int64 | Sentinel;
    type AttributeValue = string | number | boolean | Buffer | Int64;
    /** One single-key object per primary-key column, in schema order: `[{ waybillNo: 'x' }, { seq: Long }]`. */
    type PrimaryKey = Array<Record<string, PrimaryKeyValue>>;
    /** One single-key object per column: `[{ status: 'SCANNED' }]`. */
    type AttributeColumns = Array<Record<string, AttributeValue>>;
    /** UpdateRow cells: `[{ PUT: [{ c: v }] }, { DELETE_ALL: ['c'] }, { INCREMENT: [{ n: Long }] }]`. */
    type UpdateColumns = Array<
      | { PUT: AttributeColumns }
      | { DELETE_ALL: string[] }
      | { INCREMENT: Array<Record<string, Int64>> }
    >;

    interface ColumnCondition {
      getType(): number;
    }
    interface ReturnContent {
      returnType: number;
      returnColumns?: string[];
    }

    interface ClientConfig {
      accessKeyId: string;
      secretAccessKey: string;
      stsToken?: string;
      endpoint: string;
      instancename: string;
      /** Sets the process-global `DefaultRetryPolicy.maxRetryTimes` every time a request is constructed. */
      maxRetries?: number;
      httpOptions?: { timeout?: number; maxSockets?: number };
    }

    /** What `makeRequest` returns when given a callback: the request whose socket can be aborted. */
    interface Request {
      httpRequest: {
        /** Node's `http.ClientRequest`, set once the request is on the wire. */
        stream?: { destroy(error?: Error): void };
      };
    }

    /** The error the SDK hands to callbacks (`lib/client.js` extractError, `lib/event_listeners.js` SEND). */
    interface SdkError extends Error {
      code?: string | number;
      headers?: Record<string, string | string[] | undefined>;
      syscall?: string;
    }

    type Callback<T> = (error: SdkError | null, data: T) => void;

    interface CapacityUnit {
      read?: number;
      write?: number;
    }
    interface ConsumedCapacity {
      capacityUnit?: CapacityUnit;
    }

    interface PrimaryKeyColumn {
      name: string;
      value: string | Buffer | Int64;
    }
    interface AttributeCell {
      columnName: string;
      columnValue: string | number | boolean | Buffer | Int64;
      timestamp: Int64 | null;
    }
    interface Row {
      primaryKey: PrimaryKeyColumn[];
      attributes: AttributeCell[];
    }

    interface RowResponse {
      consumed?: ConsumedCapacity;
      /** `{}` when the row does not exist or nothing was asked back. */
      row: Row | Record<string, never>;
      RequestId?: string;
    }

    interface GetRangeResponse {
      consumed?: ConsumedCapacity;
      rows: Row[];
      nextStartPrimaryKey: PrimaryKeyColumn[] | null;
      RequestId?: string;
    }

    /** One row of a BatchGetRow or BatchWriteRow answer (`decoder.js` _parseBatchGetRowItem / _parseWriteRowItem). */
    interface BatchRowItem {
      isOk: boolean;
      errorCode: string | null;
      errorMessage: string | null;
      tableName: string;
      capacityUnit: CapacityUnit | '';
      primaryKey: PrimaryKeyColumn[] | null;
      attributes: AttributeCell[] | null;
    }

    interface BatchGetRowResponse {
      /** One array per table, in the answer's table order. */
      tables: BatchRowItem[][];
      RequestId?: string;
    }
    interface BatchWriteRowResponse {
      /** One flat array over all tables, in the answer's order. */
      tables: BatchRowItem[];
      RequestId?: string;
    }

    interface PrimaryKeySchema {
      name: string;
      type: 'INTEGER' | 'STRING' | 'BINARY';
      option?: 'AUTO_INCREMENT';
    }

    interface CreateTableParams {
      tableMeta: {
        tableName: string;
        primaryKey: PrimaryKeySchema[];
        definedColumn?: Array<{ name: string; type: number }>;
      };
      reservedThroughput: { capacityUnit: { read: number; write: number } };
      tableOptions: { timeToLive: number; maxVersions: number; maxTimeDeviation?: number; allowUpdate?: boolean };
    }

    /** The decoded protobuf `DescribeTableResponse` (enums as numbers, see `tablestore.proto`). */
    interface DescribeTableResponse {
      tableMeta: {
        tableName: string;
        primaryKey: Array<{ name: string; type: number; option?: number | null }>;
        definedColumn?: Array<{ name: string; type: number }>;
      };
      reservedThroughputDetails?: { capacityUnit?: CapacityUnit };
      tableOptions?: {
        timeToLive?: number;
        maxVersions?: number;
        deviationCellVersionInSec?: number | { toNumber(): number };
        allowUpdate?: boolean;
      };
      tableStatus?: number;
      RequestId?: string;
    }

    interface ListTableResponse {
      tableNames: string[];
      RequestId?: string;
    }

    interface ReadOptions {
      columnsToGet?: string[];
      maxVersions?: number;
      columnFilter?: ColumnCondition;
    }

    interface GetRowParams extends ReadOptions {
      tableName: string;
      primaryKey: PrimaryKey;
    }
    interface PutRowParams {
      tableName: string;
      primaryKey: PrimaryKey;
      attributeColumns: AttributeColumns;
      condition: Condition;
      returnContent?: ReturnContent;
    }
    interface UpdateRowParams {
      tableName: string;
      primaryKey: PrimaryKey;
      updateOfAttributeColumns: UpdateColumns;
      condition: Condition;
      returnContent?: ReturnContent;
    }
    interface DeleteRowParams {
      tableName: string;
      primaryKey: PrimaryKey;
      condition: Condition;
    }
    interface GetRangeParams extends ReadOptions {
      tableName: string;
      direction: 'FORWARD' | 'BACKWARD';
      inclusiveStartPrimaryKey: PrimaryKey;
      exclusiveEndPrimaryKey: PrimaryKey;
      limit?: number;
    }
    interface BatchGetRowParams {
      tables: Array<ReadOptions & { tableName: string; primaryKey: PrimaryKey[] }>;
    }
    type BatchWriteRowChange =
      | { type: 'PUT'; primaryKey: PrimaryKey; attributeColumns: AttributeColumns; condition: Condition; returnContent?: ReturnContent }
      | { type: 'UPDATE'; primaryKey: PrimaryKey; attributeColumns: UpdateColumns; condition: Condition; returnContent?: ReturnContent }
      | { type: 'DELETE'; primaryKey: PrimaryKey; attributeColumns: []; condition: Condition };
    interface BatchWriteRowParams {
      tables: Array<{ tableName: string; rows: BatchWriteRowChange[] }>;
    }

    class Client {
      constructor(config: ClientConfig);
      putRow(params: PutRowParams, callback: Callback<RowResponse>): Request;
      getRow(params: GetRowParams, callback: Callback<RowResponse>): Request;
      updateRow(params: UpdateRowParams, callback: Callback<RowResponse>): Request;
      deleteRow(params: DeleteRowParams, callback: Callback<RowResponse>): Request;
      getRange(params: GetRangeParams, callback: Callback<GetRangeResponse>): Request;
      batchGetRow(params: BatchGetRowParams, callback: Callback<BatchGetRowResponse>): Request;
      batchWriteRow(params: BatchWriteRowParams, callback: Callback<BatchWriteRowResponse>): Request;
      createTable(params: CreateTableParams, callback: Callback<unknown>): Request;
      describeTable(params: { tableName: string }, callback: Callback<DescribeTableResponse>): Request;
      listTable(params: Record<string, never>, callback: Callback<ListTableResponse>): Request;
      deleteTable(params: { tableName: string }, callback: Callback<unknown>): Request;
    }

    class Condition {
      constructor(rowExistenceExpectation: number, columnCondition: ColumnCondition | null);
    }
    class SingleColumnCondition implements ColumnCondition {
      constructor(
        columnName: string,
        columnValue: AttributeValue,
        comparator: number,
        passIfMissing?: boolean,
        latestVersionOnly?: boolean,
      );
      getType(): number;
    }
    class CompositeCondition implements ColumnCondition {
      constructor(combinator: number);
      addSubCondition(condition: ColumnCondition): void;
      getType(): number;
    }

    const Long: { fromNumber(value: number): Int64; fromString(value: string): Int64 };
    const INF_MIN: Sentinel;
    const INF_MAX: Sentinel;
    const PK_AUTO_INCR: Sentinel;
    const RowExistenceExpectation: { IGNORE: number; EXPECT_EXIST: number; EXPECT_NOT_EXIST: number };
    const ComparatorType: {
      EQUAL: number;
      NOT_EQUAL: number;
      GREATER_THAN: number;
      GREATER_EQUAL: number;
      LESS_THAN: number;
      LESS_EQUAL: number;
    };
    const LogicalOperator: { NOT: number; AND: number; OR: number };
    const ReturnType: { NONE: number; Primarykey: number; AfterModify: number };
    /** The SDK's retry policy; `maxRetryTimes` is process-global and re-assigned by every request (lib/request.js). */
    const DefaultRetryPolicy: { maxRetryTimes: number };
  }

  export = TableStore;
}

/** The SDK's compiled protobuf module; `main.proto.Error` is Tablestore's `Error{code, message}` message. */
declare module 'tablestore/lib/protocol/tablestore_compiled_proto.js' {
  interface ProtoErrorMessage {
    code: string;
    message?: string;
  }
  const compiled: {
    main: {
      proto: {
        Error: {
          create(properties: ProtoErrorMessage): ProtoErrorMessage;
          encode(message: ProtoErrorMessage): { finish(): Uint8Array };
          decode(bytes: Uint8Array): ProtoErrorMessage;
        };
      };
    };
  };
  export = compiled;
}
