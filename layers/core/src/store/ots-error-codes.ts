/**
 * Tablestore error codes: the HTTP status the service answers with, and whether a client may retry.
 * Source: https://help.aliyun.com/en/tablestore/developer-reference/error-codes (English error-code table);
 * retryable codes as the official SDKs classify them (aliyun-tablestore-nodejs-sdk
 * lib/retry/retry_util.js, which the Node SDK itself cannot apply, see store/README.md).
 * The local Tablestore server answers with these statuses; the client wrapper decides retries from them.
 *
 * Where `retryable` differs from the page's Retry column, the entry says why.
 */
export const otsErrorCodes = {
  OTSAuthFailed: { status: 403, retryable: false },
  OTSNoPermissionAccess: { status: 403, retryable: false },
  OTSParameterInvalid: { status: 400, retryable: false },
  OTSForbiddenUpdateCapacityUnit: { status: 400, retryable: false },
  OTSInvalidPK: { status: 400, retryable: false },
  OTSOutOfColumnCountLimit: { status: 400, retryable: false },
  OTSOutOfRowSizeLimit: { status: 400, retryable: false },
  OTSMethodNotAllowed: { status: 405, retryable: false },
  OTSRequestBodyTooLarge: { status: 413, retryable: false },
  OTSConditionCheckFail: { status: 403, retryable: false },
  OTSObjectNotExist: { status: 404, retryable: false },
  OTSObjectAlreadyExist: { status: 409, retryable: false },
  // The page says "No" (the fix is a faster client); the server gave up before running the request, so a retry
  // within the caller's deadline is safe and gets past a transient stall.
  OTSRequestTimeout: { status: 408, retryable: true },
  OTSInternalServerError: { status: 500, retryable: true },
  OTSServerBusy: { status: 503, retryable: true },
  OTSPartitionUnavailable: { status: 503, retryable: true },
  OTSTimeout: { status: 503, retryable: true },
  OTSServerUnavailable: { status: 503, retryable: true },
  OTSRowOperationConflict: { status: 409, retryable: true },
  OTSTableNotReady: { status: 404, retryable: true },
  // Retryable only with the message "Too frequent table operations."; "Number of tables exceeded the quota."
  // is final (both rows of the page; retry_util.js tests the message too). errors.ts applies the message rule.
  OTSQuotaExhausted: { status: 403, retryable: true },
  OTSTooFrequentReservedThroughputAdjustment: { status: 403, retryable: true },
  OTSCapacityUnitExhausted: { status: 403, retryable: false },
  // Not on the page; every official SDK's retry_util retries it as throttling.
  OTSNotEnoughCapacityUnit: { status: 403, retryable: true },
  // Not on the page; retried as throttling by every official SDK's retry_util. Its status is not documented:
  // 403 like the other capacity throttles.
  OTSOperationThrottled: { status: 403, retryable: true },
  // The page says "No" (sustained throttling needs a quota change); HTTP 429 means "slow down" (RFC 6585 §4),
  // and jittered backoff bounded by the caller's deadline is exactly that.
  OTSFlowControl: { status: 429, retryable: true },
} as const satisfies Record<string, { status: number; retryable: boolean }>;

export type OtsErrorCode = keyof typeof otsErrorCodes;

export function isOtsErrorCode(code: string): code is OtsErrorCode {
  return Object.hasOwn(otsErrorCodes, code);
}
