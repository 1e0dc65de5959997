import compiledProto from 'tablestore/lib/protocol/tablestore_compiled_proto.js';
import type { BatchGetRowOutcome, BatchWriteRowOutcome } from './batch.ts';
import { isOtsErrorCode, otsErrorCodes } from './ots-error-codes.ts';

/** What every {@link TablestoreError} carries besides its message. */
export interface TablestoreErrorDetails {
  /** The OTS code (`'OTSConditionCheckFail'`), or `'NetworkingError'`, `'TimeoutError'`, `'ClientError'`, … */
  code: string;
  /** The HTTP status Tablestore answers this code with; `undefined` for transport and client-side errors. */
  httpStatus?: number | undefined;
  /** Tablestore's `x-ots-requestid`: quote it in a support ticket. */
  requestId?: string | undefined;
  /** Whether the same request may succeed if sent again later. */
  retryable: boolean;
  /** Whether the request may have been applied although it failed (see {@link TablestoreError.outcomeUnknown}). */
  outcomeUnknown?: boolean;
  cause?: unknown;
}

/**
 * Base class of every error the Tablestore client throws. Catch it to handle any Tablestore failure; catch a
 * subclass to handle one failure.
 *
 * @example
 * ```ts
 * try {
 *   await store.putRow({ table: 'scan_events', primaryKey, attributes, rowExistence: 'EXPECT_NOT_EXIST' });
 * } catch (error) {
 *   if (error instanceof TablestoreError) logger.warn({ code: error.code, requestId: error.requestId });
 *   throw error;
 * }
 * ```
 */
export class TablestoreError extends Error {
  override name = 'TablestoreError';
  readonly code: string;
  readonly httpStatus: number | undefined;
  readonly requestId: string | undefined;
  readonly retryable: boolean;
  /**
   * True when the request may have been applied although it failed: an internal server timeout or error
   * (the official SDKs retry `OTSTimeout`, `OTSInternalServerError`, `OTSServerUnavailable` only for read
   * APIs, `lib/retry/retry_util.js` shouldRetryWhenApiRepeatable), a socket that failed after sending, or a
   * deadline that cut an attempt in flight. The client re-sends such requests only when they are idempotent.
   */
  readonly outcomeUnknown: boolean;
  /** How many times the request was sent before this error was thrown (set by the retry loop; 1 on batch errors). */
  attempts = 1;

  constructor(message: string, details: TablestoreErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = details.code;
    this.httpStatus = details.httpStatus;
    this.requestId = details.requestId;
    this.retryable = details.retryable;
    this.outcomeUnknown = details.outcomeUnknown ?? false;
  }
}

/**
 * `OTSConditionCheckFail`: the row-existence or column condition did not hold, nothing was written. A PutRow
 * with `rowExistence: 'EXPECT_NOT_EXIST'` fails this way when the row is already there: treat it as a duplicate.
 *
 * @example
 * ```ts
 * try {
 *   await store.putRow({ table: 'scan_events', primaryKey, attributes, rowExistence: 'EXPECT_NOT_EXIST' });
 * } catch (error) {
 *   if (!(error instanceof ConditionCheckFailedError)) throw error;
 *   return { duplicate: true };
 * }
 * ```
 */
export class ConditionCheckFailedError extends TablestoreError {
  override name = 'ConditionCheckFailedError';
}

/** `OTSObjectNotExist`: the table does not exist in this instance. */
export class ObjectNotExistError extends TablestoreError {
  override name = 'ObjectNotExistError';
}

/** `OTSObjectAlreadyExist`: CreateTable for a table that exists. */
export class ObjectAlreadyExistError extends TablestoreError {
  override name = 'ObjectAlreadyExistError';
}

/**
 * The request itself is wrong and will fail again unchanged: `OTSParameterInvalid`, `OTSInvalidPK` (primary key
 * does not match the schema), `OTSOutOfColumnCountLimit`, `OTSOutOfRowSizeLimit`, `OTSRequestBodyTooLarge`.
 */
export class ParameterInvalidError extends TablestoreError {
  override name = 'ParameterInvalidError';
}

/** `OTSAuthFailed` or `OTSNoPermissionAccess`: wrong key pair, instance, clock skew or RAM permission. */
export class AuthFailedError extends TablestoreError {
  override name = 'AuthFailedError';
}

/**
 * Tablestore shed the request before running it: `OTSServerBusy` and the throttling codes
 * (`OTSNotEnoughCapacityUnit`, `OTSOperationThrottled`, `OTSFlowControl`,
 * `OTSTooFrequentReservedThroughputAdjustment`). Retryable; the client already retried it until the deadline.
 */
export class ServerBusyError extends TablestoreError {
  override name = 'ServerBusyError';
}

/**
 * A transient server-side failure: `OTSPartitionUnavailable`, `OTSTableNotReady`, `OTSRowOperationConflict`,
 * `OTSRequestTimeout`, and the ones whose outcome is unknown (`OTSTimeout`, `OTSInternalServerError`,
 * `OTSServerUnavailable`). Retryable; the client already retried it until the deadline.
 */
export class ServiceUnavailableError extends TablestoreError {
  override name = 'ServiceUnavailableError';
}

/** The socket failed (`code: 'NetworkingError'`). `outcomeUnknown` is false only when the connection was never made. */
export class NetworkingError extends TablestoreError {
  override name = 'NetworkingError';
}

/** An attempt ran out of time (`code: 'TimeoutError'`): the call's deadline, or the per-attempt timeout, cut it. */
export class TablestoreTimeoutError extends TablestoreError {
  override name = 'TablestoreTimeoutError';
}

/**
 * The request never reached Tablestore (`code: 'ClientError'`): the SDK could not encode it, or it breaks a
 * documented limit the client checks first (200 rows per BatchWriteRow, 100 per BatchGetRow).
 */
export class TablestoreClientError extends TablestoreError {
  override name = 'TablestoreClientError';

  constructor(message: string, cause?: unknown) {
    super(message, { code: 'ClientError', retryable: false, cause });
  }
}

/**
 * Some rows of a BatchWriteRow still failed with a retryable code when the deadline came (or could not be
 * re-sent safely, see {@link TablestoreError.outcomeUnknown}). `outcomes` holds every row's outcome in request
 * order, so the rows that were written, and the ones that failed for good (duplicates), are still known.
 *
 * @example
 * ```ts
 * try {
 *   await store.batchWriteRow({ rows, deadline });
 * } catch (error) {
 *   if (error instanceof BatchWriteRowsFailedError) {
 *     logger.warn({ failed: error.failedRows.map((row) => [row.index, row.error.code]) });
 *   }
 *   throw error; // let the queue redeliver the message
 * }
 * ```
 */
export class BatchWriteRowsFailedError extends TablestoreError {
  override name = 'BatchWriteRowsFailedError';
  readonly outcomes: readonly BatchWriteRowOutcome[];
  readonly failedRows: ReadonlyArray<Extract<BatchWriteRowOutcome, { ok: false }>>;

  constructor(outcomes: readonly BatchWriteRowOutcome[]) {
    const failedRows = outcomes.filter(
      (outcome): outcome is Extract<BatchWriteRowOutcome, { ok: false }> => !outcome.ok && outcome.error.retryable,
    );
    super(describeFailedRows('BatchWriteRow', failedRows, outcomes.length), {
      code: 'BatchWriteRowsFailed',
      retryable: true,
      outcomeUnknown: failedRows.some((row) => row.error.outcomeUnknown),
    });
    this.outcomes = outcomes;
    this.failedRows = failedRows;
  }
}

/** Some rows of a BatchGetRow still failed with a retryable code when the deadline came. */
export class BatchGetRowsFailedError extends TablestoreError {
  override name = 'BatchGetRowsFailedError';
  readonly outcomes: readonly BatchGetRowOutcome[];
  readonly failedRows: ReadonlyArray<Extract<BatchGetRowOutcome, { ok: false }>>;

  constructor(outcomes: readonly BatchGetRowOutcome[]) {
    const failedRows = outcomes.filter(
      (outcome): outcome is Extract<BatchGetRowOutcome, { ok: false }> => !outcome.ok && outcome.error.retryable,
    );
    super(describeFailedRows('BatchGetRow', failedRows, outcomes.length), {
      code: 'BatchGetRowsFailed',
      retryable: true,
    });
    this.outcomes = outcomes;
    this.failedRows = failedRows;
  }
}

function describeFailedRows(
  operation: string,
  failedRows: ReadonlyArray<{ index: number; error: TablestoreError }>,
  total: number,
): string {
  const codes = [...new Set(failedRows.map((row) => row.error.code))].join(', ');
  return `${operation}: ${failedRows.length} of ${total} rows still failed after retries (${codes})`;
}

/**
 * Whether a request that failed with `error` may be sent again: only for retryable codes, and when the first
 * request may have been applied, only if sending it twice leaves the same state.
 */
export function mayRetry(error: TablestoreError, idempotent: boolean): boolean {
  return error.retryable && (idempotent || !error.outcomeUnknown);
}

type TablestoreErrorClass = new (message: string, details: TablestoreErrorDetails) => TablestoreError;

const errorClassByCode: Readonly<Record<string, TablestoreErrorClass>> = {
  OTSConditionCheckFail: ConditionCheckFailedError,
  OTSObjectNotExist: ObjectNotExistError,
  OTSObjectAlreadyExist: ObjectAlreadyExistError,
  OTSParameterInvalid: ParameterInvalidError,
  OTSInvalidPK: ParameterInvalidError,
  OTSOutOfColumnCountLimit: ParameterInvalidError,
  OTSOutOfRowSizeLimit: ParameterInvalidError,
  OTSRequestBodyTooLarge: ParameterInvalidError,
  OTSAuthFailed: AuthFailedError,
  OTSNoPermissionAccess: AuthFailedError,
  OTSServerBusy: ServerBusyError,
  OTSNotEnoughCapacityUnit: ServerBusyError,
  OTSOperationThrottled: ServerBusyError,
  OTSFlowControl: ServerBusyError,
  OTSTooFrequentReservedThroughputAdjustment: ServerBusyError,
  OTSPartitionUnavailable: ServiceUnavailableError,
  OTSTableNotReady: ServiceUnavailableError,
  OTSRowOperationConflict: ServiceUnavailableError,
  OTSRequestTimeout: ServiceUnavailableError,
  OTSTimeout: ServiceUnavailableError,
  OTSInternalServerError: ServiceUnavailableError,
  OTSServerUnavailable: ServiceUnavailableError,
};

/** Codes after which a write may have been applied: the ones the SDKs retry only for read APIs (retry_util.js). */
const outcomeUnknownCodes: ReadonlySet<string> = new Set(['OTSTimeout', 'OTSInternalServerError', 'OTSServerUnavailable']);

/** HTTP statuses after which a body-less answer (a gateway's, not Tablestore's) is worth one more try. */
const transientStatuses: ReadonlySet<number> = new Set([500, 502, 503, 504]);

/**
 * Builds the typed error for an OTS code, from a failed request or from one row of a batch answer.
 *
 * @example
 * ```ts
 * const error = createTablestoreError('OTSConditionCheckFail', 'Condition check failed.', { requestId });
 * error instanceof ConditionCheckFailedError; // true
 * error.httpStatus; // 403
 * ```
 */
export function createTablestoreError(
  code: string,
  serverMessage: string,
  context: { httpStatus?: number | undefined; requestId?: string | undefined } = {},
): TablestoreError {
  const known = isOtsErrorCode(code) ? otsErrorCodes[code] : undefined;
  const httpStatus = context.httpStatus ?? known?.status;
  const retryable = known
    ? known.retryable && (code !== 'OTSQuotaExhausted' || serverMessage === 'Too frequent table operations.')
    : httpStatus !== undefined && transientStatuses.has(httpStatus);
  const ErrorClass = errorClassByCode[code] ?? TablestoreError;
  return new ErrorClass(serverMessage === '' ? code : `${code}: ${serverMessage}`, {
    code,
    httpStatus,
    requestId: context.requestId,
    retryable,
    outcomeUnknown: outcomeUnknownCodes.has(code) || (!known && retryable),
  });
}

/** The codes `lib/client.js` extractError gives a 304/400/403/404 answer with an empty body. */
const emptyBodyStatuses: Readonly<Record<string, number>> = {
  NotModified: 304,
  BadRequest: 400,
  Forbidden: 403,
  NotFound: 404,
};

/** Errors from `connect`/DNS: the request never left this machine. */
const notSentPattern = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN)\b/;

const requestIdMarker = ' requestId:';

/**
 * Turns whatever the `tablestore` SDK rejected with into a typed {@link TablestoreError}.
 *
 * The SDK never parses Tablestore's protobuf `Error{code, message}` body (`lib/client.js` extractError calls a
 * `TableStore.XML.Parser` that does not exist): it sets `err.code` to the HTTP status number and `err.message`
 * to the body bytes read as UTF-8 plus `" requestId:<id>"`. This decodes that body with the SDK's own compiled
 * proto, and falls back to finding the `OTS…` code in the text. A 304/400/403/404 with an empty body arrives as
 * `err.code = 'NotModified' | 'BadRequest' | 'Forbidden' | 'NotFound'`; socket failures as `'NetworkingError'`
 * (the SDK's `httpOptions.timeout` too, with the message "Connection timed out after …ms").
 *
 * @example
 * ```ts
 * sdkClient.putRow(params, (sdkError, data) => {
 *   if (sdkError) reject(decodeSdkError(sdkError));
 *   else resolve(data);
 * });
 * ```
 */
export function decodeSdkError(error: unknown): TablestoreError {
  if (error instanceof TablestoreError) return error;
  if (!(error instanceof Error)) return new TablestoreClientError(`Tablestore SDK failed: ${String(error)}`, error);
  const { code, headers, syscall } = error as Error & { code?: unknown; headers?: unknown; syscall?: unknown };
  const message = error.message;
  const headerRequestId = requestIdFromHeaders(headers);

  if (typeof code === 'number') {
    const marker = message.lastIndexOf(requestIdMarker);
    const body = marker === -1 ? message : message.slice(0, marker);
    const requestId = headerRequestId ?? (marker === -1 ? undefined : message.slice(marker + requestIdMarker.length));
    const decoded = decodeErrorBody(body);
    return decoded
      ? createTablestoreError(decoded.code, decoded.message, { httpStatus: code, requestId })
      : createTablestoreError('UnknownError', `HTTP ${code} without a Tablestore error body`, {
          httpStatus: code,
          requestId,
        });
  }
  if (typeof code === 'string' && Object.hasOwn(emptyBodyStatuses, code)) {
    return new TablestoreError(`${code}: HTTP ${emptyBodyStatuses[code]} with an empty body`, {
      code,
      httpStatus: emptyBodyStatuses[code],
      requestId: headerRequestId ?? (message === '' ? undefined : message),
      retryable: false,
      cause: error,
    });
  }
  if (code === 'TimeoutError' || (code === 'NetworkingError' && message.startsWith('Connection timed out after'))) {
    return new TablestoreTimeoutError(`TimeoutError: ${message}`, {
      code: 'TimeoutError',
      retryable: true,
      outcomeUnknown: true,
      cause: error,
    });
  }
  if (code === 'NetworkingError') {
    const notSent = syscall === 'connect' || notSentPattern.test(message);
    return new NetworkingError(`NetworkingError: ${message}`, {
      code: 'NetworkingError',
      retryable: true,
      outcomeUnknown: !notSent,
      cause: error,
    });
  }
  return new TablestoreClientError(`Tablestore SDK failed: ${message}`, error);
}

function requestIdFromHeaders(headers: unknown): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const record = headers as Record<string, unknown>;
  const requestId = record['x-ots-requestid'] ?? record['x-ots-request-id'];
  return typeof requestId === 'string' && requestId !== '' ? requestId : undefined;
}

const plausibleCode = /^[A-Za-z][A-Za-z0-9]{2,63}$/;
const otsCodeInText = /OTS[A-Z][A-Za-z]*/;

/**
 * Decodes the `Error{required string code = 1; optional string message = 2}` body (tablestore.proto) out of
 * the UTF-8 string the SDK made of it. Re-encoding the string gives the original bytes except where they were
 * not valid UTF-8: only a length varint of 128 or more, which protobufjs's BufferReader then clamps to the end
 * of the buffer, so the last field (the message) still decodes whole.
 */
function decodeErrorBody(body: string): { code: string; message: string } | undefined {
  if (body === '') return undefined;
  try {
    const decoded = compiledProto.main.proto.Error.decode(Buffer.from(body, 'utf8'));
    if (plausibleCode.test(decoded.code)) return { code: decoded.code, message: decoded.message ?? '' };
  } catch {
    // Not a protobuf Error (a proxy's page, a truncated body): look for the code in the text below.
  }
  const match = otsCodeInText.exec(body);
  if (!match) return undefined;
  return { code: match[0], message: messageAfterCode(body.slice(match.index + match[0].length)) };
}

/**
 * The text of field 2 after the code: skips its tag byte 0x12 and its length varint, whose bytes are 0x80 or
 * more except the last (decoded as U+FFFD or other non-ASCII characters), so it ends at the first character
 * below U+0080.
 */
function messageAfterCode(rest: string): string {
  if (!rest.startsWith('\u0012')) return rest.trim();
  let start = 1;
  while (start < rest.length && rest.charCodeAt(start) >= 0x80) start += 1;
  return rest.slice(start + 1);
}
