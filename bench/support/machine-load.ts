import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * How busy the machine was with work other than the benchmark's own processes while a measurement ran, in
 * cores. On a shared machine this says whether a number is the code's or the neighbours': a measurement
 * taken while another process used a core of two is not a measurement of the code.
 *
 * Linux only (/proc/stat and /proc/<pid>/stat, both counted in clock ticks); elsewhere it reports nothing.
 *
 * @example
 * const probe = startLoadProbe([process.pid, server.pid]);
 * await measureSomething();
 * const otherCores = probe.stop(); // e.g. 0.05 on a quiet machine, 1.2 while tests run beside it
 */
export interface LoadProbe {
  /** Average cores used by other processes since the probe started, or undefined where it cannot tell. */
  stop(): number | undefined;
}

interface MachineTicks {
  busy: number;
  total: number;
  cores: number;
}

function machineTicks(): MachineTicks | undefined {
  try {
    const lines = readFileSync('/proc/stat', 'utf8').split('\n');
    // cpu  user nice system idle iowait irq softirq steal …
    const fields = (lines[0] ?? '').trim().split(/\s+/).slice(1, 9).map(Number);
    const total = fields.reduce((sum, ticks) => sum + ticks, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    const cores = lines.filter((line) => /^cpu\d+ /.test(line)).length;
    return Number.isFinite(total) && cores > 0 ? { busy: total - idle, total, cores } : undefined;
  } catch {
    return undefined;
  }
}

/** User + system ticks of one process, or undefined once it has gone. */
function processTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state ppid … : utime and stime are fields 14 and 15; comm may hold spaces, so count after ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

export function startLoadProbe(ownPids: readonly number[]): LoadProbe {
  const machineBefore = machineTicks();
  const ownBefore = ownPids.map(processTicks);
  return {
    stop: () => {
      const machineAfter = machineTicks();
      if (machineBefore === undefined || machineAfter === undefined) return undefined;
      let own = 0;
      for (const [index, pid] of ownPids.entries()) {
        const before = ownBefore[index];
        const after = processTicks(pid);
        if (before === undefined || after === undefined) return undefined;
        own += after - before;
      }
      const total = machineAfter.total - machineBefore.total;
      if (total <= 0) return undefined;
      const other = Math.max(0, machineAfter.busy - machineBefore.busy - own);
      return (other / total) * machineAfter.cores;
    },
  };
}

/**
 * Writes the page cache's dirty pages out now (sync(1)), so that the kernel's writeback of one server's
 * earlier writes does not run, and count as other load, during the next measurement. Where there is no
 * sync(1) it does nothing.
 */
export function flushDirtyPages(): void {
  try {
    execFileSync('sync', { stdio: 'ignore' });
  } catch {
    // Not available here: measurements may then overlap writeback, which the load probe will show.
  }
}
