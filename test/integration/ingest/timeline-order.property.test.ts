import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TablestoreServer } from '../../../infra/local/tablestore/server.ts';
import { parcelView, scanEventSchema, scanEventTypes, type ScanEvent, type WaybillNo } from '../../../layers/core/src/domain/index.ts';
import { recordScans } from '../../../layers/core/src/ingest/record-scans.ts';
import { TablestoreError } from '../../../layers/core/src/store/index.ts';
import { comparableParcel, startProvisionedTablestore, timelineEntries, type IngestStore } from '../../support/ingest-store.ts';
import { freshWaybillNo, occurredAt } from '../../support/scans.ts';

/**
 * "Any permutation and duplication of a timeline stores the same timeline and the same status" (issue 4), for
 * the layer itself: recordScans through the project's Tablestore wrapper and the official SDK against a local
 * Tablestore server. Each run records one timeline twice, on two fresh waybill numbers: once in time order, each
 * scan once; once as delivered, in any order, with resends, cut into submissions anywhere (partners and hubs
 * batch as they like), the submissions spread over up to three concurrent senders.
 */

let server: TablestoreServer;
let store: IngestStore;

beforeAll(async () => {
  ({ server, store } = await startProvisionedTablestore());
});

afterAll(async () => {
  await server?.close();
});

/** One scan of the timeline, before it is given a waybill number; minutes on a coarse grid, so ties happen. */
interface TimelineScan {
  partnerId: string;
  eventId: string;
  type: (typeof scanEventTypes)[number];
  minutes: number;
  remark: string | undefined;
}

const timeline = fc
  .array(
    fc.record({
      partnerId: fc.constantFrom('demo', 'sto-hub-sh'),
      type: fc.constantFrom(...scanEventTypes),
      minutes: fc.integer({ min: 0, max: 6 }),
      remark: fc.option(fc.constantFrom('box damaged', 'address unreadable'), { nil: undefined }),
    }),
    { minLength: 1, maxLength: 8 },
  )
  // eventIds unique per partner within the timeline.
  .map((scans): TimelineScan[] => scans.map((scan, index) => ({ ...scan, eventId: `e-${index}` })));

/** What a submission is: one sender's scans in one request or message. */
interface Submission {
  partnerId: string;
  scans: TimelineScan[];
}

const delivery = timeline.chain((scans) =>
  fc
    .array(fc.nat({ max: scans.length - 1 }), { maxLength: scans.length })
    .chain((resends) => {
      const sent = [...scans, ...resends.map((index) => scans[index] as TimelineScan)];
      return fc.record({
        scans: fc.constant(scans),
        sent: fc.shuffledSubarray(sent, { minLength: sent.length, maxLength: sent.length }),
        cuts: fc.array(fc.boolean(), { minLength: sent.length, maxLength: sent.length }),
        senders: fc.integer({ min: 1, max: 3 }),
      });
    })
    .map(({ scans, sent, cuts, senders }) => ({ scans, submissions: cutIntoSubmissions(sent, cuts), senders })),
);

/** Consecutive scans of one partner form a submission until `cuts` ends it. */
function cutIntoSubmissions(sent: readonly TimelineScan[], cuts: readonly boolean[]): Submission[] {
  const submissions: Submission[] = [];
  sent.forEach((scan, index) => {
    const current = submissions.at(-1);
    if (current === undefined || current.partnerId !== scan.partnerId || cuts[index - 1] === true) {
      submissions.push({ partnerId: scan.partnerId, scans: [scan] });
    } else {
      current.scans.push(scan);
    }
  });
  return submissions;
}

function eventOf(scan: TimelineScan, waybillNo: WaybillNo): ScanEvent {
  return scanEventSchema.parse({
    eventId: scan.eventId,
    waybillNo,
    type: scan.type,
    occurredAt: occurredAt(scan.minutes),
    facilityCode: `HUB-${scan.minutes}`,
    ...(scan.remark === undefined ? {} : { remark: scan.remark }),
  });
}

/**
 * Records one submission as a sender does: an error the store calls retryable (what the webhook answers 503 for
 * and the queue trigger redelivers) is followed by the same submission again.
 */
async function send(waybillNo: WaybillNo, submission: Submission): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await recordScans(
        store.client,
        { partnerId: submission.partnerId, channel: 'queue', events: submission.scans.map((scan) => eventOf(scan, waybillNo)), receivedAtMs: Date.now() },
        Date.now() + 10_000,
      );
      return;
    } catch (error) {
      if (!(error instanceof TablestoreError && error.retryable) || attempt === 5) throw error;
    }
  }
}

/** The submissions dealt round-robin to `senders` senders, each sending its own in turn, all at once. */
async function deliver(waybillNo: WaybillNo, submissions: readonly Submission[], senders: number): Promise<void> {
  const lanes = Array.from({ length: senders }, (_, lane) => submissions.filter((_, index) => index % senders === lane));
  await Promise.all(
    lanes.map(async (lane) => {
      for (const submission of lane) await send(waybillNo, submission);
    }),
  );
}

/** The timeline without its waybill number: the same for both parcels when both stored the same scans. */
async function storedTimeline(waybillNo: WaybillNo) {
  return timelineEntries(await store.timeline(waybillNo));
}

describe('recordScans against a local Tablestore server', () => {
  it('any permutation and duplication of a timeline stores the same timeline and the same status', async () => {
    await fc.assert(
      fc.asyncProperty(delivery, async ({ scans, submissions, senders }) => {
        const inOrder = freshWaybillNo();
        const asDelivered = freshWaybillNo();
        const chronological = [...scans].sort((a, b) => a.minutes - b.minutes);
        for (const scan of chronological) await send(inOrder, { partnerId: scan.partnerId, scans: [scan] });
        await deliver(asDelivered, submissions, senders);

        const expectedTimeline = await storedTimeline(inOrder);
        expect(expectedTimeline).toHaveLength(scans.length);
        expect(await storedTimeline(asDelivered)).toEqual(expectedTimeline);

        const expected = await store.parcel(inOrder);
        const actual = await store.parcel(asDelivered);
        expect(expected?.eventCount).toBe(scans.length);
        expect(comparableParcel(actual)).toEqual(comparableParcel(expected));
        expect(actual && parcelView(actual)).toEqual(expected && parcelView(expected));
      }),
      { numRuns: 15 },
    );
  });
});
