import { machineLines, type Machine } from '../support/machine.ts';
import { markdownTable, textTable, type Cell } from '../support/results.ts';
import type { Step } from '../support/step-clock.ts';
import type { Measurement, Phase } from './workload.ts';

/**
 * What one run of the Tablestore benchmark found, held against the targets of
 * bench/README.md: each headline operation at ≥ 70% of the floor's throughput on the
 * large table, and GetRange(100) one at a time on 10⁷ rows within 1.2× of its time on 10³ rows.
 */

const THROUGHPUT_TARGET = 0.7;
const RANGE_SCALING_TARGET = 1.2;
export const RANGE_LATENCY: Phase = { operation: 'GetRange(100)', concurrency: 1 };
/** The phases whose throughput on the large table is held to THROUGHPUT_TARGET. */
const HELD_TO_TARGET: readonly Phase[] = [
  { operation: 'PutRow', concurrency: 32 },
  { operation: 'BatchWriteRow(200)', concurrency: 8 },
  { operation: 'GetRow', concurrency: 32 },
  { operation: 'GetRange(100)', concurrency: 8 },
];

/** One round of one phase, with the cores other processes on the machine used meanwhile (machine-load.ts). */
export interface RoundMeasurement extends Measurement {
  otherCores: number | null;
}

/** Every round of every phase measured against one server. */
export interface TargetRun {
  name: string;
  role: 'floor' | 'empty' | 'large' | 'small' | 'huge';
  rowsAtStart: number;
  rowsAtEnd: number;
  rounds: RoundMeasurement[];
}

export interface Settings {
  durationSeconds: number;
  warmupSeconds: number;
  rounds: number;
  rows: number;
  smallRows: number;
  hugeRows: number | null;
}

interface RoundSummary {
  callsPerSecond: number;
  rowsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  otherCores: number | null;
}

interface PhaseResult extends RoundMeasurement {
  /** This phase's best round's throughput over the floor's best round's. */
  throughputVsFloor: number | null;
  /** This phase's best round's p50 over the floor's. */
  p50VsFloor: number | null;
  rounds: RoundSummary[];
}

interface TargetResult extends Omit<TargetRun, 'rounds'> {
  /** Per phase, the round with the highest throughput: the least disturbed by other work on the machine. */
  phases: PhaseResult[];
}

/** Above this many cores of other load during either side of a comparison, the verdict is marked disturbed. */
const DISTURBED_CORES = 0.25;

interface Check {
  check: string;
  ratio: number;
  target: string;
  met: boolean;
  /** The most cores other processes used while either measurement compared ran; null where unknown. */
  otherCores: number | null;
}

interface RangeScaling {
  smallRows: number;
  largeRows: number;
  smallP50Ms: number;
  largeP50Ms: number;
  p50Ratio: number;
  p99Ratio: number;
  target: number;
  met: boolean;
  otherCores: number | null;
}


export interface Report {
  benchmark: 'tablestore';
  machine: Machine;
  settings: Settings;
  checks: Check[];
  rangeScaling: RangeScaling[];
  targets: TargetResult[];
  steps: Step[];
  totalSeconds: number;
}

const same = (a: Phase, b: Phase): boolean => a.operation === b.operation && a.concurrency === b.concurrency;
const round = (value: number, digits: number): number => Number(value.toFixed(digits));
const count = (rows: number): string => rows.toLocaleString('en-US');

export function rowsLabel(rows: number): string {
  const exponent = Math.log10(rows);
  return Number.isInteger(exponent) ? `10^${exponent}` : count(rows);
}

function best(rounds: readonly RoundMeasurement[], phase: Phase): RoundMeasurement | undefined {
  return rounds.filter((m) => same(m, phase)).reduce<RoundMeasurement | undefined>((top, m) => (top === undefined || m.rowsPerSecond > top.rowsPerSecond ? m : top), undefined);
}

const cores = (value: number | null): number | null => (value === null ? null : round(value, 2));

function phasesOf(run: TargetRun): Phase[] {
  return run.rounds.filter((m, index) => run.rounds.findIndex((other) => same(other, m)) === index).map(({ operation, concurrency }) => ({ operation, concurrency }));
}

function summarize(run: TargetRun, floor: TargetRun | undefined): TargetResult {
  const { rounds, ...rest } = run;
  const phases = phasesOf(run).map((phase): PhaseResult => {
    const top = best(rounds, phase) as RoundMeasurement;
    const base = floor === undefined || floor === run ? undefined : best(floor.rounds, phase);
    return {
      ...top,
      callsPerSecond: round(top.callsPerSecond, 1),
      rowsPerSecond: round(top.rowsPerSecond, 1),
      meanMs: round(top.meanMs, 3),
      p50Ms: round(top.p50Ms, 3),
      p99Ms: round(top.p99Ms, 3),
      maxMs: round(top.maxMs, 3),
      otherCores: cores(top.otherCores),
      throughputVsFloor: base === undefined ? null : round(top.rowsPerSecond / base.rowsPerSecond, 3),
      p50VsFloor: base === undefined ? null : round(top.p50Ms / base.p50Ms, 3),
      rounds: rounds
        .filter((m) => same(m, phase))
        .map((m) => ({
          callsPerSecond: round(m.callsPerSecond, 1),
          rowsPerSecond: round(m.rowsPerSecond, 1),
          p50Ms: round(m.p50Ms, 3),
          p99Ms: round(m.p99Ms, 3),
          otherCores: cores(m.otherCores),
        })),
    };
  });
  return { ...rest, phases };
}

function scaling(small: TargetResult | undefined, large: TargetResult | undefined): RangeScaling | undefined {
  const a = small?.phases.find((m) => same(m, RANGE_LATENCY));
  const b = large?.phases.find((m) => same(m, RANGE_LATENCY));
  if (small === undefined || large === undefined || a === undefined || b === undefined) return undefined;
  const p50Ratio = b.p50Ms / a.p50Ms;
  return {
    smallRows: small.rowsAtStart,
    largeRows: large.rowsAtStart,
    smallP50Ms: a.p50Ms,
    largeP50Ms: b.p50Ms,
    p50Ratio: round(p50Ratio, 3),
    p99Ratio: round(b.p99Ms / a.p99Ms, 3),
    target: RANGE_SCALING_TARGET,
    met: p50Ratio <= RANGE_SCALING_TARGET,
    otherCores: mostOtherLoad(a, b),
  };
}

function mostOtherLoad(...measurements: (PhaseResult | undefined)[]): number | null {
  const loads = measurements.map((m) => m?.otherCores ?? null);
  return loads.some((load) => load === null) ? null : Math.max(...(loads as number[]));
}

export function buildReport(runs: readonly TargetRun[], context: { machine: Machine; settings: Settings; steps: Step[]; totalSeconds: number }): Report {
  const floor = runs.find((run) => run.role === 'floor');
  const targets = runs.map((run) => summarize(run, floor));
  const byRole = (role: TargetRun['role']) => targets.find((target) => target.role === role);
  const large = byRole('large');
  const floorResult = byRole('floor');
  const checks = HELD_TO_TARGET.map((phase): Check => {
    const measured = large?.phases.find((m) => same(m, phase));
    const ratio = measured?.throughputVsFloor ?? Number.NaN;
    return {
      check: `${phase.operation} ×${phase.concurrency} on ${rowsLabel(large?.rowsAtStart ?? 0)} rows, rows/s vs floor`,
      ratio,
      target: `≥ ${THROUGHPUT_TARGET * 100}%`,
      met: ratio >= THROUGHPUT_TARGET,
      otherCores: mostOtherLoad(measured, floorResult?.phases.find((m) => same(m, phase))),
    };
  });
  const rangeScaling = [scaling(byRole('small'), large), scaling(byRole('small'), byRole('huge'))].filter((entry) => entry !== undefined);
  return { benchmark: 'tablestore', machine: context.machine, settings: context.settings, checks, rangeScaling, targets, steps: context.steps, totalSeconds: context.totalSeconds };
}

const RESULT_HEADER = ['table', 'operation', 'in flight', 'calls/s', 'rows/s', 'p50 ms', 'p99 ms', 'rows/s vs floor', 'p50 vs floor', 'other load'];
const CHECK_HEADER = ['check', 'measured', 'target', ''];

function resultRows(report: Report): Cell[][] {
  return report.targets.flatMap((target) =>
    target.phases.map((m) => [
      target.name,
      m.operation,
      m.concurrency,
      Math.round(m.callsPerSecond),
      Math.round(m.rowsPerSecond),
      round(m.p50Ms, 2),
      round(m.p99Ms, 2),
      m.throughputVsFloor === null ? '—' : `${Math.round(m.throughputVsFloor * 100)}%`,
      m.p50VsFloor === null ? '—' : `${round(m.p50VsFloor, 2)}×`,
      m.otherCores === null ? '?' : `${m.otherCores.toFixed(2)} cores`,
    ]),
  );
}

function verdict(met: boolean, otherCores: number | null): string {
  const disturbed = otherCores !== null && otherCores > DISTURBED_CORES;
  return `${met ? 'met' : 'NOT met'}${disturbed ? ` (disturbed: other load ${otherCores.toFixed(2)} cores)` : ''}`;
}

function checkRows(report: Report): Cell[][] {
  return [
    ...report.checks.map((check) => [check.check, `${round(check.ratio * 100, 1)}%`, check.target, verdict(check.met, check.otherCores)]),
    ...report.rangeScaling.map((entry) => [
      `GetRange(100) ×1 p50 on ${rowsLabel(entry.largeRows)} vs ${rowsLabel(entry.smallRows)} rows (${entry.largeP50Ms} vs ${entry.smallP50Ms} ms)`,
      `${entry.p50Ratio}×`,
      `≤ ${entry.target}×`,
      verdict(entry.met, entry.otherCores),
    ]),
  ];
}

function stepRows(report: Report): Cell[][] {
  return [...report.steps.map((step): Cell[] => [step.step, step.seconds]), ['total', report.totalSeconds]];
}

export function renderText(report: Report): string {
  return [textTable(RESULT_HEADER, resultRows(report)), textTable(CHECK_HEADER, checkRows(report)), textTable(['step', 'seconds'], stepRows(report))].join('\n\n');
}

export function renderMarkdown(report: Report): string {
  const { machine, settings } = report;
  return [
    '# Tablestore benchmark',
    '',
    'Written by `npm run bench -- tablestore`, overwritten by every run. The official `tablestore` SDK (maxRetries 0) runs in',
    'the benchmark process, each server in its own process. **floor** is a stub answering every call at once with canned',
    'protobuf answers holding the same rows: what the SDK itself allows on this machine. Ratios are to the floor measured in',
    'this same run. Each measurement is a closed loop (warm-up, then a fixed duration); the phases take turns across the',
    'servers for several rounds, and each cell shows the best round (all rounds are in tablestore.json). **other load** is',
    'the CPU that processes other than the benchmark client and that server used meanwhile, in cores of',
    `${machine.cpuCount}: well above 0 means the machine was shared and the numbers say more about it than about the code.`,
    '',
    ...machineLines(machine),
    `- ${settings.rounds} rounds of ${settings.warmupSeconds} s warm-up + ${settings.durationSeconds} s per phase and server`,
    `- tables: empty, ${count(settings.rows)} rows, ${count(settings.smallRows)} rows${settings.hugeRows === null ? '' : `, ${count(settings.hugeRows)} rows`}`,
    '- row: primary key [partition STRING = md5(waybillNo)[0..4], waybillNo STRING, seq INTEGER]; columns scanType, facilityCode,',
    '  courierId (STRING), lat, lng (DOUBLE). GetRange reads 100 rows forward from a random existing row.',
    '',
    '## Targets',
    '',
    markdownTable(CHECK_HEADER, checkRows(report)),
    '',
    '## Measurements',
    '',
    markdownTable(RESULT_HEADER, resultRows(report)),
    '',
    `Rows in each table, before → after: ${report.targets.map((t) => `${t.name} ${count(t.rowsAtStart)} → ${count(t.rowsAtEnd)}`).join('; ')}.`,
    '',
    '## Time taken',
    '',
    markdownTable(['step', 'seconds'], stepRows(report)),
  ].join('\n');
}
