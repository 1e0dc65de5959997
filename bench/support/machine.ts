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

/** The Markdown lines every results file starts its run description with: when, and on what machine. */
export function machineLines(machine: Machine): string[] {
  return [
    `- date: ${machine.date}`,
    `- node ${machine.node}, ${machine.platform}, ${machine.cpuCount} × ${machine.cpuModel}, ${machine.memoryGiB} GiB`,
  ];
}

/** A benchmark's settings as one Markdown line: `- settings: name value, …`. */
export function settingsLine(settings: Readonly<Record<string, unknown>>): string {
  return `- settings: ${Object.entries(settings)
    .map(([name, value]) => `${name} ${String(value)}`)
    .join(', ')}`;
}
