import { checkAcs3Signature, type SignedRequest } from './acs3-auth.ts';
import { FunctionNotFoundError } from './errors.ts';
import { plainResultResponse, type FunctionErrorPayload, type HttpResponse } from './events.ts';
import type { FcCredentials } from './fc-context.ts';
import type { InvocationOutcome } from './instances.ts';
import type { LogRecord } from './logs.ts';

/**
 * FC 3.0's InvokeFunction API on the local gateway, so `parcelscan invoke --remote --endpoint <gateway>` (and the
 * official `@alicloud/fc20230330` SDK) can be tried offline — "InvokeFunction",
 * https://www.alibabacloud.com/help/en/functioncompute/developer-reference/api-fc-2023-03-30-invokefunction:
 *
 * - `POST /2023-03-30/functions/{functionName}/invocations`, the body passed to the handler as the event, as is;
 *   another method answers 400 PathNotSupported;
 * - ACS3-HMAC-SHA256 signed with the local key pair (`local` / `local-secret`, acs3-auth.ts);
 * - `x-fc-invocation-type: Sync` (the default); `Async` is refused with 400 InvalidArgument;
 * - `x-fc-log-type: Tail`: `x-fc-log-result` is the base64 of the invocation's last 4 KB of log, framed by the
 *   `FC Invoke Start/End RequestId:` lines FC writes ("Context and log format",
 *   https://alibabacloud.com/help/en/functioncompute/fc-3-0/user-guide/context-and-log-format-1);
 * - the handler's result as the 200 body; a handler that threw, timed out or crashed still answers 200, with
 *   `x-fc-error-type: UnhandledInvocationError` over FC's error JSON ("Error handling", Node.js: a 2xx with that
 *   header is a function error, https://help.aliyun.com/document_detail/2512969.html);
 * - FC's own refusals as `{Code, Message, RequestId}` (https://help.aliyun.com/zh/functioncompute/fc/developer-reference/api-fc-2023-03-30-struct-error):
 *   404 FunctionNotFound, 429 ResourceExhausted, and the signature's.
 */
const INVOCATIONS_PATH = /^\/2023-03-30\/functions\/([^/?]+)\/invocations(?:\?.*)?$/;

/** `Tail` returns "the last 4 KB of logs that are generated for the current request" (InvokeFunction, above). */
const TAIL_BYTES = 4 * 1024;

/** The last `limit` bytes of `text`, from the first whole line inside them. */
function lastBytes(text: string, limit: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= limit) return text;
  const tail = bytes.subarray(bytes.length - limit);
  const firstNewline = tail.indexOf(0x0a);
  return tail.subarray(firstNewline + 1).toString('utf8');
}

/**
 * The log lines of the InvokeFunction calls in flight, by request id: the runtime's log sink hands every record
 * to {@link InvocationLogTail.add}, which keeps only those of requests {@link InvocationLogTail.open} was called for.
 */
export class InvocationLogTail {
  private readonly lines = new Map<string, string[]>();

  /** Starts keeping the log lines of `requestId`. */
  open(requestId: string): void {
    this.lines.set(requestId, []);
  }

  /** Keeps `record` if its request is open, in FC's line format (`<time> <requestId> [<level>] <message>`). */
  add(record: LogRecord): void {
    if (record.requestId === undefined) return;
    this.lines.get(record.requestId)?.push(`${record.time.toISOString()} ${record.requestId} [${record.level}] ${record.message}`);
  }

  /** Stops keeping the lines of `requestId` and returns their last 4 KB, as `x-fc-log-result` carries them. */
  close(requestId: string): string {
    const lines = this.lines.get(requestId) ?? [];
    this.lines.delete(requestId);
    return lastBytes([`FC Invoke Start RequestId: ${requestId}`, ...lines, `FC Invoke End RequestId: ${requestId}`].join('\n'), TAIL_BYTES);
  }
}

export interface InvokeFunctionApiOptions {
  /** The key pair requests must be signed with. */
  credentials: FcCredentials;
  invoke: (functionName: string, event: Buffer, requestId: string) => Promise<InvocationOutcome>;
  logs: InvocationLogTail;
  now?: () => Date;
}

export interface InvokeFunctionApi {
  /** Whether `url` is InvokeFunction's path: the gateway answers it here rather than through the routes. */
  handles(url: string): boolean;
  answer(request: SignedRequest, requestId: string): Promise<{ response: HttpResponse; functionName?: string }>;
}

function apiError(statusCode: number, code: string, message: string, requestId: string): HttpResponse {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ Code: code, Message: message, RequestId: requestId })) };
}

function invocationErrorResponse(error: FunctionErrorPayload): HttpResponse {
  return { statusCode: 200, headers: { 'content-type': 'application/json', 'x-fc-error-type': 'UnhandledInvocationError' }, body: Buffer.from(JSON.stringify(error)) };
}

/** The function name from the path; a malformed escape is left as sent (and names no function). */
function decodeName(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The InvokeFunction API over a runtime's functions.
 *
 * @example
 * const api = createInvokeFunctionApi({ credentials: LOCAL_CREDENTIALS, invoke, logs: new InvocationLogTail() });
 * if (api.handles(request.url)) return api.answer({ method, url, headers, body }, requestId);
 */
export function createInvokeFunctionApi(options: InvokeFunctionApiOptions): InvokeFunctionApi {
  const now = options.now ?? (() => new Date());

  return {
    handles: (url) => INVOCATIONS_PATH.test(url),

    async answer(request, requestId) {
      const path = request.url.split('?')[0] ?? request.url;
      const functionName = decodeName(INVOCATIONS_PATH.exec(request.url)?.[1] ?? '');
      if (request.method !== 'POST') return { response: apiError(400, 'PathNotSupported', `'${request.method}' against '${path}' is not supported`, requestId) };
      const auth = checkAcs3Signature(request, options.credentials, now());
      if (!auth.ok) return { response: apiError(auth.statusCode, auth.code, auth.message, requestId) };
      const invocationType = single(request.headers['x-fc-invocation-type']) ?? 'Sync';
      if (invocationType !== 'Sync') return { response: apiError(400, 'InvalidArgument', `x-fc-invocation-type ${invocationType} is not supported by the local runtime (only Sync)`, requestId) };

      const tail = single(request.headers['x-fc-log-type']) === 'Tail';
      if (tail) options.logs.open(requestId);
      let outcome: InvocationOutcome;
      let log: string | undefined;
      try {
        outcome = await options.invoke(functionName, request.body, requestId);
      } catch (error) {
        if (error instanceof FunctionNotFoundError) return { response: apiError(404, 'FunctionNotFound', `function '${functionName}' does not exist.`, requestId) };
        throw error;
      } finally {
        // An instance sends an invocation's log lines before or with its result: all of them are in by now.
        if (tail) log = options.logs.close(requestId);
      }
      const response = outcome.ok ? plainResultResponse(outcome.result) : outcome.cause === 'throttled' ? apiError(429, 'ResourceExhausted', outcome.error.errorMessage, requestId) : invocationErrorResponse(outcome.error);
      if (log !== undefined) response.headers['x-fc-log-result'] = Buffer.from(log, 'utf8').toString('base64');
      return { response, functionName };
    },
  };
}
