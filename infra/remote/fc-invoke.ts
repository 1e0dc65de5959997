import { randomBytes } from 'node:crypto';
import { signRequest, type Acs3Credentials } from './acs3-signature.ts';
import { FcApiError, FcEndpointUnreachableError } from './errors.ts';

/**
 * One synchronous call of FC 3.0's InvokeFunction API, as the fc3 component's `s invoke` makes it through the
 * official SDK (devsapp/fc3 `src/resources/fc/impl/client.ts`, `@alicloud/fc20230330` `invokeFunctionWithOptions`):
 *
 * - `POST /2023-03-30/functions/{functionName}/invocations`, the event as the raw body (`application/octet-stream`)
 *   (https://www.alibabacloud.com/help/en/functioncompute/developer-reference/api-fc-2023-03-30-invokefunction);
 * - on `https://<account id>.<region>.fc.aliyuncs.com`, FC 3.0's endpoint with the account id
 *   (https://alibabacloud.com/help/en/functioncompute/fc-3-0/developer-reference/fc-endpoints), the one fc3 invokes on;
 * - `x-fc-invocation-type: Sync` and `x-fc-log-type: Tail`: the answer carries the last 4 KB of the invocation's
 *   log, base64-encoded, in `x-fc-log-result`;
 * - signed with ACS3-HMAC-SHA256 (acs3-signature.ts), as the SDK signs.
 *
 * FC answers a function's own failure with a 2xx and `x-fc-error-type` (UnhandledInvocationError) over the
 * error JSON; 4xx and 5xx are FC refusing the call ("Error handling", Node.js,
 * https://help.aliyun.com/document_detail/2512969.html), thrown as {@link FcApiError}.
 */
export const FC_API_VERSION = '2023-03-30';

/** FC 3.0's public endpoint for an account and region. */
export function fcEndpoint(accountId: string, region: string): string {
  return `https://${accountId}.${region}.fc.aliyuncs.com`;
}

export interface InvokeFunctionRequest {
  /** `https://<account id>.<region>.fc.aliyuncs.com`, or any base URL serving the same API (the local gateway). */
  endpoint: string;
  /** The FC function name (s.yaml `functionName`, not the resource key). */
  functionName: string;
  event: Uint8Array;
  credentials: Acs3Credentials;
  /** Give up after this long: the function's timeout and a margin for a cold start. */
  timeoutMs: number;
}

export interface RemoteInvocation {
  /** `x-fc-request-id`. */
  requestId: string | undefined;
  /** The function's result as FC returned it, or its error JSON when `errorType` is set. */
  body: Buffer;
  /** `x-fc-error-type`: set when the function failed (thrown, timed out, crashed). */
  errorType: string | undefined;
  /** `x-fc-log-result`, decoded: the tail of the invocation's log. */
  log: string | undefined;
}

export interface InvokeDependencies {
  fetch: typeof fetch;
  now: () => Date;
  nonce: () => string;
}

const defaultDependencies: InvokeDependencies = { fetch: (input, init) => fetch(input, init), now: () => new Date(), nonce: () => randomBytes(16).toString('hex') };

/** FC's error bodies: `{Code, Message, RequestId}` (2023-03-30) or the older `{errorCode, errorMessage}`. */
function parseApiError(statusCode: number, body: Buffer, requestId: string | undefined): FcApiError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const fields = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const text = (...names: string[]): string | undefined => names.map((name) => fields[name]).find((value): value is string => typeof value === 'string');
  return new FcApiError(statusCode, text('Code', 'errorCode') ?? 'Unknown', text('Message', 'errorMessage') ?? body.toString('utf8'), text('RequestId') ?? requestId);
}

function describeFailure(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'timed out';
  if (error instanceof Error && error.cause instanceof Error) return error.cause.message;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Invokes a deployed function once and returns FC's answer.
 *
 * @example
 * const invocation = await invokeFunction({
 *   endpoint: fcEndpoint('1234567890123456', 'cn-hangzhou'), functionName: 'parcelscan-tracking-api',
 *   event: Buffer.from('{}'), credentials: { accessKeyId: '…', accessKeySecret: '…' }, timeoutMs: 35_000,
 * });
 * console.log(invocation.requestId, invocation.log, invocation.body.toString());
 */
export async function invokeFunction(request: InvokeFunctionRequest, dependencies: InvokeDependencies = defaultDependencies): Promise<RemoteInvocation> {
  const url = new URL(`/${FC_API_VERSION}/functions/${encodeURIComponent(request.functionName)}/invocations`, request.endpoint);
  const headers = signRequest(
    {
      method: 'POST',
      path: url.pathname,
      query: {},
      // `host` as fetch sends it (the port only when not the scheme's default).
      headers: { host: url.host, 'content-type': 'application/octet-stream', accept: 'application/json', 'x-fc-invocation-type': 'Sync', 'x-fc-log-type': 'Tail' },
    },
    request.event,
    request.credentials,
    { action: 'InvokeFunction', version: FC_API_VERSION, date: dependencies.now(), nonce: dependencies.nonce() },
  );
  // fetch sets Host itself, from the URL signed above.
  const sent = Object.fromEntries(Object.entries(headers).filter(([name]) => name !== 'host'));
  let response: Response;
  try {
    response = await dependencies.fetch(url, { method: 'POST', headers: sent, body: request.event, signal: AbortSignal.timeout(request.timeoutMs) });
  } catch (error) {
    throw new FcEndpointUnreachableError(url.origin, describeFailure(error));
  }
  const body = Buffer.from(await response.arrayBuffer());
  const requestId = response.headers.get('x-fc-request-id') ?? undefined;
  if (response.status >= 400) throw parseApiError(response.status, body, requestId);
  const logResult = response.headers.get('x-fc-log-result');
  return {
    requestId,
    body,
    errorType: response.headers.get('x-fc-error-type') ?? undefined,
    log: logResult === null ? undefined : Buffer.from(logResult, 'base64').toString('utf8'),
  };
}
