/**
 * A closed-loop load: `concurrency` workers each issue a call, await it and issue the next, for a warm-up
 * (not recorded) and then a fixed measured duration. Every call reports how many rows it carried, so
 * throughput is given in calls and in rows.
 */

export interface LoadPlan {
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** Issues one call; resolves to the number of rows it wrote or read. */
  call(): Promise<number>;
}

export interface LoadResult {
  concurrency: number;
  durationMs: number;
  calls: number;
  rows: number;
  callsPerSecond: number;
  rowsPerSecond: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}

async function drive(plan: LoadPlan, ms: number, latencies: number[] | undefined): Promise<{ calls: number; rows: number; elapsedMs: number }> {
  const started = performance.now();
  const end = started + ms;
  let calls = 0;
  let rows = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      const callStarted = performance.now();
      const carried = await plan.call();
      rows += carried;
      latencies?.push(performance.now() - callStarted);
      calls++;
    }
  };
  await Promise.all(Array.from({ length: plan.concurrency }, worker));
  // Calls in flight at the deadline finish after it; count the time they took.
  return { calls, rows, elapsedMs: performance.now() - started };
}

export async function runClosedLoop(plan: LoadPlan): Promise<LoadResult> {
  await drive(plan, plan.warmupMs, undefined);
  const latencies: number[] = [];
  const { calls, rows, elapsedMs } = await drive(plan, plan.durationMs, latencies);
  const sorted = Float64Array.from(latencies).sort();
  const total = latencies.reduce((sum, ms) => sum + ms, 0);
  return {
    concurrency: plan.concurrency,
    durationMs: Math.round(elapsedMs),
    calls,
    rows,
    callsPerSecond: (calls * 1000) / elapsedMs,
    rowsPerSecond: (rows * 1000) / elapsedMs,
    meanMs: total / Math.max(1, calls),
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    maxMs: sorted[sorted.length - 1] ?? Number.NaN,
  };
}
