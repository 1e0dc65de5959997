import { scanEventKey, type FoldableScan, type ScanEvent, type WaybillNo } from '../domain/index.ts';
import { foldIntoParcels } from '../store/parcels-table.ts';
import { writeScans, type RecordedScan, type ScanWriteOutcome } from '../store/scan-events-table.ts';
import type { TablestoreClient } from '../store/tablestore-client.ts';

/**
 * recordScans: the one path every scan takes into storage, whether a partner posted it or a hub scanner
 * queued it. First the scan rows (a resent scan is a duplicate by its key), then each parcel's row folded
 * from the scans (see domain/parcel-status.ts). Both steps are idempotent, so a retried request or a
 * redelivered message is always safe; a parcel whose row update failed after its scans were written is
 * repaired by the retry, since duplicates still take part in the fold.
 */

export interface ScanSubmission {
  partnerId: string;
  channel: RecordedScan['channel'];
  events: readonly ScanEvent[];
  receivedAtMs: number;
  traceId?: string;
}

export interface RecordScansResult {
  /** Per event of the submission, in order. */
  outcomes: ScanWriteOutcome[];
  accepted: number;
  duplicates: number;
}

export async function recordScans(
  client: TablestoreClient,
  submission: ScanSubmission,
  deadline: number,
): Promise<RecordScansResult> {
  const scans: RecordedScan[] = submission.events.map((event) => ({
    event,
    eventKey: scanEventKey(submission.partnerId, event.eventId),
    partnerId: submission.partnerId,
    channel: submission.channel,
    receivedAtMs: submission.receivedAtMs,
    ...(submission.traceId === undefined ? {} : { traceId: submission.traceId }),
  }));

  // The same scan twice in one submission is written once: one BatchWriteRow may not name a row twice with
  // a row-existence check. The repeats are duplicates of the first.
  const firstIndexOf = new Map<string, number>();
  const distinct: RecordedScan[] = [];
  scans.forEach((scan, index) => {
    const rowKey = `${scan.event.waybillNo}\u0000${scan.event.occurredAtMs}\u0000${scan.eventKey}`;
    if (!firstIndexOf.has(rowKey)) {
      firstIndexOf.set(rowKey, index);
      distinct.push(scan);
    }
  });
  const written = await writeScans(client, distinct, deadline);
  const outcomeByFirstIndex = new Map<number, ScanWriteOutcome>();
  [...firstIndexOf.values()].forEach((index, position) => outcomeByFirstIndex.set(index, written[position] ?? 'duplicate'));
  const outcomes = scans.map((_, index) => outcomeByFirstIndex.get(index) ?? 'duplicate');

  const scansByWaybill = new Map<WaybillNo, FoldableScan[]>();
  scans.forEach((scan) => {
    const list = scansByWaybill.get(scan.event.waybillNo) ?? [];
    list.push({ event: scan.event, eventKey: scan.eventKey });
    scansByWaybill.set(scan.event.waybillNo, list);
  });
  await foldIntoParcels(client, scansByWaybill, deadline, submission.receivedAtMs);

  const accepted = outcomes.filter((outcome) => outcome === 'accepted').length;
  return { outcomes, accepted, duplicates: outcomes.length - accepted };
}
