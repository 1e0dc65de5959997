import { scanEventKey, type FoldableScan, type ScanEvent, type WaybillNo } from '../domain/index.ts';
import type { ScanTally } from '../observability/metrics.ts';
import { foldIntoParcels } from '../store/parcels-table.ts';
import type { RetryListener } from '../store/retry.ts';
import { readStoredScans, writeScans, type RecordedScan, type ScanWriteOutcome } from '../store/scan-events-table.ts';
import type { TablestoreClient } from '../store/tablestore-client.ts';

/**
 * recordScans: the one path every scan takes into storage, whether a partner posted it or a hub scanner
 * queued it. First the scan rows (a resent scan, same partner and eventId, is a duplicate by its key), then
 * each parcel's row folded from the scans (see domain/parcel-status.ts). Both steps are idempotent, so a retried
 * request or a redelivered message is always safe; a parcel whose row update failed after its scans were written
 * is repaired by the retry, since duplicates still take part in the fold (as first stored).
 */

export interface ScanSubmission {
  partnerId: string;
  channel: RecordedScan['channel'];
  events: readonly ScanEvent[];
  receivedAtMs: number;
  /** The trace every scan row carries (observability/trace.ts), unless `traceIds` names another for it. */
  traceId?: string;
  /**
   * The trace of each event, by its position in `events`, when they differ: a queue batch gathers the messages of
   * many traces, and is still written in one submission per partner rather than one per trace.
   */
  traceIds?: readonly (string | undefined)[];
}

export interface RecordScansResult {
  /** Per event of the submission, in order. */
  outcomes: ScanWriteOutcome[];
  accepted: number;
  duplicates: number;
  /** Rows written: the scan rows of the accepted events and the parcel rows that changed. */
  rowsWritten: number;
}

/**
 * Records a partner's scans. Storage retries (a request or a batch round sent again) are told to `onRetry`, so a
 * caller counts them even when the call fails in the end.
 *
 * @example
 * ```ts
 * const result = await recordScans(store, { partnerId: 'demo', channel: 'webhook', events, receivedAtMs, traceId }, deadline, () => tally.count({ otsRetries: 1 }));
 * result.accepted; // events stored for the first time
 * ```
 */
export async function recordScans(
  client: TablestoreClient,
  submission: ScanSubmission,
  deadline: number,
  onRetry?: RetryListener,
): Promise<RecordScansResult> {
  const scans: RecordedScan[] = submission.events.map((event, index) => {
    const traceId = submission.traceIds?.[index] ?? submission.traceId;
    return {
      event,
      eventKey: scanEventKey(submission.partnerId, event.eventId),
      partnerId: submission.partnerId,
      channel: submission.channel,
      receivedAtMs: submission.receivedAtMs,
      ...(traceId === undefined ? {} : { traceId }),
    };
  });

  // The same scan twice in one submission is written once: one BatchWriteRow may not name a row twice with
  // a row-existence check. The repeats are duplicates of the first, whatever else they carry.
  const seen = new Set<string>();
  const distinct: RecordedScan[] = [];
  // Per scan, its place in `distinct`, or undefined for a repeat.
  const positions = scans.map((scan) => {
    const rowKey = `${scan.event.waybillNo}\u0000${scan.eventKey}`;
    if (seen.has(rowKey)) return undefined;
    seen.add(rowKey);
    return distinct.push(scan) - 1;
  });
  const written = await writeScans(client, distinct, deadline, onRetry);
  const outcomes = positions.map((position): ScanWriteOutcome => (position === undefined ? 'duplicate' : (written[position] ?? 'duplicate')));

  const scansByWaybill = new Map<WaybillNo, FoldableScan[]>();
  for (const scan of await scansToFold(client, distinct, written, deadline, onRetry)) {
    const list = scansByWaybill.get(scan.event.waybillNo) ?? [];
    list.push(scan);
    scansByWaybill.set(scan.event.waybillNo, list);
  }
  const parcelRowsWritten = await foldIntoParcels(client, scansByWaybill, deadline, submission.receivedAtMs, onRetry);

  const accepted = outcomes.filter((outcome) => outcome === 'accepted').length;
  return { outcomes, accepted, duplicates: outcomes.length - accepted, rowsWritten: accepted + parcelRowsWritten };
}

/**
 * The scans to fold into their parcels: the new ones as they were sent, and the duplicates as they were first
 * stored. Duplicates take part because an earlier attempt may have written their rows and failed before updating
 * the parcel (the fold counts each key once, so one already folded changes nothing); they are read back because a
 * resend may carry another time or type under the same eventId, and the stored scan is the one the timeline shows.
 * Only duplicates cost a read, never a scan written for the first time.
 */
async function scansToFold(
  client: TablestoreClient,
  distinct: readonly RecordedScan[],
  written: readonly ScanWriteOutcome[],
  deadline: number,
  onRetry?: RetryListener,
): Promise<FoldableScan[]> {
  const fresh: FoldableScan[] = [];
  const resent: { waybillNo: WaybillNo; eventKey: string }[] = [];
  distinct.forEach((scan, index) => {
    if (written[index] === 'accepted') fresh.push({ event: scan.event, eventKey: scan.eventKey });
    else resent.push({ waybillNo: scan.event.waybillNo, eventKey: scan.eventKey });
  });
  if (resent.length === 0) return fresh;
  return [...fresh, ...(await readStoredScans(client, resent, deadline, onRetry))];
}

/**
 * Adds what {@link recordScans} did with `events` to their partner's tally: accepted, duplicates, rows written, and
 * the `occurredAt` → written lag of the accepted events (a duplicate was written earlier, so it has none).
 *
 * @example
 * ```ts
 * tallyRecordedScans(metrics.scans(partnerId), events, await recordScans(store, submission, deadline), Date.now());
 * ```
 */
export function tallyRecordedScans(tally: ScanTally, events: readonly ScanEvent[], result: RecordScansResult, writtenAtMs: number): void {
  tally.count({ accepted: result.accepted, duplicates: result.duplicates, rowsWritten: result.rowsWritten });
  tally.observeLag(
    events.flatMap((event, index) => (result.outcomes[index] === 'accepted' ? [event.occurredAtMs] : [])),
    writtenAtMs,
  );
}
