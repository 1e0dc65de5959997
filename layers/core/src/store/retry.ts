/**
 * Retries for Tablestore calls: full-jitter exponential backoff bounded by an absolute deadline.
 *
 * Why a loop of our own and not a library. We looked at the three well-kept candidates:
 * - `p-retry` (9.x): its delay is `minTimeout·factor^n` times a random factor in [1, 2] (`randomize`), not the
 *   full or decorrelated jitter of the AWS analysis; its time budget (`maxRetryTime`) is a duration from the
 *   first attempt, not the absolute deadline an FC handler has; it schedules with `setTimeout` and
 *   `Math.random`, so tests of the schedule need fake timers.
 * - `exponential-backoff` (3.1.x): has full jitter, but counts attempts only (`numOfAttempts`); its `retry`
 *   hook is not told the delay it is about to sleep, so it cannot refuse a sleep that would end past the
 *   deadline; sleep and randomness are not injectable.
 * - `cockatiel` (4.x): the closest fit (decorrelated jitter by default, AbortSignal, a timeout policy), but
 *   a Polly-style policy framework whose deadline handling we would still write as a custom backoff.
 * None of them retries part of a request: BatchWriteRow and BatchGetRow answer HTTP 200 with a per-row
 * outcome, and only the failed retryable rows may be sent again, each round with a different set of rows and a
 * result merged across rounds. With a library that becomes a synthetic "rows pending" error thrown to make it
 * go round again, with the state kept outside it. The loop below is a few dozen lines, does both single
 * requests and per-row rounds with one schedule, takes its clock, sleep and randomness as parameters so tests
 * are exact, and adds nothing to a function bundle's cold start (bench/README.md: every import is paid by each new instance).
 *
 * The schedule is "Full Jitter" from Marc Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog,
 * 2015 (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/):
 * `sleep = random_between(0, min(cap, base · 2^n))`, which spreads competing clients out with the least total
 * work of the schemes compared there. Tablestore's error-code page asks for exponential backoff on its
 * retryable codes (https://help.aliyun.com/en/tablestore/developer-reference/error-codes). The deadline is an
 * absolute time (an FC handler passes `start + timeout - margin`): no retry starts unless its wait plus the
 * longest attempt so far ends before it, so the caller gets the server's last answer rather than an attempt
 * cut in flight.
 */

/** How long to wait between attempts, and how many attempts at most. */
export interface RetryPolicy {
  /** The first retry waits up to this long (ms). */
  baseDelayMs: number;
  /** No wait is longer than this (ms). */
  maxDelayMs: number;
  /** Attempts in all, the first included; the deadline usually ends the loop first. */
  maxAttempts: number;
}

/** Time and randomness, passed in so a test can run the schedule without waiting. */
export interface RetryRuntime {
  /** Milliseconds since the epoch, like `Date.now()`. */
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Uniform in [0, 1), like `Math.random()`. */
  random(): number;
}

/** Defaults: the first retry within 100 ms, waits capped at 3 s (the SDK's own `maxRetryDelay`), 10 attempts. */
export const defaultRetryPolicy: RetryPolicy = { baseDelayMs: 100, maxDelayMs: 3000, maxAttempts: 10 };

export const systemRuntime: RetryRuntime = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
};

/**
 * The wait before retry number `retry` (0 for the first retry): uniform in [0, min(maxDelay, base·2^retry)).
 *
 * @example
 * ```ts
 * fullJitterDelay(3, defaultRetryPolicy, Math.random); // somewhere in [0, 800)
 * ```
 */
export function fullJitterDelay(retry: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return random() * ceiling;
}

/**
 * Sleeps before the next attempt if there is one: returns false, without sleeping, when `attemptsMade` reached
 * `maxAttempts`, or when the wait plus `expectedAttemptMs` would reach `deadline`. An attempt that cannot finish
 * would only be cut by the deadline, turning a clean "not applied" error into one of unknown outcome; the
 * callers pass the longest attempt of the call so far as the expected duration. Timers fire late under load,
 * so the same check is made again after the sleep.
 */
export async function waitForNextAttempt(
  attemptsMade: number,
  deadline: number,
  policy: RetryPolicy,
  runtime: RetryRuntime,
  expectedAttemptMs = 0,
): Promise<boolean> {
  if (attemptsMade >= policy.maxAttempts) return false;
  const delay = fullJitterDelay(attemptsMade - 1, policy, runtime.random);
  if (runtime.now() + delay + expectedAttemptMs >= deadline) return false;
  await runtime.sleep(delay);
  return runtime.now() + expectedAttemptMs < deadline;
}

/** Times attempts, remembering the longest: the estimate of how long the next one takes. */
function attemptTimer(runtime: RetryRuntime): { start(): void; stop(): number } {
  let startedAt = 0;
  let longest = 0;
  return {
    start: () => {
      startedAt = runtime.now();
    },
    stop: () => {
      longest = Math.max(longest, runtime.now() - startedAt);
      return longest;
    },
  };
}

/**
 * Told of a retry just before it is sent: `attempt` is the number of the attempt about to start (2 for the first
 * retry), `error` what the previous attempt failed with (for a batch, the first still-pending item's error). Callers
 * count retries with it (the `otsRetries` metric), including those of a call that fails in the end.
 */
export type RetryListener = (attempt: number, error: unknown) => void;

export interface RetryOptions {
  /** Absolute time (ms since the epoch) after which no attempt starts. */
  deadline: number;
  policy: RetryPolicy;
  runtime: RetryRuntime;
  /** Whether a failed attempt may be repeated; anything else is thrown at once. */
  shouldRetry(error: unknown): boolean;
  /** Told of each retry once its wait is over, just before it is sent (see {@link RetryListener}). */
  onRetry?: RetryListener;
}

/**
 * Runs `operation` until it succeeds, throws something `shouldRetry` refuses, or the attempts or the deadline
 * run out; then throws the last error, with `attempts` set on it when it has that property.
 *
 * @example
 * ```ts
 * const row = await retryWithBackoff(() => getRowOnce(params), {
 *   deadline: Date.now() + 2000,
 *   policy: defaultRetryPolicy,
 *   runtime: systemRuntime,
 *   shouldRetry: (error) => error instanceof TablestoreError && mayRetry(error, true),
 * });
 * ```
 */
export async function retryWithBackoff<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const timer = attemptTimer(options.runtime);
  for (let attempt = 1; ; attempt += 1) {
    timer.start();
    try {
      return await operation(attempt);
    } catch (error) {
      const longestAttemptMs = timer.stop();
      const again =
        options.shouldRetry(error) &&
        (await waitForNextAttempt(attempt, options.deadline, options.policy, options.runtime, longestAttemptMs));
      if (!again) throw recordAttempts(error, attempt);
      options.onRetry?.(attempt + 1, error);
    }
  }
}

/** The result of one item of a batch: a value, or the error it failed with. */
export type ItemResult<T, E> = { ok: true; value: T } | { ok: false; error: E };

export interface PartialRetryOptions<E> {
  deadline: number;
  policy: RetryPolicy;
  runtime: RetryRuntime;
  /** Whether item `index`, failed with `error` (its own, or the whole request's), may be sent again. */
  shouldRetry(error: E, index: number): boolean;
  /** Whether a failure of a whole round means the request itself was refused (a missing table, a bad request). */
  rejectsRequest(error: E): boolean;
  /** Narrows what `sendItems` threw to the error type items carry; anything else is rethrown. */
  asItemError(error: unknown): E | undefined;
  /** Told of each round sent again, once its wait is over (see {@link RetryListener}). */
  onRetry?: RetryListener;
}

/**
 * Sends `count` items in rounds: each round sends only the items still pending, i.e. those that failed in an
 * earlier round with an error `shouldRetry` accepts. When a whole round fails, its error counts as every
 * pending item's error, except that a first round failing with an error that `rejectsRequest` is thrown as is
 * (a missing table fails the whole batch, not each row). Returns one result per item, in item order; the items
 * still failing when attempts or the deadline ran out keep their last error.
 *
 * @param sendItems sends the items at `indices` and returns their results in the same order.
 *
 * @example
 * ```ts
 * const results = await retryPartialFailures(rows.length, (indices) => writeRowsOnce(indices.map((i) => rows[i])), {
 *   deadline, policy, runtime,
 *   shouldRetry: (error, index) => mayRetry(error, isIdempotent(rows[index])),
 *   rejectsRequest: (error) => !error.retryable,
 *   asItemError: (error) => decodeSdkError(error),
 * });
 * ```
 */
export async function retryPartialFailures<T, E>(
  count: number,
  sendItems: (indices: readonly number[], attempt: number) => Promise<ReadonlyArray<ItemResult<T, E>>>,
  options: PartialRetryOptions<E>,
): Promise<Array<ItemResult<T, E>>> {
  const results = new Array<ItemResult<T, E>>(count);
  let pending = Array.from({ length: count }, (_, index) => index);
  const timer = attemptTimer(options.runtime);
  for (let attempt = 1; ; attempt += 1) {
    let roundResults: ReadonlyArray<ItemResult<T, E>>;
    timer.start();
    try {
      roundResults = await sendItems(pending, attempt);
    } catch (thrown) {
      const error = options.asItemError(thrown);
      if (error === undefined) throw thrown;
      if (attempt === 1 && options.rejectsRequest(error)) throw recordAttempts(thrown, attempt);
      roundResults = pending.map(() => ({ ok: false, error }));
    }
    const stillPending: number[] = [];
    pending.forEach((index, position) => {
      const result = roundResults[position];
      if (result === undefined) throw new RangeError(`No result for item ${index} in round ${attempt}`);
      results[index] = result;
      if (!result.ok && options.shouldRetry(result.error, index)) stillPending.push(index);
    });
    pending = stillPending;
    const longestRoundMs = timer.stop();
    if (pending.length === 0) return results;
    if (!(await waitForNextAttempt(attempt, options.deadline, options.policy, options.runtime, longestRoundMs))) {
      return results;
    }
    if (options.onRetry !== undefined) {
      const firstPending = results[pending[0] ?? 0];
      options.onRetry(attempt + 1, firstPending?.ok === false ? firstPending.error : undefined);
    }
  }
}

function recordAttempts(error: unknown, attempts: number): unknown {
  if (typeof error === 'object' && error !== null && 'attempts' in error) {
    (error as { attempts: number }).attempts = attempts;
  }
  return error;
}
