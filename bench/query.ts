import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ParcelTracking, WaybillNo } from '../layers/core/src/domain/index.ts';
import { runChild } from './support/child-process.ts';
import { summariseProfiles } from './support/cpu-profile.ts';
import { HttpClient } from './support/http-client.ts';
import { startStackProcess, type StackProcess } from './support/local-stack.ts';
import { describeMachine } from './support/machine.ts';
import { runMeasuredLoad } from './support/measured-load.ts';
import { seededRandom } from './support/random.ts';
import { writeResults } from './support/results.ts';
import { SCANS_PER_WAYBILL } from './support/scan-journeys.ts';
import { StepClock } from './support/step-clock.ts';
import { gatewayReader, layerReader, sdkReader, type Reader } from './query/readers.ts';
import { checkTargets, renderMarkdown, renderText, type DataSet, type QueryMeasurement, type QueryReport, type QueryRound } from './query/report.ts';
import { trackedWaybillNo } from './query/tracked-parcels.ts';
import { positive } from './support/options.ts';

/**
 * `npm run bench -- query`: GET /v1/parcels/{waybillNo} through the local gateway on a store of a million scan
 * events, one query at a time and several at once, beside the floor of the same two reads straight through the
 * SDK against the same server. See bench/results/query.md for what each row measures.
 */

const USAGE = `usage: npm run bench -- query [options]
  --parcels N        parcels loaded, each with ${SCANS_PER_WAYBILL} scans (default 50000: 1,000,000 scan events)
  --concurrency LIST queries in flight (default 1,8; the gateway runs at most 10 instances per function)
  --duration S       measured seconds per reader, level and round (default 4)
  --warmup S         unrecorded seconds before each (default 1)
  --rounds N         turns each level takes across the readers; the best counts (default 2)
  --warm-queries N   queries per function instance before anything is measured (default 600): a new instance is
                     slower for its first few hundred queries
  --profile DIR      run the stack under node --cpu-prof, profiles in a new directory under DIR,
                     summarised in the results; such a run is slower, so it writes query-profile.*`;

interface Settings {
  parcels: number;
  concurrency: number[];
  durationMs: number;
  warmupMs: number;
  rounds: number;
  warmQueries: number;
  profileDir: string | undefined;
}

const BULK_LOAD = fileURLToPath(new URL('./query/bulk-load.ts', import.meta.url));
const TSX = ['--import', import.meta.resolve('tsx')];

function parseSettings(args: string[]): Settings | undefined {
  const { values } = parseArgs({
    args,
    options: {
      parcels: { type: 'string', default: '50000' },
      concurrency: { type: 'string', default: '1,8' },
      duration: { type: 'string', default: '4' },
      warmup: { type: 'string', default: '1' },
      rounds: { type: 'string', default: '2' },
      'warm-queries': { type: 'string', default: '600' },
      profile: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return undefined;
  const concurrency = values.concurrency.split(',').map((text) => positive('concurrency', text, true));
  if (concurrency.some((level) => level > 10)) throw new Error('--concurrency: the local runtime runs at most 10 instances of a function; past them it answers 429');
  return {
    parcels: positive('parcels', values.parcels, true),
    concurrency,
    durationMs: positive('duration', values.duration, false) * 1000,
    warmupMs: positive('warmup', values.warmup, false) * 1000,
    rounds: positive('rounds', values.rounds, true),
    warmQueries: positive('warm-queries', values['warm-queries'], true),
    profileDir: values.profile === undefined ? undefined : join(resolve(values.profile), `query-${Date.now()}`),
  };
}

function log(line: string): void {
  process.stderr.write(`[bench query] ${line}\n`);
}

function directoryBytes(directory: string): number {
  return readdirSync(directory).reduce((total, name) => total + statSync(join(directory, name)).size, 0);
}

/** One answer through the gateway, checked in full: what every later 200 is assumed to hold. */
async function checkedAnswerBytes(stack: StackProcess, waybillNo: string): Promise<number> {
  const http = new HttpClient(stack.gatewayUrl, 1);
  try {
    const answer = await http.send('GET', `/v1/parcels/${waybillNo}`);
    if (answer.status !== 200) throw new Error(`GET /v1/parcels/${waybillNo} answered ${answer.status}: ${answer.body}`);
    const tracking = JSON.parse(answer.body) as ParcelTracking;
    if (tracking.events.length !== SCANS_PER_WAYBILL || tracking.status !== 'DELIVERED' || tracking.order === undefined) {
      throw new Error(`GET /v1/parcels/${waybillNo} is not the whole journey with its order: ${answer.body.slice(0, 500)}`);
    }
    return Buffer.byteLength(answer.body);
  } finally {
    http.close();
  }
}

/**
 * Brings as many tracking-api instances as the busiest level uses past their first queries, which are slower while
 * V8 compiles and optimises the hot paths. (They were much slower before the layer ended Node's DEP0005 stack-walk
 * checks at its first Tablestore client: store/buffer-deprecation-checks.ts.)
 */
async function warmInstances(stack: StackProcess, instances: number, queriesPerInstance: number, parcels: number): Promise<void> {
  const reader = gatewayReader(stack, instances);
  const random = seededRandom(20_261_110);
  let left = instances * queriesPerInstance;
  const worker = async (): Promise<void> => {
    while (left-- > 0) await reader.query(trackedWaybillNo(Math.floor(random() * parcels)) as WaybillNo);
  };
  try {
    await Promise.all(Array.from({ length: instances }, worker));
  } finally {
    reader.close();
  }
}

async function measureLevel(stack: StackProcess, readers: readonly Reader[], concurrency: number, settings: Settings, rounds: Map<Reader, QueryRound[]>): Promise<void> {
  const random = seededRandom(20_261_111 + concurrency);
  const nextWaybill = (): WaybillNo => trackedWaybillNo(Math.floor(random() * settings.parcels)) as WaybillNo;
  for (let round = 1; round <= settings.rounds; round++) {
    // Alternate the order, so that no reader always goes first (when the stack is least warm) or last.
    for (const reader of round % 2 === 1 ? readers : [...readers].reverse()) {
      const measured = await runMeasuredLoad({ concurrency, warmupMs: settings.warmupMs, durationMs: settings.durationMs, call: () => reader.query(nextWaybill()) }, stack.pid);
      rounds.get(reader)?.push({ round, ...measured });
      log(
        `  round ${round}, ${reader.name} ×${concurrency}: ${Math.round(measured.callsPerSecond)} queries/s, p50 ${measured.p50Ms.toFixed(2)} ms, ` +
          `p99 ${measured.p99Ms.toFixed(2)} ms, stack ${measured.stackCpu?.cores.toFixed(2) ?? '?'} cores, other load ${measured.otherCores?.toFixed(2) ?? '?'} cores`,
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
  const dataDir = mkdtempSync(join(tmpdir(), 'parcelscan-bench-query-'));
  const measurements: QueryMeasurement[] = [];
  let data: DataSet;
  try {
    const scanEvents = settings.parcels * SCANS_PER_WAYBILL;
    await clock.time(`create the tables, bulk-load ${scanEvents.toLocaleString('en-US')} scan events of ${settings.parcels.toLocaleString('en-US')} parcels`, () =>
      runChild([...TSX, BULK_LOAD, dataDir, String(settings.parcels), String(Date.now())]),
    );
    const storageBytes = directoryBytes(join(dataDir, 'tablestore'));
    const stack = await clock.time('start the local stack on the data (builds the functions and the layer)', () =>
      startStackProcess({ dataDir, ...(settings.profileDir === undefined ? {} : { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${settings.profileDir}`] }) }),
    );
    try {
      const instances = Math.max(...settings.concurrency);
      await clock.time(`warm ${instances} tracking-api instance${instances === 1 ? '' : 's'}: ${settings.warmQueries} queries each`, () =>
        warmInstances(stack, instances, settings.warmQueries, settings.parcels),
      );
      data = { parcels: settings.parcels, scansPerParcel: SCANS_PER_WAYBILL, scanEvents, storageBytes, answerBytes: await checkedAnswerBytes(stack, trackedWaybillNo(settings.parcels - 1)) };
      for (const concurrency of settings.concurrency) {
        const readers = [sdkReader(stack, SCANS_PER_WAYBILL), layerReader(stack, SCANS_PER_WAYBILL), gatewayReader(stack, concurrency)];
        const rounds = new Map(readers.map((reader): [Reader, QueryRound[]] => [reader, []]));
        try {
          await clock.time(`${concurrency} in flight, ${settings.rounds} round${settings.rounds === 1 ? '' : 's'} of each reader`, () => measureLevel(stack, readers, concurrency, settings, rounds));
        } finally {
          for (const reader of readers) reader.close();
        }
        for (const [reader, measured] of rounds) {
          const best = [...measured].sort((a, b) => b.callsPerSecond - a.callsPerSecond)[0];
          if (best !== undefined) measurements.push({ reader: reader.name, concurrency, best, rounds: measured });
        }
      }
    } finally {
      const logged = await clock.time('stop the local stack', () => stack.stop());
      if (logged.errors > 0) log(`the stack logged ${logged.errors} errors (the first ones are above)`);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }

  const report: QueryReport = {
    machine: describeMachine(new Date()),
    settings: {
      parcels: settings.parcels,
      concurrency: settings.concurrency.join(','),
      durationSeconds: settings.durationMs / 1000,
      warmupSeconds: settings.warmupMs / 1000,
      rounds: settings.rounds,
      warmQueriesPerInstance: settings.warmQueries,
      profile: settings.profileDir !== undefined ? 'yes' : 'no',
    },
    data,
    measurements,
    targets: checkTargets(measurements),
    profiles: settings.profileDir === undefined ? [] : summariseProfiles(settings.profileDir, 12),
    steps: clock.steps,
    totalSeconds: Number(((performance.now() - started) / 1000).toFixed(1)),
  };
  console.log(renderText(report));
  // A profiled run is slower: its results go beside the plain run's, not over them.
  const resultsName = settings.profileDir === undefined ? 'query' : 'query-profile';
  for (const path of writeResults(resultsName, report, renderMarkdown(report))) console.log(`wrote ${path}`);
}
