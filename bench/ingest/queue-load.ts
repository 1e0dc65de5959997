import MnsClient from '@alicloud/mns';
import { encodeScanMessage, type ParcelState, type WaybillNo } from '../../layers/core/src/domain/index.ts';
import { parcelKeyOf } from '../../layers/core/src/store/parcels-table.ts';
import { createTablestoreClient, type TablestoreClient } from '../../layers/core/src/store/index.ts';
import { LOCAL_ACCOUNT_ID } from '../../infra/local/fc/runtime.ts';
import { LOCAL_INSTANCE, LOCAL_KEY } from '../../infra/local/stack.ts';
import { parcelsTable } from '../../infra/tables.ts';
import type { StackProcess } from '../support/local-stack.ts';
import { startLoadProbe } from '../support/machine-load.ts';
import { startCpuMeter, type CpuUse } from '../support/process-cpu.ts';
import { ScanStream } from '../support/scan-journeys.ts';

/**
 * Part (c) of the ingestion benchmark: hub scanners' messages through MNS. `senders` producers send `messages` scan
 * events in all, one event per message (the hub scanners' convention), with the official `@alicloud/mns` SDK's
 * batchSendMessage of `batchMessages` and bodies encoded by `encodeScanMessage` (base64 of the JSON). The stack's
 * queue trigger delivers them to scan-consumer. Once everything is sent, the parcels' rows are polled until each
 * parcel has counted every scan sent for it: that moment is when all events are in Tablestore.
 */

export interface QueuePlan {
  senders: number;
  messages: number;
  batchMessages: number;
  firstStream: number;
  pollIntervalMs: number;
  timeoutMs: number;
}

export interface QueueMeasurement {
  senders: number;
  messages: number;
  batchMessages: number;
  /** From the first send to the last answered batchSendMessage. */
  sendSeconds: number;
  sentPerSecond: number;
  /** From the first send until the polls found every scan counted in its parcel's row. */
  allStoredSeconds: number;
  eventsPerSecond: number;
  /** How finely `allStoredSeconds` is known: the poll interval plus one poll's duration. */
  resolutionSeconds: number;
  deadLettered: number;
  /** Queue trigger invocations meanwhile and the messages they carried (from the stack's log). */
  invocations: number;
  messagesPerInvocation: number;
  stackCpu: CpuUse | null;
  clientCores: number;
  otherCores: number | null;
  eventsPerStackCoreSecond: number | null;
}

const SCAN_QUEUE = 'scan-events';
const DEAD_LETTER_QUEUE = 'scan-events-dlq';
const WAYBILLS_IN_FLIGHT = 1000;
const MAX_ROWS_PER_READ = 100;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Messages the queue still holds: visible, received but not deleted, and delayed. */
async function queuedMessages(mns: MnsClient, queue: string): Promise<number> {
  const { body } = await mns.getQueueAttributes(queue);
  return Number(body.ActiveMessages ?? 0) + Number(body.InactiveMessages ?? 0) + Number(body.DelayMessages ?? 0);
}

/** A parcel still expected to count more scans, and how many it must have counted in the end. */
interface ExpectedParcel {
  waybillNo: string;
  scans: number;
}

/**
 * Reads the parcels at the front of `pending` (ordered by when their last scan was sent) 100 at a time, and drops
 * those that have counted all their scans, until a read finds one that has not: the consumer works through the queue
 * about in order, so only the front needs polling, and a poll costs the stack one BatchGetRow most of the time.
 */
async function pollFront(store: TablestoreClient, pending: readonly ExpectedParcel[]): Promise<ExpectedParcel[]> {
  for (let start = 0; start < pending.length; start += MAX_ROWS_PER_READ) {
    const chunk = pending.slice(start, start + MAX_ROWS_PER_READ);
    const { outcomes } = await store.batchGetRow({
      tables: [{ table: parcelsTable.name, primaryKeys: chunk.map(({ waybillNo }) => parcelKeyOf(waybillNo as WaybillNo)), columns: ['state'] }],
    });
    const missing = chunk.filter((parcel, index) => {
      const outcome = outcomes[index];
      const state = outcome?.ok === true ? outcome.row?.attributes.state : undefined;
      return (typeof state === 'string' ? (JSON.parse(state) as ParcelState).eventCount : 0) < parcel.scans;
    });
    if (missing.length > 0) return [...missing, ...pending.slice(start + MAX_ROWS_PER_READ)];
  }
  return [];
}

/** Every parcel the streams' first `count` scans touched, with its scan count, in the order their last scan was sent. */
function expectedParcels(streams: readonly ScanStream[]): ExpectedParcel[] {
  const parcels: (ExpectedParcel & { lastSent: number })[] = [];
  for (const stream of streams) {
    const lastSent = new Map<string, number>();
    for (let index = 0; index < stream.count; index++) lastSent.set(stream.scan(index).waybillNo, index);
    for (const [waybillNo, scans] of stream.scansPerWaybill(stream.count)) parcels.push({ waybillNo, scans, lastSent: lastSent.get(waybillNo) ?? 0 });
  }
  return parcels.sort((a, b) => a.lastSent - b.lastSent).map(({ waybillNo, scans }) => ({ waybillNo, scans }));
}

export async function measureQueue(stack: StackProcess, plan: QueuePlan): Promise<QueueMeasurement> {
  const mns = new MnsClient(LOCAL_ACCOUNT_ID, { endpoint: stack.mnsUrl, ...LOCAL_KEY });
  const store = createTablestoreClient({ endpoint: stack.tablestoreUrl, instanceName: LOCAL_INSTANCE, ...LOCAL_KEY });
  const streams = Array.from({ length: plan.senders }, (_, index) => new ScanStream({ stream: plan.firstStream + index, waybillsInFlight: WAYBILLS_IN_FLIGHT }));
  const perSender = Math.ceil(plan.messages / plan.senders);
  const countsBefore = await stack.counts();
  const deadLetteredBefore = await queuedMessages(mns, DEAD_LETTER_QUEUE);

  const probe = startLoadProbe([process.pid, stack.pid]);
  const meter = startCpuMeter(stack.pid);
  const clientStarted = process.cpuUsage();
  const started = performance.now();
  const seconds = (): number => (performance.now() - started) / 1000;

  const sendAll = async (stream: ScanStream): Promise<void> => {
    while (stream.count < perSender) {
      const events = stream.next(Math.min(plan.batchMessages, perSender - stream.count));
      await mns.batchSendMessage(SCAN_QUEUE, events.map((event) => ({ MessageBody: encodeScanMessage(event) })));
    }
  };
  await Promise.all(streams.map(sendAll));
  const sendSeconds = seconds();

  let pending = expectedParcels(streams);
  let pollSeconds = 0;
  while (pending.length > 0) {
    if (seconds() * 1000 > plan.timeoutMs) throw new Error(`after ${plan.timeoutMs} ms, ${pending.length} parcels still miss scans sent through MNS`);
    await sleep(plan.pollIntervalMs);
    const pollStarted = seconds();
    pending = await pollFront(store, pending);
    pollSeconds = Math.max(pollSeconds, seconds() - pollStarted);
  }
  const allStoredSeconds = seconds();
  const { user, system } = process.cpuUsage(clientStarted);
  const stackCpu = meter.stop() ?? null;
  const otherCores = probe.stop() ?? null;

  const countsAfter = await stack.counts();
  const invocations = countsAfter.queueBatches - countsBefore.queueBatches;
  const messages = streams.reduce((total, stream) => total + stream.count, 0);
  const eventsPerSecond = messages / allStoredSeconds;
  return {
    senders: plan.senders,
    messages,
    batchMessages: plan.batchMessages,
    sendSeconds,
    sentPerSecond: messages / sendSeconds,
    allStoredSeconds,
    eventsPerSecond,
    resolutionSeconds: plan.pollIntervalMs / 1000 + pollSeconds,
    deadLettered: (await queuedMessages(mns, DEAD_LETTER_QUEUE)) - deadLetteredBefore,
    invocations,
    messagesPerInvocation: invocations === 0 ? 0 : (countsAfter.queueMessages - countsBefore.queueMessages) / invocations,
    stackCpu,
    clientCores: (user + system) / 1e6 / allStoredSeconds,
    otherCores,
    eventsPerStackCoreSecond: stackCpu === null || stackCpu.cores === 0 ? null : eventsPerSecond / stackCpu.cores,
  };
}
