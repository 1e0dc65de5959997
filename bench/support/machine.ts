import { cpus, totalmem } from 'node:os';

/** Where a result was measured, recorded next to it: absolute numbers only compare within one machine. */
export interface Machine {
  date: string;
  node: string;
  platform: string;
  cpuModel: string;
  cpuCount: number;
  memoryGiB: number;
}

export function describeMachine(now: Date): Machine {
  const cores = cpus();
  return {
    date: now.toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpuModel: cores[0]?.model.trim() ?? 'unknown',
    cpuCount: cores.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
  };
}
