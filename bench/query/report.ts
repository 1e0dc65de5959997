import type { LoadResult } from '../support/closed-loop.ts';
import { profileMarkdown, type ProfileSummary } from '../support/cpu-profile.ts';
import { machineLines, settingsLine, type Machine } from '../support/machine.ts';
import type { CpuUse } from '../support/process-cpu.ts';
import { markdownTable, textTable, type Cell } from '../support/results.ts';
import type { Step } from '../support/step-clock.ts';
import type { ReaderName } from './readers.ts';

/** The tracking benchmark's results as written to bench/results/query.json, and their Markdown and text forms. */

export const TARGETS = { p99Ms: 5, throughputVsFloor: 0.6 } as const;

export interface QueryRound extends LoadResult {
  round: number;
  stackCpu: CpuUse | null;
  clientCores: number;
  otherCores: number | null;
}

export interface QueryMeasurement {
  reader: ReaderName;
  concurrency: number;
  /** The round with the most queries per second; every round is in `rounds`. */
  best: QueryRound;
  rounds: QueryRound[];
}

export interface DataSet {
  parcels: number;
  scansPerParcel: number;
  scanEvents: number;
  /** Bytes of the data directory's Tablestore files after loading. */
  storageBytes: number;
  /** Bytes of one answer of GET /v1/parcels/{waybillNo}. */
  answerBytes: number;
}

export interface TargetCheck {
  check: string;
  measured: string;
  target: string;
  met: boolean;
}

export interface QueryReport {
  machine: Machine;
  settings: Record<string, number | string>;
  data: DataSet;
  measurements: QueryMeasurement[];
  targets: TargetCheck[];
  profiles: ProfileSummary[];
  steps: Step[];
  totalSeconds: number;
}

const FLOOR: ReaderName = 'SDK reads (floor)';
const GATEWAY: ReaderName = 'GET through the gateway';
const cores = (value: number | null | undefined): string => (value === null || value === undefined ? '?' : value.toFixed(2));

function find(measurements: readonly QueryMeasurement[], reader: ReaderName, concurrency: number): QueryMeasurement | undefined {
  return measurements.find((measurement) => measurement.reader === reader && measurement.concurrency === concurrency);
}

export function checkTargets(measurements: readonly QueryMeasurement[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const single = find(measurements, GATEWAY, 1);
  if (single !== undefined) {
    checks.push({ check: 'GET through the gateway, one at a time: p99', measured: `${single.best.p99Ms.toFixed(2)} ms (p50 ${single.best.p50Ms.toFixed(2)} ms)`, target: `≤ ${TARGETS.p99Ms} ms`, met: single.best.p99Ms <= TARGETS.p99Ms });
  }
  for (const gateway of measurements.filter((measurement) => measurement.reader === GATEWAY)) {
    const floor = find(measurements, FLOOR, gateway.concurrency);
    if (floor === undefined) continue;
    const ratio = gateway.best.callsPerSecond / floor.best.callsPerSecond;
    checks.push({
      check: `GET through the gateway ×${gateway.concurrency}: queries/s vs the SDK floor ×${gateway.concurrency}`,
      measured: `${(ratio * 100).toFixed(1)}% (${Math.round(gateway.best.callsPerSecond)} vs ${Math.round(floor.best.callsPerSecond)})`,
      target: `≥ ${TARGETS.throughputVsFloor * 100}%`,
      met: ratio >= TARGETS.throughputVsFloor,
    });
  }
  return checks;
}

function measurementRows(report: QueryReport): Cell[][] {
  return report.measurements.map(({ reader, concurrency, best }) => {
    const floor = find(report.measurements, FLOOR, concurrency);
    const vsFloor = floor === undefined || reader === FLOOR ? '—' : `${((best.callsPerSecond / floor.best.callsPerSecond) * 100).toFixed(0)}%`;
    const p50VsFloor = floor === undefined || reader === FLOOR ? '—' : `${(best.p50Ms / floor.best.p50Ms).toFixed(2)}×`;
    return [
      reader,
      concurrency,
      Math.round(best.callsPerSecond),
      Number(best.p50Ms.toFixed(2)),
      Number(best.p99Ms.toFixed(2)),
      Number(best.maxMs.toFixed(2)),
      vsFloor,
      p50VsFloor,
      `${cores(best.stackCpu?.cores)} (${cores(best.stackCpu?.mainThreadCores)} + ${cores(best.stackCpu?.otherThreadsCores)})`,
      best.stackCpu === null ? '?' : `${perQuery(best.stackCpu.cores, best)} (${perQuery(best.stackCpu.mainThreadCores, best)} + ${perQuery(best.stackCpu.otherThreadsCores, best)})`,
      perQuery(best.clientCores, best),
      cores(best.otherCores),
    ];
  });
}

const MEASUREMENT_HEADER = [
  'reader',
  'in flight',
  'queries/s',
  'p50 ms',
  'p99 ms',
  'max ms',
  'queries/s vs floor',
  'p50 vs floor',
  'stack cores (main + other threads)',
  'stack CPU µs/query (main + other)',
  'client CPU µs/query',
  'other load',
];

/** CPU µs per query of `used` cores. */
function perQuery(used: number, round: QueryRound): string {
  return round.callsPerSecond === 0 ? '?' : Math.round((used * 1e6) / round.callsPerSecond).toString();
}

/**
 * CPU per query of each reader at the busiest level, and the ceiling each puts on queries/s on this machine: computed
 * from the measurements, so that the report says what limits the gateway path beside the floor.
 */
function reading(report: QueryReport): string[] {
  const level = Math.max(...report.measurements.map((measurement) => measurement.concurrency));
  const floor = find(report.measurements, FLOOR, level)?.best;
  const layer = find(report.measurements, 'trackParcel in process', level)?.best;
  const gateway = find(report.measurements, GATEWAY, level)?.best;
  if (floor === undefined || floor.stackCpu === null || gateway === undefined || gateway.stackCpu === null || layer === undefined) return [];
  const micros = (used: number, round: QueryRound): number => Math.round((used * 1e6) / round.callsPerSecond);
  const floorServer = micros(floor.stackCpu.cores, floor);
  const floorClient = micros(floor.clientCores, floor);
  const gatewayMain = micros(gateway.stackCpu.mainThreadCores, gateway);
  const gatewayInstances = micros(gateway.stackCpu.otherThreadsCores, gateway);
  const cores = report.machine.cpuCount;
  return [
    '## Reading',
    '',
    `At ${level} in flight, the floor's two reads cost ${floorClient} µs of CPU per query in the client (the SDK) and ${floorServer} µs in`,
    `the Tablestore server; trackParcel's client costs ${micros(layer.clientCores, layer)} µs. Through the gateway, the function instances spent`,
    `${gatewayInstances} µs per query (the same reads and the answer, plus decoding the FC event, logging, and the hop to and from`,
    `the worker thread) and the stack's main thread ${gatewayMain} µs (the server's share and the gateway's). On ${cores} cores, CPU alone caps`,
    `the gateway path near ${Math.round((cores * 1e6) / (gatewayMain + gatewayInstances))} queries/s and the floor near ${Math.round((cores * 1e6) / (floorClient + floorServer))}.`,
    '',
  ];
}

function targetRows(report: QueryReport): Cell[][] {
  return report.targets.map((check) => [check.check, check.measured, check.target, check.met ? 'met' : 'not met']);
}

export function renderMarkdown(report: QueryReport): string {
  const { machine, settings, data } = report;
  return [
    '# Tracking query benchmark',
    '',
    'Written by `npm run bench -- query`, overwritten by every run. `GET /v1/parcels/{waybillNo}` of random parcels',
    '(seeded) through the local gateway of the local stack, started with a data directory (`--data` semantics) that was',
    'bulk-loaded beforehand with parcels that have each been through a whole journey: the rows recordScans writes for',
    'those scans and the masked order summary on each parcel row, handed straight to the server\'s storage. The stack runs',
    'in its own process. Beside it, from the benchmark process against the same Tablestore server:',
    '',
    '- **SDK reads (floor)**: the same two reads a tracking query makes (one GetRow of the parcel row, one GetRange of its',
    '  scans, sent together) straight through the official `tablestore` SDK;',
    '- **trackParcel in process**: the layer\'s own query (its client with retries, and the domain\'s answer), without the',
    '  gateway and the function instance.',
    '',
    `Before anything is measured, each tracking-api instance answers ${String(report.settings.warmQueriesPerInstance)} queries unrecorded: a new instance is slower for its`,
    'first few hundred, while V8 compiles and optimises the hot paths.',
    '',
    'Each measurement is a closed loop (warm-up, then a fixed duration); the readers take turns for several rounds and',
    'each row shows the round with the most queries per second (all rounds are in query.json). **stack cores** is the CPU',
    'the stack process used (main thread: gateway and Tablestore server; other threads: the function instances), also',
    'given per query; **client CPU** is the benchmark process\'s own per query (for the first two readers, the SDK and the',
    'layer run there); **other load** is what other processes of the machine used meanwhile (well above 0: a shared machine).',
    '',
    ...machineLines(machine),
    `- data: ${data.parcels.toLocaleString('en-US')} parcels × ${data.scansPerParcel} scans = ${data.scanEvents.toLocaleString('en-US')} scan events (+ ${data.parcels.toLocaleString('en-US')} parcel rows), ${(data.storageBytes / 2 ** 20).toFixed(0)} MiB of storage; one answer is ${data.answerBytes} bytes of JSON`,
    settingsLine(settings),
    '',
    '## Targets',
    '',
    markdownTable(['check', 'measured', 'target', ''], targetRows(report)),
    '',
    '## Measurements',
    '',
    markdownTable(MEASUREMENT_HEADER, measurementRows(report)),
    '',
    ...reading(report),
    ...profileMarkdown(report.profiles),
    '## Time taken',
    '',
    markdownTable(['step', 'seconds'], [...report.steps.map((step): Cell[] => [step.step, step.seconds]), ['total', report.totalSeconds]]),
  ].join('\n');
}

export function renderText(report: QueryReport): string {
  return [textTable(['check', 'measured', 'target', ''], targetRows(report)), '', textTable(MEASUREMENT_HEADER, measurementRows(report))].join('\n');
}
