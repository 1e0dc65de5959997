/** Errors of calls to the deployed stack (`parcelscan invoke --remote`), one class per failure. */

/** The environment lacks a variable the call needs, or holds a malformed one; the message names each. */
export class RemoteEnvironmentError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`cannot reach the deployed functions: ${problems.join('; ')}`);
    this.name = 'RemoteEnvironmentError';
  }
}

/**
 * Function Compute refused the call (4xx/5xx), with its error body: `{Code, Message, RequestId}` for the
 * 2023-03-30 API (https://help.aliyun.com/zh/functioncompute/fc/developer-reference/api-fc-2023-03-30-struct-error),
 * codes as listed in https://www.alibabacloud.com/help/en/functioncompute/error-codes.
 */
export class FcApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    readonly detail: string,
    readonly requestId: string | undefined,
  ) {
    super(`Function Compute answered ${statusCode} ${code}: ${detail}${requestId === undefined ? '' : ` (request id ${requestId})`}`);
    this.name = 'FcApiError';
  }
}

/** No answer from the endpoint: DNS, connection, TLS, or no response before the timeout. */
export class FcEndpointUnreachableError extends Error {
  constructor(
    readonly endpoint: string,
    detail: string,
  ) {
    super(`no answer from ${endpoint}: ${detail}`);
    this.name = 'FcEndpointUnreachableError';
  }
}
