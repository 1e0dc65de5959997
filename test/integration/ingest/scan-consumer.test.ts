import type MNS from '@alicloud/mns';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultScanSource, type ParcelState, type WaybillNo } from '../../../layers/core/src/domain/index.ts';
import type { ScanDeadLetter } from '../../../layers/core/src/queue/scan-dead-letter.ts';
import { startTestStack, type TestStack } from '../../support/local-stack.ts';
import { clearFaults, setFaults, timelineEntries } from '../../support/ingest-store.ts';
import {
  deadLetterInbox,
  mnsProducer,
  removeDeadLetterQueue,
  restoreDeadLetterQueue,
  SCAN_QUEUE,
  sendRawBody,
  setScanQueueVisibilityTimeout,
  sendScanMessage,
  type DeadLetterInbox,
} from '../../support/scan-queue.ts';
import { freshWaybillNo, journey, occurredAt, scanInput, wrongCheckDigit } from '../../support/scans.ts';
import { waitFor } from '../../support/wait.ts';

/**
 * The scan-events MNS path end to end: a hub scanner's message sent with the official @alicloud/mns SDK to the
 * local MNS server, the local runtime's queue trigger (s.yaml: eventbridge, MNS source, IsBase64Decode, batch
 * window 1 s) invoking scan-consumer, scans written to the local Tablestore server, dead letters read back from
 * scan-events-dlq with the SDK.
 */

let env: TestStack;
let producer: MNS;
let deadLetters: DeadLetterInbox;
/**
 * Milliseconds from SendMessage to the scan being readable in Tablestore, one per measured message; the first
 * includes the consumer instance's cold start.
 */
const queueToStoreMs: number[] = [];

beforeAll(async () => {
  env = await startTestStack();
  producer = mnsProducer(env.stack.mnsUrl);
  deadLetters = deadLetterInbox(producer);
});

// A failed test prints what the functions and the runtime logged meanwhile.
beforeEach(({ onTestFailed }) => {
  const from = env.logs.length;
  onTestFailed(() => console.error(env.printedLogs(from)));
});

afterAll(async () => {
  const [cold, ...warm] = queueToStoreMs;
  if (cold !== undefined) {
    const sorted = [...warm].sort((a, b) => a - b);
    console.info(
      `scan-events → Tablestore: cold start ${cold} ms; warm (${sorted.length}) min ${sorted[0]} ms, median ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted.at(-1)} ms`,
    );
  }
  await env?.close();
});

async function parcelOf(waybillNo: WaybillNo): Promise<ParcelState> {
  const state = await env.store.parcel(waybillNo);
  if (state === undefined) throw new Error(`no parcel row for ${waybillNo}`);
  return state;
}

/**
 * The parcel once it counts `eventCount` scans: the consumer writes the parcel row right after the scan rows,
 * so a test that saw the scans may look a moment before the parcel is updated.
 */
async function settledParcel(waybillNo: WaybillNo, eventCount: number): Promise<ParcelState> {
  return waitFor(
    `the parcel of ${waybillNo} counting ${eventCount} scan(s)`,
    async () => {
      const state = await env.store.parcel(waybillNo);
      return state !== undefined && state.eventCount >= eventCount ? state : undefined;
    },
    { timeoutMs: 5_000, intervalMs: 10 },
  );
}

/** Waits until `waybillNo` has `count` scans in Tablestore (polling every 10 ms), and returns when that was. */
async function scansStored(waybillNo: WaybillNo, count: number, timeoutMs = 5_000): Promise<number> {
  return waitFor(
    `${count} scan(s) of ${waybillNo} in Tablestore`,
    async () => ((await env.store.timeline(waybillNo)).length >= count ? Date.now() : undefined),
    { timeoutMs, intervalMs: 10 },
  );
}

/** Messages of scan-events not yet deleted (visible, in flight or delayed). */
async function queueDepth(): Promise<number> {
  const { body } = await producer.getQueueAttributes(SCAN_QUEUE);
  return Number(body.ActiveMessages ?? 0) + Number(body.InactiveMessages ?? 0) + Number(body.DelayMessages ?? 0);
}

const fromMessage = (messageId: string) => (record: ScanDeadLetter) => record.messageId === messageId;

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

describe('scan-consumer: scans from the scan-events queue', () => {
  it('an event sent to scan-events with the MNS SDK is in Tablestore shortly after', async () => {
    // Several messages one after the other: the first includes the consumer's cold start. The time is reported
    // (see afterAll), not asserted: it is mostly the trigger's 1 s batch window (s.yaml TimeBasedWindow).
    for (let sample = 0; sample < 5; sample++) {
      const waybillNo = freshWaybillNo();
      const event = scanInput(waybillNo, { type: 'ARRIVED', occurredAt: occurredAt(sample), facilityCode: 'HZ-XS-02', deviceId: 'pda-17' });
      const sentAt = Date.now();
      await sendScanMessage(producer, event);
      const storedAt = await scansStored(waybillNo, 1, sample === 0 ? 10_000 : 5_000);
      queueToStoreMs.push(storedAt - sentAt);

      const [scan] = await env.store.timeline(waybillNo);
      expect(scan).toMatchObject({
        eventKey: `${defaultScanSource}/${event.eventId}`,
        occurredAtMs: Date.parse(occurredAt(sample)),
        attributes: { eventId: event.eventId, type: 'ARRIVED', facilityCode: 'HZ-XS-02', deviceId: 'pda-17', channel: 'queue', partnerId: defaultScanSource },
      });
      expect(await settledParcel(waybillNo, 1)).toMatchObject({ status: 'ARRIVED', eventCount: 1 });
    }
  });

  it('a batch message {source, events} records its events under the source', async () => {
    const waybillNo = freshWaybillNo();
    const events = journey(waybillNo, ['ARRIVED', 'DEPARTED', 'ARRIVED']);
    await sendScanMessage(producer, { source: 'sto-hub-sh', events });
    await scansStored(waybillNo, 3);
    expect(timelineEntries(await env.store.timeline(waybillNo)).map((entry) => entry.eventKey)).toEqual(events.map((event) => `sto-hub-sh/${event.eventId}`));
    expect(await settledParcel(waybillNo, 3)).toMatchObject({ status: 'ARRIVED', eventCount: 3 });
  });

  it('a message sent twice (a producer retry) is stored once', async () => {
    const waybillNo = freshWaybillNo();
    const event = scanInput(waybillNo, { type: 'PICKED_UP' });
    await sendScanMessage(producer, event);
    await sendScanMessage(producer, event);
    await settledParcel(waybillNo, 1);
    // Both messages are consumed (the queue trigger deletes a message once its batch succeeded).
    await waitFor('both messages consumed', async () => ((await queueDepth()) === 0 ? true : undefined), { timeoutMs: 5_000 });
    expect(await env.store.timeline(waybillNo)).toHaveLength(1);
    expect(await parcelOf(waybillNo)).toMatchObject({ status: 'PICKED_UP', eventCount: 1, revision: 1 });
  });
});

describe('scan-consumer: malformed messages go to scan-events-dlq with their reasons', () => {
  it('a body that is not base64 ends in the DLQ as UNREADABLE_MESSAGE', async () => {
    const body = 'this is not base64!';
    const messageId = await sendRawBody(producer, body);
    const [record] = await deadLetters.take(fromMessage(messageId), 1);
    expect(record).toEqual({
      deadLetterId: messageId,
      reason: 'UNREADABLE_MESSAGE',
      messageId,
      triggerEventId: expect.any(String),
      details: ['body is not valid base64'],
      body,
      deadLetteredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('an unreadable body too large to dead-letter whole ends in the DLQ with its start and its size', async () => {
    // 60 000 characters, each escaped as \" in JSON: the whole record would be far over MNS's 64 KB.
    const body = '"'.repeat(60_000);
    const messageId = await sendRawBody(producer, body);
    const [record] = await deadLetters.take(fromMessage(messageId), 1);
    expect(record).toMatchObject({ deadLetterId: messageId, reason: 'UNREADABLE_MESSAGE', bodyTruncatedFromBytes: 60_000 });
    expect(body.startsWith(String(record?.body))).toBe(true);
  });

  it.each([
    ['a number', '42'],
    ['a string', '"text"'],
    ['an array', '[]'],
  ])('a base64 body whose JSON is %s ends in the DLQ saying the body must be a JSON object', async (_case, json) => {
    const messageId = await sendRawBody(producer, base64(json));
    const [record] = await deadLetters.take(fromMessage(messageId), 1);
    expect(record).toMatchObject({
      reason: 'UNREADABLE_MESSAGE',
      details: ['body must be a JSON object: one scan event, or {"source": "...", "events": [...]}'],
      body: json,
    });
  });

  it('a base64 body that is not JSON ends in the DLQ as UNREADABLE_MESSAGE', async () => {
    // A message cut short: base64 of the first half of an event's JSON.
    const json = JSON.stringify(scanInput(freshWaybillNo()));
    const messageId = await sendRawBody(producer, Buffer.from(json.slice(0, 40), 'utf8').toString('base64'));
    const [record] = await deadLetters.take(fromMessage(messageId), 1);
    expect(record?.reason).toBe('UNREADABLE_MESSAGE');
    expect(record?.details).toEqual([expect.stringMatching(/^body is not valid JSON/)]);
  });

  it('a single invalid event ends in the DLQ with every field error, and nothing of it is stored', async () => {
    const waybillNo = freshWaybillNo();
    const event = scanInput(waybillNo, { type: 'TELEPORTED', occurredAt: '2025-11-25T14:03:00' });
    const messageId = await sendScanMessage(producer, event);
    const [record] = await deadLetters.take(fromMessage(messageId), 1);
    expect(record?.reason).toBe('UNREADABLE_MESSAGE');
    expect(record?.details).toEqual(expect.arrayContaining([expect.stringMatching(/^type: must be one of/), expect.stringMatching(/^occurredAt: must be an ISO-8601/)]));
    // The body is kept as delivered (the trigger decoded the base64), so it can be fixed and sent again.
    expect(JSON.parse(String(record?.body))).toEqual(event);
    expect(await env.store.timeline(waybillNo)).toEqual([]);
  });

  it('a batch message with one invalid event records the valid ones and dead-letters the invalid one', async () => {
    const waybillNo = freshWaybillNo();
    const [first, second, third] = journey(waybillNo, ['ARRIVED', 'DEPARTED', 'ARRIVED']) as [object, object, object];
    const invalid = { ...second, eventId: 'bad-number', waybillNo: wrongCheckDigit(waybillNo) };
    const messageId = await sendScanMessage(producer, { source: 'sto-hub-sh', events: [first, invalid, third] as never });

    const [record] = await deadLetters.take(fromMessage(messageId), 1);
    expect(record).toEqual({
      deadLetterId: `${messageId}/events[1]`,
      reason: 'INVALID_EVENT',
      messageId,
      triggerEventId: expect.any(String),
      details: ['events[1].waybillNo: check digit does not match'],
      body: invalid,
      deadLetteredAt: expect.any(String),
    });
    expect(await settledParcel(waybillNo, 2)).toMatchObject({ status: 'ARRIVED', eventCount: 2 });
    expect(timelineEntries(await env.store.timeline(waybillNo)).map((entry) => entry.type)).toEqual(['ARRIVED', 'ARRIVED']);
    // A dead-lettered message is acknowledged, not retried: nothing more arrives for it.
    await waitFor('the message consumed', async () => ((await queueDepth()) === 0 ? true : undefined), { timeoutMs: 5_000 });
    expect(await deadLetters.drain()).toEqual([]);
  });

  it('a message with more invalid events than one BatchSendMessage carries dead-letters each of them once', async () => {
    const waybillNo = freshWaybillNo();
    const valid = scanInput(waybillNo, { type: 'ARRIVED' });
    const invalid = Array.from({ length: 20 }, () => scanInput(wrongCheckDigit(waybillNo)));
    const messageId = await sendScanMessage(producer, { source: 'sto-hub-sh', events: [valid, ...invalid] });

    const records = await deadLetters.take(fromMessage(messageId), 20);
    expect(records.map((record) => record.deadLetterId).sort()).toEqual(invalid.map((_, index) => `${messageId}/events[${index + 1}]`).sort());
    expect(records.every((record) => record.reason === 'INVALID_EVENT')).toBe(true);
    expect(await settledParcel(waybillNo, 1)).toMatchObject({ status: 'ARRIVED', eventCount: 1 });
    await waitFor('the message consumed', async () => ((await queueDepth()) === 0 ? true : undefined), { timeoutMs: 5_000 });
    expect((await deadLetters.drain()).filter(fromMessage(messageId))).toEqual([]);
  });
});

describe('scan-consumer: redelivery after a failed invocation', () => {
  /**
   * A failed invocation leaves its messages to come back after the queue's visibility timeout (60 s in
   * infra/queues.ts). These tests lower it on the running local queue to a few seconds, so the redelivery comes
   * soon; the local trigger handles one batch at a time, so no message is handled twice at once meanwhile.
   */
  afterEach(async () => {
    await clearFaults(env.stack.tablestoreUrl);
    await setScanQueueVisibilityTimeout(producer, 'declared');
    await restoreDeadLetterQueue(producer);
  });

  const failedAttempt = (messageId: string) => (record: { level: string; message: string }) =>
    record.level === 'warn' && record.message.includes(`message ${messageId} failed (attempt 1 `);

  it(
    'with OTSServerBusy on BatchWriteRow the invocation fails and the message is redelivered; once faults are off it lands exactly once',
    async () => {
      await setScanQueueVisibilityTimeout(producer, 3);
      await setFaults(env.stack.tablestoreUrl, { errorRate: 1, errorCode: 'OTSServerBusy', operations: ['BatchWriteRow'] });
      const waybillNo = freshWaybillNo();
      const event = scanInput(waybillNo, { type: 'DEPARTED', nextFacilityCode: 'BJ-DX-01' });
      const messageId = await sendScanMessage(producer, event);

      // The consumer retries inside its deadline, then fails the invocation; the trigger leaves the message.
      await env.waitForLog('the failed invocation', failedAttempt(messageId), 25_000);
      expect(await env.store.timeline(waybillNo)).toEqual([]);
      expect(await env.store.parcel(waybillNo)).toBeUndefined();

      await clearFaults(env.stack.tablestoreUrl);
      await scansStored(waybillNo, 1, 15_000);
      await settledParcel(waybillNo, 1);
      await waitFor('the message consumed', async () => ((await queueDepth()) === 0 ? true : undefined), { timeoutMs: 10_000 });

      // The trigger may have delivered it again while the faults were on (visibility 3 s, retries longer): timing.
      // Exactly one scan and one count is what must hold.
      expect(timelineEntries(await env.store.timeline(waybillNo))).toEqual([
        expect.objectContaining({ eventKey: `${defaultScanSource}/${event.eventId}`, type: 'DEPARTED' }),
      ]);
      expect(await parcelOf(waybillNo)).toMatchObject({ status: 'DEPARTED', eventCount: 1, revision: 1 });
      expect(await deadLetters.drain()).toEqual([]);
    },
    60_000,
  );

  it(
    'a message whose scans were written but whose parcel update failed is repaired by the redelivery, its scan counted once',
    async () => {
      await setScanQueueVisibilityTimeout(producer, 3);
      // Scan rows go in with BatchWriteRow; the parcel row is read with BatchGetRow before it is updated.
      await setFaults(env.stack.tablestoreUrl, { errorRate: 1, errorCode: 'OTSServerBusy', operations: ['BatchGetRow'] });
      const waybillNo = freshWaybillNo();
      const events = journey(waybillNo, ['ARRIVED', 'DEPARTED']);
      const messageId = await sendScanMessage(producer, { source: 'sto-hub-sh', events });

      await env.waitForLog('the failed invocation', failedAttempt(messageId), 25_000);
      expect(await env.store.timeline(waybillNo)).toHaveLength(2);
      expect(await env.store.parcel(waybillNo)).toBeUndefined();

      await clearFaults(env.stack.tablestoreUrl);
      const parcel = await waitFor('the parcel row', () => env.store.parcel(waybillNo), { timeoutMs: 15_000 });
      await waitFor('the message consumed', async () => ((await queueDepth()) === 0 ? true : undefined), { timeoutMs: 10_000 });

      expect(await env.store.timeline(waybillNo)).toHaveLength(2);
      expect(parcel).toMatchObject({ status: 'DEPARTED', eventCount: 2 });
      expect(await parcelOf(waybillNo)).toEqual(parcel);
    },
    60_000,
  );

  it(
    'a storage failure fails the invocation before any dead letter is sent; the redeliveries send records of one deadLetterId',
    async () => {
      await setScanQueueVisibilityTimeout(producer, 3);
      await setFaults(env.stack.tablestoreUrl, { errorRate: 1, errorCode: 'OTSServerBusy', operations: ['BatchWriteRow'] });
      const waybillNo = freshWaybillNo();
      const valid = scanInput(waybillNo, { type: 'PICKED_UP' });
      const invalid = scanInput(wrongCheckDigit(waybillNo));
      const messageId = await sendScanMessage(producer, { source: 'sto-hub-sh', events: [valid, invalid] });

      await env.waitForLog('the failed invocation', failedAttempt(messageId), 25_000);
      expect((await deadLetters.drain()).filter(fromMessage(messageId))).toEqual([]);

      await clearFaults(env.stack.tablestoreUrl);
      const [record] = await deadLetters.take(fromMessage(messageId), 1, 15_000);
      await waitFor('the message consumed', async () => ((await queueDepth()) === 0 ? true : undefined), { timeoutMs: 10_000 });

      expect(record).toMatchObject({ deadLetterId: `${messageId}/events[1]`, reason: 'INVALID_EVENT', body: invalid });
      // With a 3 s visibility and retries longer than that, further deliveries may already be in flight on other
      // consumers when the faults stop, and each that succeeds sends its record: dead-lettering is at-least-once.
      // What must hold is that every copy carries the same deadLetterId, for the DLQ's reader to drop, and one scan.
      const copies = (await deadLetters.drain()).filter(fromMessage(messageId));
      expect(copies.map((copy) => copy.deadLetterId)).toEqual(copies.map(() => `${messageId}/events[1]`));
      expect(await parcelOf(waybillNo)).toMatchObject({ status: 'PICKED_UP', eventCount: 1 });
    },
    60_000,
  );

  it(
    'a dead-letter send that fails fails the invocation; the redelivery dead-letters the message and stores nothing twice',
    async () => {
      await setScanQueueVisibilityTimeout(producer, 3);
      await removeDeadLetterQueue(producer);
      const waybillNo = freshWaybillNo();
      const valid = scanInput(waybillNo, { type: 'PICKED_UP' });
      const invalid = scanInput(wrongCheckDigit(waybillNo));
      const messageId = await sendScanMessage(producer, { source: 'sto-hub-sh', events: [valid, invalid] });

      // The valid scan is stored before the dead letter is sent; the send fails with QueueNotExist.
      const failure = await env.waitForLog('the failed invocation', failedAttempt(messageId), 25_000);
      expect(failure.message).toContain('QueueNotExist');
      expect(await env.store.timeline(waybillNo)).toHaveLength(1);

      await restoreDeadLetterQueue(producer);
      const [record] = await deadLetters.take(fromMessage(messageId), 1, 15_000);
      await waitFor('the message consumed', async () => ((await queueDepth()) === 0 ? true : undefined), { timeoutMs: 10_000 });

      expect(record).toMatchObject({ deadLetterId: `${messageId}/events[1]`, reason: 'INVALID_EVENT', body: invalid });
      // At-least-once: a delivery overlapping this one on another consumer would send a copy of the same id.
      const copies = (await deadLetters.drain()).filter(fromMessage(messageId));
      expect(copies.map((copy) => copy.deadLetterId)).toEqual(copies.map(() => `${messageId}/events[1]`));
      expect(timelineEntries(await env.store.timeline(waybillNo))).toEqual([expect.objectContaining({ eventKey: `sto-hub-sh/${valid.eventId}`, type: 'PICKED_UP' })]);
      expect(await parcelOf(waybillNo)).toMatchObject({ status: 'PICKED_UP', eventCount: 1 });
    },
    60_000,
  );
});
