import type { FcContext } from '../http/fc-context.ts';
import { parseHttpTriggerEvent, type HttpRequest, type HttpResponse } from '../http/http-event.ts';
import { answeredError } from './answered-error.ts';
import type { LogFields, Logger } from './logger.ts';
import { InvocationMetrics, type ScanChannel } from './metrics.ts';
import { randomSpanId, traceFromRequest, type TraceContext } from './trace.ts';

/**
 * The observability every FC entry shares, composed around its handler as Middy composes middleware: the trace of
 * the invocation, a logger bound to it, the invocation's metrics flushed once at the end, and one summary line per
 * invocation (outcome, status, duration). The handler stays a plain function of its input and an {@link Invocation};
 * `functions/<name>/index.ts` only says which use case to call.
 */

/** What one invocation's handler gets besides its input. */
export interface Invocation {
  context: FcContext;
  /** When the invocation started, ms since the epoch: the use case's `nowMs` and the base of its deadline. */
  startedAtMs: number;
  trace: TraceContext;
  /** Bound to `function`, `requestId` and `traceId` (and what `bind` added): pass it down, never the root logger. */
  log: Logger;
  /** Written as metric lines once, when the invocation ends, however it ends. */
  metrics: InvocationMetrics;
}

export interface ObservabilityOptions {
  /** The instance's root logger: `createLogger({ level: process.env.LOG_LEVEL })` in module scope. */
  logger: Logger;
  /** Milliseconds since the epoch, like `Date.now` (the default). */
  clock?: () => number;
  /** Makes the invocation's span id; injectable so tests are deterministic. */
  newSpanId?: () => string;
}

export interface HttpObservabilityOptions extends ObservabilityOptions {
  /** Fields every line of the request carries, read from the request itself (tracking binds its `waybillNo`). */
  bind?: (request: HttpRequest) => LogFields;
}

export interface QueueObservabilityOptions<Result> extends ObservabilityOptions {
  /** The summary line's fields from the handler's result (counts of the batch). */
  summarise?: (result: Result) => LogFields;
}

export type HttpHandler = (request: HttpRequest, invocation: Invocation) => Promise<HttpResponse>;
export type QueueHandler<Result> = (event: Buffer, invocation: Invocation) => Promise<Result>;
/** What FC calls: the nodejs20 runtime's `(event, context)` handler, answering with a promise. */
export type FcHandler<Result> = (event: Buffer, context: FcContext) => Promise<Result>;

function begin(context: FcContext, startedAtMs: number, trace: TraceContext, channel: ScanChannel, logger: Logger, bound: LogFields = {}): Invocation {
  return {
    context,
    startedAtMs,
    trace,
    log: logger.child({ function: context.function.name, requestId: context.requestId, traceId: trace.traceId, ...bound }),
    metrics: new InvocationMetrics(channel),
  };
}

/**
 * An HTTP trigger entry: decodes the event, continues the caller's trace (`traceparent`) or starts one from FC's
 * request id, runs `handler`, then writes `request handled` with `outcome`, `status` and `durationMs` and flushes the
 * metrics. A handler that throws (an event that is not an HTTP trigger event, a configuration error) gets a
 * `request failed` error line and is rethrown, so FC still answers 502.
 *
 * @example
 * ```ts
 * const logger = createLogger({ level: process.env.LOG_LEVEL });
 * export const handler = withHttpObservability((request, { context, log, metrics, trace, startedAtMs }) =>
 *   handleScanWebhook(request, { tablestore: tablestoreClientFor(context, config), traceId: trace.traceId, log, metrics, … }), { logger });
 * // {"level":"info",…,"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","outcome":"ok","durationMs":12,"msg":"request handled","status":200,…}
 * ```
 */
export function withHttpObservability(handler: HttpHandler, options: HttpObservabilityOptions): FcHandler<HttpResponse> {
  const clock = options.clock ?? Date.now;
  const newSpanId = options.newSpanId ?? randomSpanId;
  return async (event, context) => {
    const startedAtMs = clock();
    let request: HttpRequest | undefined;
    let invocation: Invocation;
    try {
      request = parseHttpTriggerEvent(event);
      const trace = traceFromRequest({ headers: request.headers, requestId: context.requestId }, newSpanId);
      invocation = begin(context, startedAtMs, trace, 'webhook', options.logger, options.bind?.(request));
    } catch (error) {
      const trace = traceFromRequest({ headers: {}, requestId: context.requestId }, newSpanId);
      const { log } = begin(context, startedAtMs, trace, 'webhook', options.logger);
      log.error('request failed', { outcome: 'unhandled-error', durationMs: clock() - startedAtMs, error });
      throw error;
    }
    const { log, metrics } = invocation;
    const requestFields = { method: request.method, path: request.path };
    try {
      const response = await handler(request, invocation);
      const status = response.statusCode;
      const fields = { outcome: outcomeOf(response), durationMs: clock() - startedAtMs, status, ...requestFields };
      if (status >= 500) log.warn('request handled', fields);
      else log.info('request handled', fields);
      return response;
    } catch (error) {
      log.error('request failed', { outcome: 'unhandled-error', durationMs: clock() - startedAtMs, ...requestFields, error });
      throw error;
    } finally {
      metrics.flush(log);
    }
  };
}

/**
 * A queue trigger entry (the MNS trigger's batch of CloudEvents): a trace of its own from FC's request id (a batch
 * gathers the messages of many traces; the handler follows each message's trace as it works on it), then
 * `batch handled` with `outcome`, `durationMs` and `summarise(result)`, and the metrics flushed. A handler that
 * throws gets a `batch failed` error line and is rethrown, so the trigger delivers the batch again.
 *
 * @example
 * ```ts
 * export const handler = withQueueObservability((event, { context, log, metrics, trace, startedAtMs }) =>
 *   consumeScanMessages(event, { …, traceId: trace.traceId, log, metrics }), { logger, summarise: (summary) => ({ ...summary }) });
 * ```
 */
export function withQueueObservability<Result>(handler: QueueHandler<Result>, options: QueueObservabilityOptions<Result>): FcHandler<Result> {
  const clock = options.clock ?? Date.now;
  const newSpanId = options.newSpanId ?? randomSpanId;
  return async (event, context) => {
    const startedAtMs = clock();
    const trace = traceFromRequest({ headers: {}, requestId: context.requestId }, newSpanId);
    const invocation = begin(context, startedAtMs, trace, 'queue', options.logger);
    const { log, metrics } = invocation;
    try {
      const result = await handler(event, invocation);
      log.info('batch handled', { outcome: 'ok', durationMs: clock() - startedAtMs, ...options.summarise?.(result) });
      return result;
    } catch (error) {
      log.error('batch failed', { outcome: 'failed', durationMs: clock() - startedAtMs, error });
      throw error;
    } finally {
      metrics.flush(log);
    }
  };
}

/**
 * What became of a request, for its summary line: `ok` below 400; else the API error code of the answer's body in
 * lower-case kebab (`unauthorized`, `storage-unavailable`, `parcel-not-found`; errors.ts), or `client-error` /
 * `server-error` when the answer is not one of our JSON errors (the tracking page's HTML).
 */
export function outcomeOf(response: HttpResponse): string {
  if (response.statusCode < 400) return 'ok';
  const code = answeredError(response)?.code;
  if (code !== undefined) return code.toLowerCase().replaceAll('_', '-');
  return response.statusCode < 500 ? 'client-error' : 'server-error';
}
