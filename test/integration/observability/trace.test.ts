import type MNS from '@alicloud/mns';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { renderStats } from '../../../infra/local/commands/stats.ts';
import type { LogRecord } from '../../../infra/local/fc/logs.ts';
import type { WaybillNo } from '../../../layers/core/src/domain/index.ts';
import { formatTraceparent, type MetricTotalsSnapshot, type PartnerScanTotals } from '../../../layers/core/src/observability/index.ts';
import { startTestStack, type TestStack } from '../../support/local-stack.ts';
import { clearFaults, setFaults } from '../../support/ingest-store.ts';
import { deadLetterInbox, mnsProducer, sendScanMessage, type DeadLetterInbox } from '../../support/scan-queue.ts';
import { freshWaybillNo, occurredAt, scanInput, wrongCheckDigit } from '../../support/scans.ts';
import { orderInput } from '../../support/orders.ts';
import { acceptedBody, ordersUrl, signedPost } from '../../support/signed-post.ts';
import { waitFor } from '../../support/wait.ts';
import { printedStats } from '../../support/stats.ts';

/**
 * Issue 7's "done when", through the whole local stack of `npm start`: one signed POST, followed by the lines every
 * function wrote for it (JSON on stdout, collected by the local FC runtime as FC collects them), the rows it wrote
 * (read back through the official SDK), and the metric totals `parcelscan stats` reads from the gateway. Then the
 * queue hop: a message whose envelope carries a `traceparent`, through the MNS trigger to scan-consumer.
 */

let env: TestStack;
let producer: MNS;
let deadLetters: DeadLetterInbox;

beforeAll(async () => {
  env = await startTestStack();
  producer = mnsProducer(env.stack.mnsUrl);
  deadLetters = deadLetterInbox(producer);
});

beforeEach(({ onTestFailed }) => {
  const from = env.logs.length;
  onTestFailed(() => console.error(env.printedLogs(from)));
});

afterAll(async () => {
  await env?.close();
});

/** A function's line as written: a JSON object. */
type Line = Record<string, unknown>;

const parsed = (record: LogRecord): Line => JSON.parse(record.message) as Line;

/** The lines the functions wrote for one invocation (FC's request id), parsed. */
function linesOf(requestId: string): Line[] {
  return env.logs.filter((record) => record.source === 'function' && record.requestId === requestId).map(parsed);
}

/** Waits for a function line that `matches`, and resolves with it and its record. */
async function waitForLine(what: string, matches: (line: Line) => boolean): Promise<{ line: Line; record: LogRecord }> {
  const record = await env.waitForLog(what, (candidate) => candidate.source === 'function' && matches(parsed(candidate)));
  return { line: parsed(record), record };
}

/** A fresh W3C traceparent, as a partner's tracing would send it. */
function newTraceparent(): { traceparent: string; traceId: string } {
  const hex = (bytes: number) => Array.from({ length: bytes }, () => Math.floor(Math.random() * 256).toString(16).padStart(2, '0')).join('');
  const traceId = hex(16);
  return { traceparent: formatTraceparent({ traceId, spanId: hex(8), sampled: true }), traceId };
}

async function stats(): Promise<MetricTotalsSnapshot> {
  const response = await fetch(`${env.stack.gatewayUrl}/__local/stats`);
  expect(response.status).toBe(200);
  return (await response.json()) as MetricTotalsSnapshot;
}

const noScans: PartnerScanTotals = { invocations: 0, batchSize: 0, accepted: 0, duplicates: 0, rejected: 0, rejectedReasons: {}, rowsWritten: 0, otsRetries: 0 };

/** What a partner's totals grew by between two snapshots (the lag maxima left out: they do not add up). */
function growth(before: MetricTotalsSnapshot, after: MetricTotalsSnapshot, partnerId: string): Omit<PartnerScanTotals, 'lagMsMax' | 'lagMsP50Max'> {
  const was = before.scans[partnerId] ?? noScans;
  const now = after.scans[partnerId] ?? noScans;
  const reasons: Record<string, number> = {};
  for (const [reason, n] of Object.entries(now.rejectedReasons)) {
    const added = n - (was.rejectedReasons[reason] ?? 0);
    if (added > 0) reasons[reason] = added;
  }
  return {
    invocations: now.invocations - was.invocations,
    batchSize: now.batchSize - was.batchSize,
    accepted: now.accepted - was.accepted,
    duplicates: now.duplicates - was.duplicates,
    rejected: now.rejected - was.rejected,
    rejectedReasons: reasons,
    rowsWritten: now.rowsWritten - was.rowsWritten,
    otsRetries: now.otsRetries - was.otsRetries,
  };
}

/** The trace id stored on each scan row of a waybill. */
async function rowTraceIds(waybillNo: WaybillNo): Promise<unknown[]> {
  return (await env.store.timeline(waybillNo)).map((scan) => scan.attributes.traceId);
}

describe('one signed POST through the local stack', () => {
  it('puts its trace id on every line the webhook wrote for it and on every scan row it wrote', async () => {
    const { traceparent, traceId } = newTraceparent();
    const waybillNo = freshWaybillNo();
    const events = [scanInput(waybillNo, { occurredAt: occurredAt(0) }), scanInput(waybillNo, { type: 'DEPARTED', occurredAt: occurredAt(30) })];

    const answer = await signedPost(env.scansUrl, { events }, { headers: { traceparent } });

    expect(acceptedBody(answer)).toMatchObject({ accepted: 2, duplicates: 0 });
    const lines = linesOf(answer.headers.get('x-fc-request-id') ?? '');
    expect(lines.map((line) => line.msg ?? `metric ${String(line.name)}`)).toEqual(['scans recorded', 'request handled', 'metric scans']);
    for (const line of lines) expect(line.traceId).toBe(traceId);
    expect(await rowTraceIds(waybillNo)).toEqual([traceId, traceId]);
  });

  it('starts a trace from the request id when the partner sends no traceparent', async () => {
    const answer = await signedPost(env.scansUrl, { events: [scanInput(freshWaybillNo())] });

    const requestId = answer.headers.get('x-fc-request-id') ?? '';
    const traceIds = new Set(linesOf(requestId).map((line) => line.traceId));
    expect([...traceIds]).toHaveLength(1);
    expect([...traceIds][0]).toMatch(/^[0-9a-f]{32}$/);
    expect(requestId.replace(/^1-/, '').replace(/-/g, '').padStart(32, '0')).toBe([...traceIds][0]);
  });

  it('adds to the metric totals exactly what was sent: accepted, duplicates, rejected by reason', async () => {
    const before = await stats();
    const waybillNo = freshWaybillNo();
    const first = scanInput(waybillNo, { occurredAt: occurredAt(0) });
    const second = scanInput(waybillNo, { type: 'DEPARTED', occurredAt: occurredAt(30) });
    const badWaybill = scanInput(wrongCheckDigit(waybillNo));
    const badTime = scanInput(waybillNo, { occurredAt: '2025-11-25 14:03' });

    expect(acceptedBody(await signedPost(env.scansUrl, { events: [first, second, badWaybill, badTime] }))).toMatchObject({ accepted: 2, duplicates: 0 });
    const third = scanInput(waybillNo, { type: 'ARRIVED', occurredAt: occurredAt(60), facilityCode: 'HZ-XH-01' });
    expect(acceptedBody(await signedPost(env.scansUrl, { events: [first, third] }))).toMatchObject({ accepted: 1, duplicates: 1 });

    const after = await stats();
    expect(growth(before, after, 'demo')).toEqual({
      invocations: 2,
      batchSize: 6,
      accepted: 3,
      duplicates: 1,
      rejected: 2,
      rejectedReasons: { INVALID_WAYBILL_NO: 1, INVALID_OCCURRED_AT: 1 },
      // 3 scan rows, and the parcel row once per request.
      rowsWritten: 5,
      otsRetries: 0,
    });
    expect(after.scans.demo?.lagMsMax).toBeGreaterThan(0);
  });

  it('counts the OTS retries of a request under storage trouble', async () => {
    const before = await stats();
    // Every BatchWriteRow refused for a moment: the webhook retries within its deadline, then writes.
    await setFaults(env.stack.tablestoreUrl, { errorRate: 1, errorCode: 'OTSServerBusy', operations: ['BatchWriteRow'] });
    const healed = sleep(300).then(() => clearFaults(env.stack.tablestoreUrl));
    const answer = await signedPost(env.scansUrl, { events: [scanInput(freshWaybillNo())] }).finally(() => healed);

    expect(acceptedBody(answer)).toMatchObject({ accepted: 1 });
    const retries = growth(before, await stats(), 'demo').otsRetries;
    expect(retries).toBeGreaterThan(0);
    const summary = linesOf(answer.headers.get('x-fc-request-id') ?? '').find((line) => line.msg === 'scans recorded');
    expect(summary?.otsRetries).toBe(retries);
  });

  it('is printed by `parcelscan stats` from the gateway', async () => {
    const printed = await printedStats(env.stack.gatewayUrl);

    const snapshot = await stats();
    expect(printed).toBe(renderStats(snapshot));
    expect(printed).toMatch(/^demo +\d+/m);
  });
});

describe('a message on scan-events whose envelope carries a traceparent', () => {
  it("puts the producer's trace id on the consumer's lines for it and on the rows it wrote", { timeout: 30_000 }, async () => {
    const before = await stats();
    const { traceparent, traceId } = newTraceparent();
    const waybillNo = freshWaybillNo();
    const messageId = await sendScanMessage(producer, {
      source: 'sto-hub-sh',
      traceparent,
      events: [scanInput(waybillNo, { occurredAt: occurredAt(0) }), scanInput(wrongCheckDigit(waybillNo))],
    });

    const { record: recorded } = await waitForLine('the consumer to record the message', (line) => line.traceId === traceId);
    const invocation = recorded.requestId ?? '';
    // Its last line: the metrics are flushed after the summary.
    await waitForLine('the consumer invocation to end', (line) => line.requestId === invocation && line.name === 'queue-batch');
    const lines = linesOf(invocation);

    const ofTrace = lines.filter((line) => line.traceId === traceId);
    expect(ofTrace).toEqual([expect.objectContaining({ msg: 'scans recorded', partnerId: 'sto-hub-sh', accepted: 1, duplicates: 0, rejected: 1 })]);
    // The batch's own lines are the invocation's: a batch may carry the messages of many traces.
    const batchLines = lines.filter((line) => line.traceId !== traceId);
    expect(new Set(batchLines.map((line) => line.traceId)).size).toBe(1);
    expect(batchLines.map((line) => line.msg ?? `metric ${String(line.name)}`).sort()).toEqual(['batch handled', 'messages dead-lettered', 'metric queue-batch', 'metric scans']);
    // Ids and reasons only: a dead-lettered body may hold personal data.
    expect(batchLines.find((line) => line.msg === 'messages dead-lettered')?.deadLettered).toEqual([{ messageId, reason: 'INVALID_EVENT' }]);

    expect(await rowTraceIds(waybillNo)).toEqual([traceId]);
    expect(growth(before, await stats(), 'sto-hub-sh')).toMatchObject({ batchSize: 2, accepted: 1, rejected: 1, rejectedReasons: { INVALID_WAYBILL_NO: 1 } });
    await deadLetters.take((record) => record.messageId === messageId, 1);
  });

  it("keeps a bare hub scan under the consumer invocation's own trace", { timeout: 30_000 }, async () => {
    const waybillNo = freshWaybillNo();
    await sendScanMessage(producer, scanInput(waybillNo));

    const rows = await waitFor('the scan in Tablestore', async () => {
      const ids = await rowTraceIds(waybillNo);
      return ids.length > 0 ? ids : undefined;
    }, { timeoutMs: 20_000 });
    // The same id as the invocation's own lines: the message brought no trace of its own.
    await waitForLine('the consumer invocation to end', (line) => line.traceId === rows[0] && line.msg === 'batch handled');
  });
});

describe('every line the functions write', () => {
  it('is one JSON object with the documented fields first, and never holds the personal data of an order', async () => {
    const receiver = { name: '欧阳娜娜', phone: '13987654321', address: { province: '上海市', city: '上海市', district: '徐汇区', detail: '漕溪北路 595 号 12 楼' } };
    const sender = { name: '司马相如', phone: '0571-88886666', address: { province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 478 号' } };
    const placed = await signedPost(ordersUrl(env.stack.gatewayUrl), orderInput({ partnerOrderId: `obs-${Date.now()}`, receiver, sender }));
    expect(placed.status).toBe(201);
    const { waybillNo } = placed.json as { waybillNo: string };
    // Refused and invalid orders too: their bodies hold the same data.
    await signedPost(ordersUrl(env.stack.gatewayUrl), orderInput({ partnerOrderId: 'obs-bad', receiver: { ...receiver, phone: '12345' } }));
    await signedPost(ordersUrl(env.stack.gatewayUrl), orderInput({ receiver }), { headers: { 'X-Signature': '0'.repeat(64) } });
    expect((await fetch(`${env.stack.gatewayUrl}/v1/parcels/${waybillNo}`)).status).toBe(200);
    expect((await fetch(`${env.stack.gatewayUrl}/track/${waybillNo}`)).status).toBe(200);

    const everything = env.logs.map((record) => record.message).join('\n');
    for (const secret of [receiver.name, receiver.phone, receiver.address.detail, sender.name, sender.phone, sender.address.detail, '12345"']) {
      expect(everything).not.toContain(secret);
    }

    const functionLines = env.logs.filter((record) => record.source === 'function');
    expect(functionLines.length).toBeGreaterThan(20);
    for (const record of functionLines) {
      const line = parsed(record);
      const keys = Object.keys(line);
      if (line.kind === 'metric') {
        expect(keys.slice(0, 6)).toEqual(['kind', 'name', 'time', 'function', 'requestId', 'traceId']);
      } else {
        expect(keys.slice(0, 5)).toEqual(['level', 'time', 'function', 'requestId', 'traceId']);
        expect(['debug', 'info', 'warn', 'error']).toContain(line.level);
        expect(typeof line.msg).toBe('string');
      }
      expect(line.function).toBe(record.functionName);
      expect(line.requestId).toBe(record.requestId);
      expect(new Date(String(line.time)).toISOString()).toBe(line.time);
    }
    const tracking = functionLines.map(parsed).filter((line) => line.function === 'parcelscan-tracking-api' && line.msg === 'request handled');
    expect(tracking.at(-1)).toMatchObject({ waybillNo, outcome: 'ok', status: 200, method: 'GET' });
    const orders = functionLines.map(parsed).filter((line) => line.function === 'parcelscan-order-webhook' && line.msg === 'request handled');
    expect(orders.slice(-3).map((line) => [line.status, line.outcome])).toEqual([
      [201, 'ok'],
      [400, 'invalid-request'],
      [401, 'unauthorized'],
    ]);
  });
});

