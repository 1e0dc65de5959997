import { runClosedLoop, type LoadPlan, type LoadResult } from './closed-loop.ts';
import { startLoadProbe } from './machine-load.ts';
import { startCpuMeter, type CpuUse } from './process-cpu.ts';

/** A closed-loop measurement with what the machine's processes used meanwhile. */
export interface MeasuredLoad extends LoadResult {
  /** What the process under test used meanwhile (all its threads). */
  stackCpu: CpuUse | null;
  /** What this process, the load's client, used meanwhile, in cores. */
  clientCores: number;
  /** Cores used by other processes of the machine meanwhile. */
  otherCores: number | null;
}

/**
 * Runs `plan`'s warm-up, then its measured duration with the CPU of `serverPid`, of this process and of the rest of
 * the machine metered over exactly the measured part (runClosedLoop's own warm-up would fall inside the meters).
 * `beforeMeasuring` runs in between, e.g. to forget what went wrong during the warm-up.
 *
 * @example
 * const result = await runMeasuredLoad({ concurrency: 8, warmupMs: 2000, durationMs: 5000, call }, stack.pid);
 * result.callsPerSecond; result.p99Ms; result.stackCpu?.cores;
 */
export async function runMeasuredLoad(plan: LoadPlan, serverPid: number, beforeMeasuring: () => void = () => undefined): Promise<MeasuredLoad> {
  await runClosedLoop({ ...plan, warmupMs: 0, durationMs: plan.warmupMs });
  beforeMeasuring();
  const probe = startLoadProbe([process.pid, serverPid]);
  const meter = startCpuMeter(serverPid);
  const clientStarted = process.cpuUsage();
  const result = await runClosedLoop({ ...plan, warmupMs: 0 });
  const { user, system } = process.cpuUsage(clientStarted);
  return {
    ...result,
    stackCpu: meter.stop() ?? null,
    clientCores: (user + system) / 1000 / result.durationMs,
    otherCores: probe.stop() ?? null,
  };
}
