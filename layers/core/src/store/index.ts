export { createTablestoreClient } from './tablestore-client.ts';
export type {
  CapacityUnits,
  CreateTableRequest,
  DeleteRowRequest,
  GetRangeRequest,
  GetRangeResult,
  GetRowRequest,
  PrimaryKeyType,
  PutRowRequest,
  TableDescription,
  TablestoreClient,
  TablestoreClientConfig,
  UpdateRowRequest,
  WriteRowResult,
} from './tablestore-client.ts';
export type {
  BatchGetRowOutcome,
  BatchGetRowRequest,
  BatchGetRowResult,
  BatchGetRowTable,
  BatchWriteRowChange,
  BatchWriteRowOutcome,
  BatchWriteRowRequest,
  BatchWriteRowResult,
} from './batch.ts';
export type { CallOptions, ResolvedCallOptions } from './sdk-call.ts';
export type { DeleteRowChange, PutRowChange, ReadOptions, UpdateRowChange, WriteCondition } from './requests.ts';
export type { ColumnCondition, Comparator, RowExistence } from './conditions.ts';
export {
  AUTO_INCREMENT,
  double,
  Double,
  INF_MAX,
  INF_MIN,
  type Attributes,
  type AttributeValue,
  type Cell,
  type PrimaryKey,
  type PrimaryKeyBound,
  type PrimaryKeyToWrite,
  type PrimaryKeyValue,
  type Row,
} from './values.ts';
export {
  AuthFailedError,
  BatchGetRowsFailedError,
  BatchWriteRowsFailedError,
  ConditionCheckFailedError,
  createTablestoreError,
  decodeSdkError,
  mayRetry,
  NetworkingError,
  ObjectAlreadyExistError,
  ObjectNotExistError,
  ParameterInvalidError,
  ServerBusyError,
  ServiceUnavailableError,
  TablestoreClientError,
  TablestoreError,
  TablestoreTimeoutError,
  type TablestoreErrorDetails,
} from './errors.ts';
export {
  defaultRetryPolicy,
  fullJitterDelay,
  retryPartialFailures,
  retryWithBackoff,
  systemRuntime,
  waitForNextAttempt,
  type ItemResult,
  type PartialRetryOptions,
  type RetryListener,
  type RetryOptions,
  type RetryPolicy,
  type RetryRuntime,
} from './retry.ts';
export { isOtsErrorCode, otsErrorCodes, type OtsErrorCode } from './ots-error-codes.ts';
