import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ChildServer } from './support/child-process.ts';
import { describeMachine } from './support/machine.ts';
import { flushDirtyPages, startLoadProbe } from './support/machine-load.ts';
import { writeResults } from './support/results.ts';
import { StepClock } from './support/step-clock.ts';
import { buildReport, RANGE_LATENCY, renderMarkdown, renderText, rowsLabel, type TargetRun } from './tablestore/report.ts';
import { ScanDataset } from './tablestore/scan-dataset.ts';
import { ScanTableClient } from './tablestore/sdk.ts';
import { createScanTable, loadScansInChild, startLocalTablestore, startStubTablestore } from './tablestore/servers.ts';
import { FULL_SET, ScanWorkload, type Phase } from './tablestore/workload.ts';
import { positive } from './support/options.ts';

/**
 * `npm run bench -- tablestore [--huge]`: the local Tablestore server through the official SDK, against the
 * floor the SDK allows on this machine (a stub answering at once), all measured in one run. The servers run
 * side by side in their own processes; each phase takes turns across them, for several rounds, so that
 * the ratios compare measurements taken moments apart on this shared machine.
 */

const USAGE = `usage: npm run bench -- tablestore [options]
  --duration S     measured seconds per phase, server and round (default 3)
  --warmup S       unrecorded seconds before each (default 1)
  --rounds N       turns each phase takes across the servers; the best counts (default 2)
  --rows N         rows of the large table (default 1000000)
  --small-rows N   rows of the small table, for GetRange latency against table size (default 1000)
  --huge           also a table of --huge-rows rows, for the same comparison (loading takes minutes)
  --huge-rows N    (default 10000000)
  --profile DIR    run the local servers under node --cpu-prof, writing their profiles into DIR`;

interface Settings {
  warmupMs: number;
  durationMs: number;
  rounds: number;
  rows: number;
  smallRows: number;
  hugeRows: number | undefined;
  profileDir: string | undefined;
}

function parseSettings(args: string[]): Settings | undefined {
  const { values } = parseArgs({
    args,
    options: {
      duration: { type: 'string', default: '3' },
      warmup: { type: 'string', default: '1' },
      rounds: { type: 'string', default: '2' },
      rows: { type: 'string', default: '1000000' },
      'small-rows': { type: 'string', default: '1000' },
      huge: { type: 'boolean', default: false },
      'huge-rows': { type: 'string', default: '10000000' },
      profile: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return undefined;
  return {
    durationMs: positive('duration', values.duration, false) * 1000,
    warmupMs: positive('warmup', values.warmup, false) * 1000,
    rounds: positive('rounds', values.rounds, true),
    rows: positive('rows', values.rows, true),
    smallRows: positive('small-rows', values['small-rows'], true),
    hugeRows: values.huge ? positive('huge-rows', values['huge-rows'], true) : undefined,
    profileDir: values.profile === undefined ? undefined : resolve(values.profile),
  };
}

function log(line: string): void {
  process.stderr.write(`[bench tablestore] ${line}\n`);
}

/** A server being measured: its process, the workload driving it, and what it has measured so far. */
interface Target {
  run: TargetRun;
  server: ChildServer;
  workload: ScanWorkload;
  phases: readonly Phase[];
}

function target(role: TargetRun['role'], name: string, server: ChildServer, rows: number, phases: readonly Phase[], dataset: ScanDataset, settings: Settings): Target {
  return {
    run: { name, role, rowsAtStart: rows, rowsAtEnd: rows, rounds: [] },
    server,
    workload: new ScanWorkload(new ScanTableClient(server.url), dataset, rows, settings),
    phases,
  };
}

/** `parcelscan tablestore` on a new data directory holding the `scans` table with rows [0, rows) of the dataset. */
async function localServer(rows: number, dataDir: string, settings: Settings, clock: StepClock): Promise<ChildServer> {
  await createScanTable(dataDir);
  if (rows > 0) await clock.time(`bulk load of ${rowsLabel(rows)} rows`, () => loadScansInChild(dataDir, rows, Date.now()));
  return startLocalTablestore(dataDir, settings.profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${settings.profileDir}`]);
}

async function startTargets(root: string, dataset: ScanDataset, settings: Settings, clock: StepClock, targets: Target[]): Promise<void> {
  const local = (rows: number, directory: string) => localServer(rows, join(root, directory), settings, clock);
  targets.push(target('floor', 'floor', await startStubTablestore(), 0, FULL_SET, dataset, settings));
  targets.push(target('empty', 'local, empty', await local(0, 'empty'), 0, FULL_SET, dataset, settings));
  targets.push(target('large', `local, ${rowsLabel(settings.rows)}`, await local(settings.rows, 'large'), settings.rows, FULL_SET, dataset, settings));
  targets.push(target('small', `local, ${rowsLabel(settings.smallRows)}`, await local(settings.smallRows, 'small'), settings.smallRows, [RANGE_LATENCY], dataset, settings));
  if (settings.hugeRows !== undefined) {
    targets.push(target('huge', `local, ${rowsLabel(settings.hugeRows)}`, await local(settings.hugeRows, 'huge'), settings.hugeRows, [RANGE_LATENCY], dataset, settings));
  }
}

const same = (a: Phase, b: Phase): boolean => a.operation === b.operation && a.concurrency === b.concurrency;

async function measurePhase(phase: Phase, targets: readonly Target[], rounds: number): Promise<void> {
  for (let round = 1; round <= rounds; round++) {
    // Alternate the order, so that no server always goes first (when the client is least warm) or last.
    for (const { run, server, workload, phases } of round % 2 === 1 ? targets : [...targets].reverse()) {
      if (!phases.some((candidate) => same(candidate, phase))) continue;
      flushDirtyPages();
      const probe = startLoadProbe([process.pid, server.pid]);
      const measurement = await workload.run(phase);
      const otherCores = probe.stop() ?? null;
      run.rounds.push({ ...measurement, otherCores });
      run.rowsAtEnd = workload.rowCount;
      log(
        `  round ${round}, ${run.name}: ${Math.round(measurement.callsPerSecond)} calls/s, ${Math.round(measurement.rowsPerSecond)} rows/s, ` +
          `p50 ${measurement.p50Ms.toFixed(2)} ms, p99 ${measurement.p99Ms.toFixed(2)} ms, other load ${otherCores?.toFixed(2) ?? '?'} cores`,
      );
    }
  }
}

export async function main(args: string[]): Promise<void> {
  const settings = parseSettings(args);
  if (settings === undefined) {
    console.log(USAGE);
    return;
  }
  const started = performance.now();
  const clock = new StepClock(log);
  const dataset = new ScanDataset();
  const root = mkdtempSync(join(tmpdir(), 'parcelscan-bench-tablestore-'));
  const targets: Target[] = [];
  try {
    await clock.time('start the stub and the local servers, create and fill their tables', () => startTargets(root, dataset, settings, clock, targets));
    for (const phase of FULL_SET) {
      await clock.time(`${phase.operation} ×${phase.concurrency}, ${settings.rounds} round${settings.rounds === 1 ? '' : 's'}`, () => measurePhase(phase, targets, settings.rounds));
    }
  } finally {
    await Promise.all(targets.map(({ server }) => server.stop()));
    rmSync(root, { recursive: true, force: true });
  }

  const report = buildReport(
    targets.map(({ run }) => run),
    {
      machine: describeMachine(new Date()),
      settings: {
        durationSeconds: settings.durationMs / 1000,
        warmupSeconds: settings.warmupMs / 1000,
        rounds: settings.rounds,
        rows: settings.rows,
        smallRows: settings.smallRows,
        hugeRows: settings.hugeRows ?? null,
      },
      steps: clock.steps,
      totalSeconds: Number(((performance.now() - started) / 1000).toFixed(1)),
    },
  );
  console.log(renderText(report));
  for (const path of writeResults('tablestore', report, renderMarkdown(report))) console.log(`wrote ${path}`);
}
