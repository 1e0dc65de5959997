import { readFileSync } from 'node:fs';

/**
 * CPU time of another process, split between its main thread and the rest, from /proc (Linux only). For the
 * local stack the main thread is the event loop of the gateway, the Tablestore and MNS servers and the queue
 * trigger; the other threads are mostly the function instances (one worker thread each), plus V8's and libuv's.
 *
 * @example
 * const meter = startCpuMeter(stack.pid);
 * await drive();
 * meter.stop(); // { seconds: 10, cores: 1.7, mainThreadCores: 0.8, otherThreadsCores: 0.9 }
 */

/** Clock ticks per second of /proc's utime and stime (`getconf CLK_TCK`, 100 on every Linux we run on). */
const TICKS_PER_SECOND = 100;

export interface CpuUse {
  /** Wall-clock seconds the meter ran. */
  seconds: number;
  /** Average cores the process used: user + system time over wall time. */
  cores: number;
  mainThreadCores: number;
  otherThreadsCores: number;
}

export interface CpuMeter {
  /** What the process used since the meter started; undefined where /proc cannot tell (not Linux, process gone). */
  stop(): CpuUse | undefined;
}

/** utime + stime in ticks from a /proc stat line; comm may hold spaces, so fields are counted after ')'. */
function ticksOf(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

interface Ticks {
  /** The whole process, threads that have exited included. */
  total: number;
  main: number;
}

function readTicks(pid: number): Ticks | undefined {
  try {
    return {
      total: ticksOf(readFileSync(`/proc/${pid}/stat`, 'utf8')),
      main: ticksOf(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8')),
    };
  } catch {
    return undefined;
  }
}

export function startCpuMeter(pid: number): CpuMeter {
  const started = performance.now();
  const before = readTicks(pid);
  return {
    stop: () => {
      const after = readTicks(pid);
      const seconds = (performance.now() - started) / 1000;
      if (before === undefined || after === undefined || seconds <= 0) return undefined;
      const cores = (ticks: number): number => ticks / TICKS_PER_SECOND / seconds;
      const total = after.total - before.total;
      const main = after.main - before.main;
      return { seconds, cores: cores(total), mainThreadCores: cores(main), otherThreadsCores: cores(total - main) };
    },
  };
}
