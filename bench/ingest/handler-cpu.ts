import {
  decodeScanMessage,
  defaultScanSource,
  encodeScanMessage,
  parsePartnerRegistry,
  parseScanBatch,
  scanEventKey,
  signPartnerRequest,
  verifyPartnerRequest,
  type FoldableScan,
  type ScanEvent,
  type ScanEventInput,
  type WaybillNo,
} from '../../layers/core/src/domain/index.ts';
import { parseHttpTriggerEvent } from '../../layers/core/src/http/http-event.ts';
import { handleScanWebhook } from '../../layers/core/src/http/scan-webhook.ts';
import { recordScans, type ScanSubmission } from '../../layers/core/src/ingest/record-scans.ts';
import { createLogger, type Logger } from '../../layers/core/src/observability/logger.ts';
import { InvocationMetrics } from '../../layers/core/src/observability/metrics.ts';
import { consumeScanMessages, parseQueueBatch } from '../../layers/core/src/queue/scan-consumer.ts';
import { foldIntoParcels } from '../../layers/core/src/store/parcels-table.ts';
import { writeScans, type RecordedScan } from '../../layers/core/src/store/scan-events-table.ts';
import { buildHttpTriggerEvent, buildQueueTriggerEvent } from '../../infra/local/fc/events.ts';
import { LOCAL_ACCOUNT_ID } from '../../infra/local/fc/runtime.ts';
import { DEMO_PARTNER } from '../../infra/local/stack.ts';
import { parcelsTable } from '../../infra/tables.ts';
import { InstantTablestoreClient } from '../support/instant-tablestore.ts';
import { ScanStream } from '../support/scan-journeys.ts';

/**
 * Part (a) of the ingestion benchmark: the CPU the handlers spend per event on their own work, measured in this
 * process with `process.cpuUsage` around each step, with no storage behind them: InstantTablestoreClient answers
 * at once and keeps the parcels' states in memory, so each fold starts from the parcel's stored state as it would
 * against Tablestore. The floor is `JSON.parse` of the same payload.
 *
 * Two pipelines per path: up to the scan rows (the event's own row in scan_events), and the handler's whole
 * storage-side work, which also folds each scan into its parcel's row (recordScans: read the parcel's state,
 * fold, write it back under its revision).
 *
 * A step runs in a loop until it has used `cpuMsPerRound` of CPU; the steps take turns for `rounds` rounds (after
 * an unrecorded warm-up round) and the median round counts. Steps that write (build rows and what contains it)
 * get payloads never seen before, made just before the calls that use them and not timed: their cost depends on
 * the parcels' states, which grow by one scan per payload. The others cycle through a fixed set.
 */

export type IngestPath = 'webhook' | 'queue';

export interface CpuStep {
  path: IngestPath;
  step: string;
  /** The floor; a part of the pipelines; a pipeline (a numerator of the target); or beside them, for context. */
  role: 'floor' | 'part' | 'pipeline' | 'context';
  /** Median over the rounds. */
  microsPerEvent: number;
  rounds: number[];
}

export interface HandlerCpuSettings {
  rounds: number;
  cpuMsPerRound: number;
  webhookBatchEvents: number;
  queueBatchMessages: number;
}

interface Workload {
  path: IngestPath;
  step: string;
  role: CpuStep['role'];
  eventsPerCall: number;
  /** Makes the payloads of at least `calls` calls, before the calls are timed. */
  prepare(calls: number): void;
  /** One call; a promise is awaited (the use cases are async even when storage answers at once). */
  call(): unknown;
}

/** Payloads cycled through by the steps that do not depend on stored state. */
const CYCLED_PAYLOADS = 16;
/** Parcels whose journeys each stream interleaves (see ScanStream). */
const WAYBILLS_IN_FLIGHT = 1000;
const DEADLINE_MS = 60_000;
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLS_PER_CHUNK = 8;

/** Payloads made ahead of the calls that use them, each used once. */
class FreshPayloads<T> {
  private queue: (T | undefined)[] = [];
  private next = 0;

  constructor(private readonly make: () => T) {}

  prepare(calls: number): void {
    this.queue = this.queue.slice(this.next);
    this.next = 0;
    while (this.queue.length < calls) this.queue.push(this.make());
  }

  take(): T {
    const payload = this.queue[this.next];
    if (payload === undefined) return this.make();
    this.queue[this.next++] = undefined;
    return payload;
  }
}

function cycled<T>(make: () => T): () => T {
  const payloads = Array.from({ length: CYCLED_PAYLOADS }, make);
  let next = 0;
  return () => payloads[next++ % payloads.length] as T;
}

function parsedEvents(inputs: readonly ScanEventInput[]): ScanEvent[] {
  const batch = parseScanBatch({ events: inputs });
  if (!batch.ok || batch.rejected.length > 0) throw new Error('the benchmark generated an invalid scan event');
  return batch.accepted.map(({ event }) => event);
}

function recordedScans(events: readonly ScanEvent[], partnerId: string, channel: RecordedScan['channel']): RecordedScan[] {
  const receivedAtMs = Date.now();
  return events.map((event) => ({ event, eventKey: scanEventKey(partnerId, event.eventId), partnerId, channel, receivedAtMs, traceId: TRACE_ID }));
}

function scansByWaybill(events: readonly ScanEvent[], partnerId: string): Map<WaybillNo, FoldableScan[]> {
  const byWaybill = new Map<WaybillNo, FoldableScan[]>();
  for (const event of events) {
    const scans = byWaybill.get(event.waybillNo) ?? [];
    scans.push({ event, eventKey: scanEventKey(partnerId, event.eventId) });
    byWaybill.set(event.waybillNo, scans);
  }
  return byWaybill;
}

/**
 * The two parts of building rows, each on its own stream of new scans and its own store: the scan rows alone
 * (writeScans) and the parcel rows alone (foldIntoParcels).
 */
function storageSteps(path: IngestPath, eventsPerCall: number, firstStream: number, partnerId: string, channel: RecordedScan['channel']): {
  scanRows: Workload;
  parcelRows: Workload;
} {
  const scanStream = new ScanStream({ stream: firstStream, waybillsInFlight: WAYBILLS_IN_FLIGHT });
  const scanPayloads = new FreshPayloads(() => recordedScans(parsedEvents(scanStream.next(eventsPerCall)), partnerId, channel));
  const scanStore = new InstantTablestoreClient();
  const parcelStream = new ScanStream({ stream: firstStream + 1, waybillsInFlight: WAYBILLS_IN_FLIGHT });
  const parcelPayloads = new FreshPayloads(() => scansByWaybill(parsedEvents(parcelStream.next(eventsPerCall)), partnerId));
  const parcelStore = parcelKeepingStore();
  return {
    scanRows: writeStep(path, 'scan rows (writeScans, no storage)', 'part', eventsPerCall, () => writeScans(scanStore, scanPayloads.take(), Date.now() + DEADLINE_MS), (calls) =>
      scanPayloads.prepare(calls),
    ),
    parcelRows: writeStep(
      path,
      'parcel rows (foldIntoParcels: read state, fold, write; no storage)',
      'part',
      eventsPerCall,
      () => foldIntoParcels(parcelStore, parcelPayloads.take(), Date.now() + DEADLINE_MS, Date.now()),
      (calls) => parcelPayloads.prepare(calls),
    ),
  };
}

/** A logger whose lines are made (formatting is part of the handler's work) and dropped. */
function droppingLogger(): Logger {
  return createLogger({ sink: () => undefined });
}

/** Recording into a store that keeps the parcels' states, so each fold reads and rewrites a real state. */
function parcelKeepingStore(): InstantTablestoreClient {
  return new InstantTablestoreClient({ remember: [parcelsTable.name] });
}

function writeStep(path: IngestPath, step: string, role: CpuStep['role'], eventsPerCall: number, call: () => unknown, prepare: (calls: number) => void): Workload {
  return { path, step, role, eventsPerCall, prepare, call };
}

function readStep(path: IngestPath, step: string, role: CpuStep['role'], eventsPerCall: number, call: () => unknown): Workload {
  return { path, step, role, eventsPerCall, prepare: () => undefined, call };
}

interface SignedBody {
  bodyText: string;
  rawBody: Buffer;
  /** As the HTTP layer hands them over: names in lower case. */
  headers: Record<string, string>;
}

function webhookWorkloads(settings: HandlerCpuSettings): Workload[] {
  const n = settings.webhookBatchEvents;
  const registry = parsePartnerRegistry(JSON.stringify({ [DEMO_PARTNER.partnerId]: { name: 'Demo partner', secrets: [DEMO_PARTNER.secret] } }));
  let requests = 0;
  const signedBody = (stream: ScanStream): SignedBody => {
    const bodyText = JSON.stringify({ events: stream.next(n) });
    const rawBody = Buffer.from(bodyText, 'utf8');
    const signature = signPartnerRequest(DEMO_PARTNER.partnerId, DEMO_PARTNER.secret, rawBody, Date.now());
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    for (const [name, value] of Object.entries(signature)) headers[name.toLowerCase()] = value;
    return { bodyText, rawBody, headers };
  };
  const triggerEvent = ({ rawBody, headers }: SignedBody): Buffer => {
    const event = buildHttpTriggerEvent(
      { method: 'POST', url: '/v1/scans', httpVersion: '1.1', rawHeaders: ['Host', '127.0.0.1', ...Object.entries(headers).flat()], body: rawBody, sourceIp: '127.0.0.1' },
      { accountId: LOCAL_ACCOUNT_ID, domainName: '127.0.0.1', requestId: `1-bench-${requests++}`, receivedAt: new Date() },
    );
    return Buffer.from(JSON.stringify(event));
  };
  const verify = ({ headers, rawBody }: SignedBody): void => {
    const verification = verifyPartnerRequest({ headers, rawBody, nowMs: Date.now(), registry });
    if (!verification.ok) throw new Error(`signature refused: ${verification.reason}`);
  };
  const submission = (events: readonly ScanEvent[]): ScanSubmission => ({ partnerId: DEMO_PARTNER.partnerId, channel: 'webhook', events, receivedAtMs: Date.now(), traceId: TRACE_ID });

  const readStream = new ScanStream({ stream: 900, waybillsInFlight: WAYBILLS_IN_FLIGHT });
  const nextCycled = cycled(() => {
    const body = signedBody(readStream);
    return { ...body, json: JSON.parse(body.bodyText) as unknown, eventBuffer: triggerEvent(body) };
  });
  const { scanRows, parcelRows } = storageSteps('webhook', n, 901, DEMO_PARTNER.partnerId, 'webhook');
  const parsedBody = (body: SignedBody): ScanEvent[] => {
    verify(body);
    const batch = parseScanBatch(JSON.parse(body.rawBody.toString('utf8')));
    if (!batch.ok) throw batch.error;
    return batch.accepted.map(({ event }) => event);
  };

  const toScanRowsStream = new ScanStream({ stream: 903, waybillsInFlight: WAYBILLS_IN_FLIGHT });
  const toScanRowsPayloads = new FreshPayloads(() => signedBody(toScanRowsStream));
  const toScanRowsStore = new InstantTablestoreClient();

  const pipelineStream = new ScanStream({ stream: 904, waybillsInFlight: WAYBILLS_IN_FLIGHT });
  const pipelinePayloads = new FreshPayloads(() => signedBody(pipelineStream));
  const pipelineStore = parcelKeepingStore();

  const handlerStream = new ScanStream({ stream: 905, waybillsInFlight: WAYBILLS_IN_FLIGHT });
  const handlerPayloads = new FreshPayloads(() => triggerEvent(signedBody(handlerStream)));
  const handlerStore = parcelKeepingStore();
  const log = droppingLogger();

  return [
    readStep('webhook', 'JSON.parse of the body (floor)', 'floor', n, () => JSON.parse(nextCycled().bodyText)),
    readStep('webhook', 'signature verify (HMAC-SHA256 of the body)', 'part', n, () => verify(nextCycled())),
    readStep('webhook', 'JSON.parse of the raw body bytes', 'part', n, () => JSON.parse(nextCycled().rawBody.toString('utf8'))),
    readStep('webhook', 'parseScanBatch (zod)', 'part', n, () => parseScanBatch(nextCycled().json)),
    scanRows,
    parcelRows,
    writeStep(
      'webhook',
      'verify + parse + validate + scan rows',
      'pipeline',
      n,
      () => writeScans(toScanRowsStore, recordedScans(parsedBody(toScanRowsPayloads.take()), DEMO_PARTNER.partnerId, 'webhook'), Date.now() + DEADLINE_MS),
      (calls) => toScanRowsPayloads.prepare(calls),
    ),
    writeStep(
      'webhook',
      'verify + parse + validate + scan and parcel rows (recordScans)',
      'pipeline',
      n,
      () => recordScans(pipelineStore, submission(parsedBody(pipelinePayloads.take())), Date.now() + DEADLINE_MS),
      (calls) => pipelinePayloads.prepare(calls),
    ),
    readStep('webhook', 'FC event decode (parseHttpTriggerEvent)', 'context', n, () => parseHttpTriggerEvent(nextCycled().eventBuffer)),
    writeStep(
      'webhook',
      'FC event decode + handleScanWebhook (all of it, logs and metrics included)',
      'context',
      n,
      async () => {
        const startedAtMs = Date.now();
        const answer = await handleScanWebhook(parseHttpTriggerEvent(handlerPayloads.take()), {
          tablestore: handlerStore,
          partners: registry,
          nowMs: startedAtMs,
          deadline: startedAtMs + DEADLINE_MS,
          traceId: TRACE_ID,
          metrics: new InvocationMetrics('webhook'),
          log,
        });
        if (answer.statusCode !== 200) throw new Error(`handleScanWebhook answered ${answer.statusCode}: ${answer.body}`);
      },
      (calls) => handlerPayloads.prepare(calls),
    ),
  ];
}

interface QueueInvocation {
  eventText: string;
  eventBuffer: Buffer;
  /** The message bodies as the function sees them (the trigger decoded the producers' base64). */
  bodies: string[];
}

function queueWorkloads(settings: HandlerCpuSettings): Workload[] {
  const m = settings.queueBatchMessages;
  let ids = 0;
  const invocation = (stream: ScanStream): QueueInvocation => {
    const messages = stream.next(m).map((input) => ({
      MessageId: `bench-${ids++}`,
      MessageBody: encodeScanMessage(input),
      ReceiptHandle: `handle-${ids}`,
      EnqueueTime: String(Date.now()),
      DequeueCount: '1',
    }));
    const event = buildQueueTriggerEvent(messages, {
      region: 'cn-hangzhou',
      accountId: LOCAL_ACCOUNT_ID,
      queueName: 'scan-events',
      isBase64Decode: true,
      eventBusName: 'scan-events',
      publishedAt: new Date(),
      newEventId: () => `event-${ids++}`,
      newRequestId: () => `request-${ids++}`,
    });
    const eventText = JSON.stringify(event);
    return { eventText, eventBuffer: Buffer.from(eventText), bodies: event.map(({ data }) => data.messageBody) };
  };
  const decodeAll = (bodies: readonly string[]): ScanEvent[] =>
    bodies.flatMap((body) => {
      const decoded = decodeScanMessage(body, false);
      if (!decoded.ok) throw new Error(`undecodable message: ${decoded.reasons.join('; ')}`);
      return decoded.events;
    });
  const submission = (events: readonly ScanEvent[]): ScanSubmission => ({ partnerId: defaultScanSource, channel: 'queue', events, receivedAtMs: Date.now(), traceId: TRACE_ID });

  const readStream = new ScanStream({ stream: 910, waybillsInFlight: WAYBILLS_IN_FLIGHT });
  const nextCycled = cycled(() => invocation(readStream));
  const { scanRows, parcelRows } = storageSteps('queue', m, 911, defaultScanSource, 'queue');
  const decodedEvents = (eventBuffer: Buffer): ScanEvent[] => decodeAll(parseQueueBatch(eventBuffer).map(({ data }) => data.messageBody));

  const toScanRowsStream = new ScanStream({ stream: 913, waybillsInFlight: WAYBILLS_IN_FLIGHT });
  const toScanRowsPayloads = new FreshPayloads(() => invocation(toScanRowsStream).eventBuffer);
  const toScanRowsStore = new InstantTablestoreClient();

  const pipelineStream = new ScanStream({ stream: 914, waybillsInFlight: WAYBILLS_IN_FLIGHT });
  const pipelinePayloads = new FreshPayloads(() => invocation(pipelineStream).eventBuffer);
  const pipelineStore = parcelKeepingStore();

  const handlerStream = new ScanStream({ stream: 915, waybillsInFlight: WAYBILLS_IN_FLIGHT });
  const handlerPayloads = new FreshPayloads(() => invocation(handlerStream).eventBuffer);
  const handlerStore = parcelKeepingStore();
  const log = droppingLogger();

  return [
    readStep('queue', 'JSON.parse of the batch and of each body (floor)', 'floor', m, () => {
      const batch = JSON.parse(nextCycled().eventText) as { data: { messageBody: string } }[];
      for (const message of batch) JSON.parse(message.data.messageBody);
    }),
    readStep('queue', 'parseQueueBatch (JSON.parse + zod of the CloudEvents)', 'part', m, () => parseQueueBatch(nextCycled().eventBuffer)),
    readStep('queue', `decodeScanMessage ×${m} (JSON.parse + zod)`, 'part', m, () => decodeAll(nextCycled().bodies)),
    scanRows,
    parcelRows,
    writeStep(
      'queue',
      'parse + validate + scan rows',
      'pipeline',
      m,
      () => writeScans(toScanRowsStore, recordedScans(decodedEvents(toScanRowsPayloads.take()), defaultScanSource, 'queue'), Date.now() + DEADLINE_MS),
      (calls) => toScanRowsPayloads.prepare(calls),
    ),
    writeStep(
      'queue',
      'parse + validate + scan and parcel rows (recordScans)',
      'pipeline',
      m,
      () => recordScans(pipelineStore, submission(decodedEvents(pipelinePayloads.take())), Date.now() + DEADLINE_MS),
      (calls) => pipelinePayloads.prepare(calls),
    ),
    writeStep(
      'queue',
      'consumeScanMessages (all of it, logs and metrics included)',
      'context',
      m,
      async () => {
        const startedAtMs = Date.now();
        await consumeScanMessages(handlerPayloads.take(), {
          tablestore: handlerStore,
          deadLetters: { sendAll: async (_queue, texts) => texts.map(() => 'never') },
          deadLetterQueue: 'scan-events-dlq',
          nowMs: startedAtMs,
          deadline: startedAtMs + DEADLINE_MS,
          traceId: TRACE_ID,
          metrics: new InvocationMetrics('queue'),
          log,
        });
      },
      (calls) => handlerPayloads.prepare(calls),
    ),
  ];
}

/**
 * CPU µs per event of `workload`: chunks of CALLS_PER_CHUNK calls, each chunk's payloads made just before it and
 * only the chunk timed, until the calls have used `cpuMs` of CPU. Small chunks keep the payloads made ahead few, so
 * they do not weigh on the garbage collector more than a handler's own input would.
 */
async function microsPerEvent(workload: Workload, cpuMs: number): Promise<number> {
  let used = 0;
  let events = 0;
  while (used < cpuMs * 1000) {
    workload.prepare(CALLS_PER_CHUNK);
    const started = process.cpuUsage();
    for (let call = 0; call < CALLS_PER_CHUNK; call++) {
      const result = workload.call();
      if (result instanceof Promise) await result;
    }
    const { user, system } = process.cpuUsage(started);
    used += user + system;
    events += CALLS_PER_CHUNK * workload.eventsPerCall;
  }
  return used / events;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
}

/** Measures every step of both paths, in turns, and returns them in a stable order. */
export async function measureHandlerCpu(settings: HandlerCpuSettings, log: (line: string) => void): Promise<CpuStep[]> {
  const workloads = [...webhookWorkloads(settings), ...queueWorkloads(settings)];
  // The warm-up round: JIT compilation and the first allocations of every step, not recorded.
  for (const workload of workloads) await microsPerEvent(workload, settings.cpuMsPerRound / 2);
  const rounds = workloads.map((): number[] => []);
  for (let round = 1; round <= settings.rounds; round++) {
    for (const [index, workload] of workloads.entries()) rounds[index]?.push(await microsPerEvent(workload, settings.cpuMsPerRound));
    log(`  round ${round} of ${settings.rounds} done`);
  }
  return workloads.map(({ path, step, role }, index) => ({ path, step, role, microsPerEvent: median(rounds[index] ?? []), rounds: rounds[index] ?? [] }));
}
