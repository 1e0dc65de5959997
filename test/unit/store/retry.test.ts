import { describe, expect, it } from 'vitest';
import {
  fullJitterDelay,
  retryPartialFailures,
  retryWithBackoff,
  type ItemResult,
  type PartialRetryOptions,
  type RetryPolicy,
  type RetryRuntime,
} from '../../../layers/core/src/store/index.ts';

const policy: RetryPolicy = { baseDelayMs: 100, maxDelayMs: 3000, maxAttempts: 10 };

/** A clock that only moves when slept on, and a random source that returns `randomValue` every time. */
function fakeRuntime(randomValue = 0.5, startMs = 1_000_000): RetryRuntime & { sleeps: number[]; time: number } {
  const runtime = {
    time: startMs,
    sleeps: [] as number[],
    now: () => runtime.time,
    sleep: async (ms: number) => {
      runtime.sleeps.push(ms);
      runtime.time += ms;
    },
    random: () => randomValue,
  };
  return runtime;
}

class RetryableFailure extends Error {
  attempts = 0;
}

describe('fullJitterDelay', () => {
  it('draws each wait from [0, min(cap, base * 2^n)) (AWS "Full Jitter")', () => {
    const halfway = () => 0.5;

    expect([0, 1, 2, 3, 4, 5, 6, 7].map((retry) => fullJitterDelay(retry, policy, halfway))).toEqual([
      50, 100, 200, 400, 800, 1500, 1500, 1500,
    ]);
    expect(fullJitterDelay(0, policy, () => 0)).toBe(0);
    expect(fullJitterDelay(10, policy, () => 0.999)).toBeCloseTo(2997);
  });
});

describe('retryWithBackoff', () => {
  it('retries until the operation succeeds, sleeping the jittered schedule', async () => {
    const runtime = fakeRuntime();
    let calls = 0;

    const result = await retryWithBackoff(
      async (attempt) => {
        calls += 1;
        if (attempt < 4) throw new RetryableFailure('busy');
        return 'written';
      },
      { deadline: runtime.time + 10_000, policy, runtime, shouldRetry: () => true },
    );

    expect(result).toBe('written');
    expect(calls).toBe(4);
    expect(runtime.sleeps).toEqual([50, 100, 200]);
  });

  it('gives up before a wait that would end at the deadline and throws the last error with its attempt count', async () => {
    const runtime = fakeRuntime();
    const deadline = runtime.time + 400;
    const failures: RetryableFailure[] = [];

    const thrown = await retryWithBackoff(
      async () => {
        const failure = new RetryableFailure(`busy ${failures.length + 1}`);
        failures.push(failure);
        throw failure;
      },
      { deadline, policy, runtime, shouldRetry: () => true },
    ).catch((error: unknown) => error);

    // Waits of 50, 100 and 200 end at +350; the next (400) would end at +750, past the deadline.
    expect(thrown).toBe(failures[3]);
    expect(failures).toHaveLength(4);
    expect(failures[3]?.attempts).toBe(4);
    expect(runtime.sleeps).toEqual([50, 100, 200]);
    expect(runtime.time).toBeLessThan(deadline);
  });

  it('does not start an attempt that, as long as the longest so far, would run into the deadline', async () => {
    const runtime = fakeRuntime();
    const deadline = runtime.time + 350;
    let calls = 0;

    const thrown = await retryWithBackoff(
      async () => {
        calls += 1;
        runtime.time += calls === 1 ? 120 : 10;
        throw new RetryableFailure(`busy ${calls}`);
      },
      { deadline, policy, runtime, shouldRetry: () => true },
    ).catch((error: unknown) => error);

    // +120 (attempt 1), +50 (wait), +10 (attempt 2) = +180. The next wait (100) would end at +280, before the
    // deadline, but an attempt as long as the first (120) would not finish by +350: no third attempt.
    expect(calls).toBe(2);
    expect(thrown).toMatchObject({ message: 'busy 2', attempts: 2 });
    expect(runtime.sleeps).toEqual([50]);
  });

  it('makes no attempt after a sleep that overran the deadline', async () => {
    const runtime = fakeRuntime();
    const oversleeping: RetryRuntime = {
      ...runtime,
      sleep: async (ms) => {
        runtime.sleeps.push(ms);
        runtime.time += ms + 1000;
      },
    };
    let calls = 0;

    const thrown = await retryWithBackoff(
      async () => {
        calls += 1;
        throw new RetryableFailure(`busy ${calls}`);
      },
      { deadline: runtime.time + 500, policy, runtime: oversleeping, shouldRetry: () => true },
    ).catch((error: unknown) => error);

    expect(calls).toBe(1);
    expect(thrown).toMatchObject({ message: 'busy 1', attempts: 1 });
  });

  it('tells onRetry of each retry, with the attempt about to start and the error it follows', async () => {
    const runtime = fakeRuntime();
    const retries: [number, unknown][] = [];

    await retryWithBackoff(
      async (attempt) => {
        if (attempt < 3) throw new RetryableFailure(`busy ${attempt}`);
        return 'written';
      },
      { deadline: runtime.time + 10_000, policy, runtime, shouldRetry: () => true, onRetry: (attempt, error) => retries.push([attempt, (error as Error).message]) },
    );

    expect(retries).toEqual([
      [2, 'busy 1'],
      [3, 'busy 2'],
    ]);
  });

  it('does not tell onRetry of a retry it gives up on', async () => {
    const runtime = fakeRuntime();
    let told = 0;

    const outcome = retryWithBackoff(async () => Promise.reject(new RetryableFailure('busy')), {
      deadline: runtime.time + 10_000,
      policy: { ...policy, maxAttempts: 2 },
      runtime,
      shouldRetry: () => true,
      onRetry: () => {
        told += 1;
      },
    });

    await expect(outcome).rejects.toThrow('busy');
    expect(told).toBe(1);
  });

  it('throws at once what shouldRetry refuses', async () => {
    const runtime = fakeRuntime();
    const duplicate = new RetryableFailure('condition check failed');
    let calls = 0;

    const outcome = retryWithBackoff(
      async () => {
        calls += 1;
        throw duplicate;
      },
      { deadline: runtime.time + 10_000, policy, runtime, shouldRetry: (error) => error !== duplicate },
    );

    await expect(outcome).rejects.toBe(duplicate);
    expect(calls).toBe(1);
    expect(runtime.sleeps).toEqual([]);
  });

  it('stops after maxAttempts even with time left', async () => {
    const runtime = fakeRuntime(0);
    let calls = 0;

    const outcome = retryWithBackoff(
      async () => {
        calls += 1;
        throw new RetryableFailure('busy');
      },
      { deadline: runtime.time + 60_000, policy: { ...policy, maxAttempts: 3 }, runtime, shouldRetry: () => true },
    );

    await expect(outcome).rejects.toMatchObject({ attempts: 3 });
    expect(calls).toBe(3);
  });
});

interface ItemError {
  code: string;
  retryable: boolean;
}
type Result = ItemResult<string, ItemError>;
const ok = (value: string): Result => ({ ok: true, value });
const fail = (code: string, retryable: boolean): Result => ({ ok: false, error: { code, retryable } });

describe('retryPartialFailures', () => {
  const options = (runtime: RetryRuntime, deadline: number): PartialRetryOptions<ItemError> => ({
    deadline,
    policy,
    runtime,
    shouldRetry: (error) => error.retryable,
    rejectsRequest: (error) => error.code === 'OTSObjectNotExist',
    asItemError: (error) => (error instanceof Error ? { code: error.message, retryable: error.message === 'busy' } : undefined),
  });

  it('re-sends only the items that failed retryably, and returns every result in item order', async () => {
    const runtime = fakeRuntime();
    const rounds: number[][] = [];

    const results = await retryPartialFailures(
      4,
      async (indices) => {
        rounds.push([...indices]);
        return indices.map((index) => {
          if (index === 1) return fail('OTSConditionCheckFail', false);
          if (index === 2 && rounds.length < 3) return fail('OTSServerBusy', true);
          return ok(`row ${index}`);
        });
      },
      options(runtime, runtime.time + 10_000),
    );

    expect(rounds).toEqual([[0, 1, 2, 3], [2], [2]]);
    expect(results).toEqual([ok('row 0'), fail('OTSConditionCheckFail', false), ok('row 2'), ok('row 3')]);
    expect(runtime.sleeps).toEqual([50, 100]);
  });

  it('tells onRetry of each round sent again, with the error of its first pending item', async () => {
    const runtime = fakeRuntime();
    const retries: [number, unknown][] = [];

    await retryPartialFailures(
      3,
      async (indices) => indices.map((index) => (index === 0 || retries.length === 2 ? ok(`row ${index}`) : fail(`OTSServerBusy ${index}`, true))),
      { ...options(runtime, runtime.time + 10_000), onRetry: (attempt, error) => retries.push([attempt, error]) },
    );

    expect(retries).toEqual([
      [2, { code: 'OTSServerBusy 1', retryable: true }],
      [3, { code: 'OTSServerBusy 1', retryable: true }],
    ]);
  });

  it('counts a retryable whole-request failure against every pending item', async () => {
    const runtime = fakeRuntime();
    const rounds: number[][] = [];

    const results = await retryPartialFailures(
      2,
      async (indices) => {
        rounds.push([...indices]);
        if (rounds.length === 1) throw new Error('busy');
        return indices.map((index) => ok(`row ${index}`));
      },
      options(runtime, runtime.time + 10_000),
    );

    expect(rounds).toEqual([[0, 1], [0, 1]]);
    expect(results).toEqual([ok('row 0'), ok('row 1')]);
  });

  it('throws a first-round failure that rejects the whole request', async () => {
    const runtime = fakeRuntime();

    const outcome = retryPartialFailures(2, async () => Promise.reject(new Error('OTSObjectNotExist')), options(runtime, runtime.time + 10_000));

    await expect(outcome).rejects.toThrow('OTSObjectNotExist');
  });

  it('records on every item a whole-request failure that may not be re-sent but does not reject the request', async () => {
    const runtime = fakeRuntime();
    let rounds = 0;

    const results = await retryPartialFailures(
      2,
      async () => {
        rounds += 1;
        throw new Error('OTSTimeout');
      },
      { ...options(runtime, runtime.time + 10_000), shouldRetry: () => false },
    );

    expect(rounds).toBe(1);
    expect(results).toEqual([fail('OTSTimeout', false), fail('OTSTimeout', false)]);
  });

  it('keeps the last error of the items still failing when the deadline comes', async () => {
    const runtime = fakeRuntime();
    let round = 0;

    const results = await retryPartialFailures(
      3,
      async (indices) => {
        round += 1;
        return indices.map((index) => (index === 0 ? ok('row 0') : fail(`OTSServerBusy round ${round}`, true)));
      },
      options(runtime, runtime.time + 120),
    );

    // Waits of 50 then 100 would end at +150, past the deadline at +120: two rounds.
    expect(round).toBe(2);
    expect(results).toEqual([ok('row 0'), fail('OTSServerBusy round 2', true), fail('OTSServerBusy round 2', true)]);
  });

  it('rethrows what is not an item error', async () => {
    const runtime = fakeRuntime();
    const bug = 'not an Error';

    const outcome = retryPartialFailures(1, async () => Promise.reject(bug), options(runtime, runtime.time + 10_000));

    await expect(outcome).rejects.toBe(bug);
  });
});
