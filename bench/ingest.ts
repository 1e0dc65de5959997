import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { encodeScanMessage } from '../layers/core/src/domain/index.ts';
import { summariseProfiles, type ProfileSummary } from './support/cpu-profile.ts';
import { startStackProcess, type StackLogCounts } from './support/local-stack.ts';
import { describeMachine } from './support/machine.ts';
import { writeResults } from './support/results.ts';
import { ScanStream } from './support/scan-journeys.ts';
import { StepClock } from './support/step-clock.ts';
import { measureHandlerCpu, type CpuStep } from './ingest/handler-cpu.ts';
import { measureQueue, type QueueMeasurement } from './ingest/queue-load.ts';
import { checkTargets, renderMarkdown, renderText, type IngestReport, type PayloadSizes } from './ingest/report.ts';
import { measureWebhook, type WebhookMeasurement } from './ingest/webhook-load.ts';
import { positive } from './support/options.ts';

/**
 * `npm run bench -- ingest`: scan ingestion, (a) the handlers' CPU per event in process against `JSON.parse` of the
 * same payloads, (b) signed webhook batches through the local gateway from several partners at once, (c) hub
 * scanners' messages through MNS until every scan is in Tablestore. See bench/results/ingest.md for what each
 * part measures.
 */

const USAGE = `usage: npm run bench -- ingest [options]
  --partners LIST       concurrent senders of each webhook level (default 1,4,8)
  --batch N             events per webhook request (default 100)
  --duration S          measured seconds per webhook level (default 8)
  --warmup S            unrecorded seconds before each level (default 2)
  --queue-messages N    events sent through MNS, one per message (default 16000)
  --queue-senders N     concurrent MNS producers (default 4)
  --queue-batch N       messages per batchSendMessage (default 16)
  --cpu-rounds N        rounds of the in-process CPU measurement; the median counts (default 5)
  --cpu-ms MS           CPU per step and round (default 200)
  --profile DIR         run the stack under node --cpu-prof, profiles in a new directory under DIR,
                        summarised in the results; such a run is slower, so it writes ingest-profile.*`;

interface Settings {
  partners: number[];
  batchEvents: number;
  durationMs: number;
  warmupMs: number;
  queueMessages: number;
  queueSenders: number;
  queueBatch: number;
  cpuRounds: number;
  cpuMs: number;
  profileDir: string | undefined;
}

function parseSettings(args: string[]): Settings | undefined {
  const { values } = parseArgs({
    args,
    options: {
      partners: { type: 'string', default: '1,4,8' },
      batch: { type: 'string', default: '100' },
      duration: { type: 'string', default: '8' },
      warmup: { type: 'string', default: '2' },
      'queue-messages': { type: 'string', default: '16000' },
      'queue-senders': { type: 'string', default: '4' },
      'queue-batch': { type: 'string', default: '16' },
      'cpu-rounds': { type: 'string', default: '5' },
      'cpu-ms': { type: 'string', default: '200' },
      profile: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return undefined;
  const batchEvents = positive('batch', values.batch, true);
  if (batchEvents > 500) throw new Error('--batch must be at most 500 (the webhook limit)');
  return {
    partners: values.partners.split(',').map((text) => positive('partners', text, true)),
    batchEvents,
    durationMs: positive('duration', values.duration, false) * 1000,
    warmupMs: positive('warmup', values.warmup, false) * 1000,
    queueMessages: positive('queue-messages', values['queue-messages'], true),
    queueSenders: positive('queue-senders', values['queue-senders'], true),
    queueBatch: Math.min(16, positive('queue-batch', values['queue-batch'], true)),
    cpuRounds: positive('cpu-rounds', values['cpu-rounds'], true),
    cpuMs: positive('cpu-ms', values['cpu-ms'], false),
    profileDir: values.profile === undefined ? undefined : join(resolve(values.profile), `ingest-${Date.now()}`),
  };
}

function log(line: string): void {
  process.stderr.write(`[bench ingest] ${line}\n`);
}

function payloadSizes(batchEvents: number): PayloadSizes {
  const events = new ScanStream({ stream: 999, waybillsInFlight: 1000 }).next(1000);
  const bytes = events.reduce((total, event) => total + Buffer.byteLength(JSON.stringify(event)), 0);
  return {
    bytesPerEvent: Math.round(bytes / events.length),
    webhookBodyBytes: Buffer.byteLength(JSON.stringify({ events: events.slice(0, batchEvents) })),
    queueMessageBodyBytes: Math.round(events.reduce((total, event) => total + encodeScanMessage(event).length, 0) / events.length),
  };
}

export async function main(args: string[]): Promise<void> {
  const settings = parseSettings(args);
  if (settings === undefined) {
    console.log(USAGE);
    return;
  }
  const started = performance.now();
  const clock = new StepClock(log);

  const handlerCpu: CpuStep[] = await clock.time('(a) handler CPU per event, in process', () =>
    measureHandlerCpu({ rounds: settings.cpuRounds, cpuMsPerRound: settings.cpuMs, webhookBatchEvents: settings.batchEvents, queueBatchMessages: settings.queueBatch }, log),
  );

  const dataDir = mkdtempSync(join(tmpdir(), 'parcelscan-bench-ingest-'));
  const webhook: WebhookMeasurement[] = [];
  let queue: QueueMeasurement;
  let stackLog: StackLogCounts;
  try {
    const stack = await clock.time('start the local stack (builds the functions and the layer)', () =>
      startStackProcess({ dataDir, ...(settings.profileDir === undefined ? {} : { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${settings.profileDir}`] }) }),
    );
    try {
      for (const [index, partners] of settings.partners.entries()) {
        const measured = await clock.time(`(b) webhook, ${partners} partner${partners === 1 ? '' : 's'}`, () =>
          measureWebhook(stack, { partners, batchEvents: settings.batchEvents, warmupMs: settings.warmupMs, durationMs: settings.durationMs, firstStream: 100 * (index + 1) }),
        );
        log(`  ${Math.round(measured.eventsPerSecond)} events/s, p50 ${measured.p50Ms.toFixed(1)} ms, p99 ${measured.p99Ms.toFixed(1)} ms, stack ${measured.stackCpu?.cores.toFixed(2) ?? '?'} cores`);
        webhook.push(measured);
      }
      queue = await clock.time(`(c) MNS, ${settings.queueMessages} messages`, () =>
        measureQueue(stack, {
          senders: settings.queueSenders,
          messages: settings.queueMessages,
          batchMessages: settings.queueBatch,
          firstStream: 900 - 10 * settings.queueSenders,
          pollIntervalMs: 200,
          timeoutMs: 300_000,
        }),
      );
      log(`  ${Math.round(queue.eventsPerSecond)} events/s, all stored after ${queue.allStoredSeconds.toFixed(2)} s`);
    } finally {
      stackLog = await clock.time('stop the local stack', () => stack.stop());
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  const profiles: ProfileSummary[] = settings.profileDir === undefined ? [] : summariseProfiles(settings.profileDir, 12);

  const report: IngestReport = {
    machine: describeMachine(new Date()),
    settings: {
      batchEvents: settings.batchEvents,
      partners: settings.partners.join(','),
      durationSeconds: settings.durationMs / 1000,
      warmupSeconds: settings.warmupMs / 1000,
      queueMessages: settings.queueMessages,
      queueSenders: settings.queueSenders,
      queueBatch: settings.queueBatch,
      cpuRounds: settings.cpuRounds,
      cpuMsPerRound: settings.cpuMs,
      profile: settings.profileDir !== undefined,
    },
    payloads: payloadSizes(settings.batchEvents),
    handlerCpu,
    webhook,
    queue,
    stackLog,
    targets: checkTargets(handlerCpu, webhook, queue),
    profiles,
    steps: clock.steps,
    totalSeconds: Number(((performance.now() - started) / 1000).toFixed(1)),
  };
  console.log(renderText(report));
  // A profiled run is slower: its results go beside the plain run's, not over them.
  const resultsName = settings.profileDir === undefined ? 'ingest' : 'ingest-profile';
  for (const path of writeResults(resultsName, report, renderMarkdown(report))) console.log(`wrote ${path}`);
}
