import type TableStore from 'tablestore';
import { decodeSdkError, mayRetry, TablestoreError, TablestoreTimeoutError } from './errors.ts';
import { retryWithBackoff, type RetryListener, type RetryPolicy, type RetryRuntime } from './retry.ts';

/** Options every client call accepts. */
export interface CallOptions {
  /**
   * Absolute time, ms since the epoch, by which the call must be over: no attempt starts after it and the one
   * in flight is abandoned at it. An FC handler passes `start + timeout - safety margin`. Defaults to now plus
   * the client's `retry.defaultTimeoutMs`.
   */
  deadline?: number;
  /**
   * Whether sending the request twice leaves the same state as sending it once, which decides whether it is
   * re-sent after a failure that may have been applied (`outcomeUnknown`). The client works it out (reads,
   * PutRow, DeleteRow and UpdateRow without INCREMENT are; AUTO_INCREMENT puts, INCREMENTs and
   * CreateTable/DeleteTable are not); set it to override.
   */
  idempotent?: boolean;
  /**
   * Told of every retry of this call (a request, or a BatchWriteRow/BatchGetRow round, sent again), just before it
   * is sent: how a handler counts OTS retries for its metrics, those of a call that fails in the end included.
   */
  onRetry?: RetryListener;
}

/** {@link CallOptions} with the deadline and idempotence settled, as {@link callWithRetries} takes them. */
export interface ResolvedCallOptions {
  deadline: number;
  idempotent: boolean;
  onRetry?: RetryListener;
}

/** What the client's calls share: the SDK client and the retry settings. */
export interface CallContext {
  sdk: TableStore.Client;
  policy: RetryPolicy;
  runtime: RetryRuntime;
  defaultTimeoutMs: number;
  /** Longest a single attempt may take before it is abandoned (and retried if safe); none if undefined. */
  attemptTimeoutMs: number | undefined;
}

type SdkMethod<P, R> = (this: TableStore.Client, params: P, callback: TableStore.Callback<R>) => TableStore.Request;

/** setTimeout fires at once for delays past 2^31 - 1 ms, so longer waits get no timer at all. */
const maxTimerDelayMs = 2 ** 31 - 1;

export function resolveDeadline(context: CallContext, deadline: number | undefined): number {
  return deadline ?? context.runtime.now() + context.defaultTimeoutMs;
}

/**
 * Sends one request through the SDK and settles with its answer or a typed error. At `attemptDeadline` it stops
 * waiting, destroys the request's socket (the SDK has no cancellation; `httpRequest.stream` is Node's
 * ClientRequest by the time any timer can fire) and rejects with a {@link TablestoreTimeoutError} whose outcome is
 * unknown, since the request may have reached Tablestore.
 */
export function sendOnce<P, R>(
  context: CallContext,
  method: SdkMethod<P, R>,
  params: P,
  attemptDeadline: number,
): Promise<R> {
  const remainingMs = attemptDeadline - context.runtime.now();
  if (remainingMs <= 0) {
    return Promise.reject(
      new TablestoreTimeoutError('TimeoutError: the deadline passed before the request was sent', {
        code: 'TimeoutError',
        retryable: true,
      }),
    );
  }
  return new Promise<R>((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    let request: TableStore.Request | undefined;
    if (remainingMs <= maxTimerDelayMs) {
      timer = setTimeout(() => {
        settled = true;
        request?.httpRequest.stream?.destroy();
        reject(
          new TablestoreTimeoutError(`TimeoutError: no answer within ${Math.round(remainingMs)} ms`, {
            code: 'TimeoutError',
            retryable: true,
            outcomeUnknown: true,
          }),
        );
      }, remainingMs);
    }
    const settle = (error: unknown, data?: R): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(decodeSdkError(error));
      else resolve(data as R);
    };
    try {
      request = method.call(context.sdk, params, (error, data) => settle(error, data));
    } catch (error) {
      settle(error ?? new Error('Tablestore SDK threw'));
    }
  });
}

/**
 * Sends a request until it succeeds, fails with a code that must not be retried, or the deadline comes; then
 * throws the last typed error, with `attempts` set.
 *
 * @example
 * ```ts
 * const data = await callWithRetries(context, context.sdk.getRow, params, { deadline, idempotent: true });
 * ```
 */
export function callWithRetries<P, R>(
  context: CallContext,
  method: SdkMethod<P, R>,
  params: P,
  options: ResolvedCallOptions,
): Promise<R> {
  return retryWithBackoff(() => sendOnce(context, method, params, attemptDeadline(context, options.deadline)), {
    deadline: options.deadline,
    policy: context.policy,
    runtime: context.runtime,
    shouldRetry: (error) => error instanceof TablestoreError && mayRetry(error, options.idempotent),
    onRetry: options.onRetry,
  });
}

/** The deadline of one attempt: the call's, or sooner when attempts have their own timeout. */
export function attemptDeadline(context: CallContext, deadline: number): number {
  return context.attemptTimeoutMs === undefined
    ? deadline
    : Math.min(deadline, context.runtime.now() + context.attemptTimeoutMs);
}
