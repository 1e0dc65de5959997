import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATS_PATH, type TablestoreServer } from '../../../infra/local/tablestore/server.ts';
import { scanEventKey, scanEventSchema, type ScanEvent, type ScanEventInput } from '../../../layers/core/src/domain/index.ts';
import { recordScans } from '../../../layers/core/src/ingest/record-scans.ts';
import { writeScans } from '../../../layers/core/src/store/scan-events-table.ts';
import { startProvisionedTablestore, timelineEntries, type IngestStore } from '../../support/ingest-store.ts';
import { freshWaybillNo, occurredAt, scanInput } from '../../support/scans.ts';

/**
 * recordScans against a local Tablestore server, for what only storage can show: a scan's identity is its partner
 * and eventId, whatever else a resend says, and a parcel left behind by an attempt that stopped between the scan
 * row and the parcel row is repaired from the scan as stored.
 */

let server: TablestoreServer;
let store: IngestStore;

beforeAll(async () => {
  ({ server, store } = await startProvisionedTablestore());
});

afterAll(async () => {
  await server?.close();
});

const deadline = (): number => Date.now() + 5_000;

/** BatchGetRow calls the server has received so far (its request counter). */
async function batchGetRows(): Promise<number> {
  const { requests } = (await (await fetch(`${server.url}${STATS_PATH}`)).json()) as { requests: Record<string, number> };
  return requests.BatchGetRow ?? 0;
}

function parsed(input: ScanEventInput): ScanEvent {
  return scanEventSchema.parse(input);
}

function record(events: readonly ScanEvent[]) {
  return recordScans(store.client, { partnerId: 'demo', channel: 'webhook', events, receivedAtMs: Date.now() }, deadline());
}

describe('recordScans', () => {
  it('counts a resend under the same eventId as a duplicate even when its time and type differ, and keeps the first', async () => {
    const waybillNo = freshWaybillNo();
    const first = parsed(scanInput(waybillNo, { type: 'ARRIVED', occurredAt: occurredAt(10) }));
    const resend = parsed({ ...scanInput(waybillNo), eventId: first.eventId, type: 'DELIVERED', occurredAt: occurredAt(0) });

    expect(await record([first])).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(await record([resend])).toMatchObject({ accepted: 0, duplicates: 1, rowsWritten: 0 });

    expect(timelineEntries(await store.timeline(waybillNo)).map(({ type, occurredAtMs }) => ({ type, occurredAtMs }))).toEqual([
      { type: 'ARRIVED', occurredAtMs: first.occurredAtMs },
    ]);
    expect(await store.parcel(waybillNo)).toMatchObject({ status: 'ARRIVED', eventCount: 1, firstOccurredAtMs: first.occurredAtMs, revision: 1 });
  });

  it('repairs a parcel whose scan row was written by an attempt that stopped before the parcel, from the scan as stored', async () => {
    const waybillNo = freshWaybillNo();
    const stored = parsed(scanInput(waybillNo, { type: 'DEPARTED', occurredAt: occurredAt(20) }));
    // The earlier attempt: the scan row only, as if the function had died right after writing it.
    await writeScans(store.client, [{ event: stored, eventKey: scanEventKey('demo', stored.eventId), partnerId: 'demo', channel: 'webhook', receivedAtMs: Date.now() }], deadline());
    expect(await store.parcel(waybillNo)).toBeUndefined();

    const resend = parsed({ ...scanInput(waybillNo), eventId: stored.eventId, type: 'PICKED_UP', occurredAt: occurredAt(0) });
    expect(await record([resend])).toMatchObject({ accepted: 0, duplicates: 1, rowsWritten: 1 });

    expect(await store.parcel(waybillNo)).toMatchObject({
      status: 'DEPARTED',
      eventCount: 1,
      firstOccurredAtMs: stored.occurredAtMs,
      lastOccurredAtMs: stored.occurredAtMs,
    });
  });

  it('reads back nothing for scans that were all new', async () => {
    const waybillNo = freshWaybillNo();
    const before = await batchGetRows();
    await record([parsed(scanInput(waybillNo)), parsed(scanInput(waybillNo, { occurredAt: occurredAt(5) }))]);
    // One BatchWriteRow of scans, then the parcel's BatchGetRow and BatchWriteRow: no read of the scans themselves.
    expect((await batchGetRows()) - before).toBe(1);
  });
});
