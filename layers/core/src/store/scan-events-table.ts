import { scanEventsTable } from '../../../../infra/tables.ts';
import type { FoldableScan, ScanEvent, WaybillNo } from '../domain/index.ts';
import { compareScanOrder, parseScanEvent, waybillPartition } from '../domain/index.ts';
import type { BatchWriteRowChange } from './batch.ts';
import { ConditionCheckFailedError } from './errors.ts';
import type { RetryListener } from './retry.ts';
import type { TablestoreClient } from './tablestore-client.ts';
import { INF_MAX, INF_MIN, type Attributes, type Row } from './values.ts';

/**
 * The scan_events table (infra/tables.ts): one row per scan, keyed (partition, waybillNo, eventKey) where
 * eventKey = partnerId/eventId, the scan's identity. Written with EXPECT_NOT_EXIST, so a resent scan fails its
 * condition and is counted as a duplicate without a read before the write, even when the resend carries another
 * `occurredAt`: the time is a column, not part of the key. A timeline is one GetRange over the waybill's prefix,
 * put in time order in memory (a parcel has tens of scans).
 */

/** A scan as it is recorded: the event and who sent it, how and when. */
export interface RecordedScan {
  event: ScanEvent;
  /** `partnerId/eventId`: the scan's identity. */
  eventKey: string;
  partnerId: string;
  /** `webhook` or `queue`. */
  channel: 'webhook' | 'queue';
  receivedAtMs: number;
  traceId?: string;
}

export type ScanWriteOutcome = 'accepted' | 'duplicate';

const MAX_ROWS_PER_BATCH = 200;
const MAX_ROWS_PER_READ = 100;

/** The optional fields of a scan event that are stored as they came. */
const OPTIONAL_TEXT_FIELDS = ['facilityName', 'operatorId', 'deviceId', 'nextFacilityCode', 'remark', 'signedBy'] as const;

function scanAttributes(scan: RecordedScan): Attributes {
  const { event } = scan;
  // One object, filled in place: this runs for every scan at peak, and spreads of optional parts cost more.
  const attributes: Record<string, string | number> = {
    eventId: event.eventId,
    type: event.type,
    occurredAt: event.occurredAtMs,
    occurredAtText: event.occurredAt,
    facilityCode: event.facilityCode,
    partnerId: scan.partnerId,
    channel: scan.channel,
    receivedAt: scan.receivedAtMs,
  };
  // Coordinates are kept as text: the Tablestore SDK would need explicit doubles and they are only displayed.
  if (event.lat !== undefined && event.lon !== undefined) attributes.position = `${event.lat},${event.lon}`;
  if (scan.traceId !== undefined) attributes.traceId = scan.traceId;
  for (const field of OPTIONAL_TEXT_FIELDS) {
    const value = event[field];
    if (value !== undefined) attributes[field] = value;
  }
  return attributes;
}

export function scanEventKeyOf(waybillNo: WaybillNo, eventKey: string) {
  return { partition: waybillPartition(waybillNo), waybillNo, eventKey };
}

function scanRow(scan: RecordedScan): BatchWriteRowChange {
  return {
    type: 'PUT',
    table: scanEventsTable.name,
    primaryKey: scanEventKeyOf(scan.event.waybillNo, scan.eventKey),
    attributes: scanAttributes(scan),
    rowExistence: 'EXPECT_NOT_EXIST',
  };
}

/**
 * Writes scans in BatchWriteRow calls of up to 200 rows and tells, per scan, whether it was new or already
 * there. Rows failing with a retryable code are retried by the client within `deadline` (each retried round told
 * to `onRetry`); a row that fails for any other reason fails the call, so no scan is reported as stored when it
 * is not. One call may not name a row twice, so `scans` must have distinct (waybillNo, eventKey).
 */
export async function writeScans(
  client: TablestoreClient,
  scans: readonly RecordedScan[],
  deadline: number,
  onRetry?: RetryListener,
): Promise<ScanWriteOutcome[]> {
  const outcomes: ScanWriteOutcome[] = [];
  for (let start = 0; start < scans.length; start += MAX_ROWS_PER_BATCH) {
    const chunk = scans.slice(start, start + MAX_ROWS_PER_BATCH);
    const result = await client.batchWriteRow({ rows: chunk.map(scanRow), deadline, onRetry });
    for (const outcome of result.outcomes) {
      if (outcome.ok) outcomes.push('accepted');
      else if (outcome.error instanceof ConditionCheckFailedError) outcomes.push('duplicate');
      else throw outcome.error;
    }
  }
  return outcomes;
}

/** A stored scan as a timeline shows it. */
export interface TimelineScan {
  eventKey: string;
  occurredAtMs: number;
  attributes: Row['attributes'];
}

function timelineScanOf(row: Row): TimelineScan {
  return { eventKey: String(row.primaryKey.eventKey), occurredAtMs: Number(row.attributes.occurredAt), attributes: row.attributes };
}

/**
 * One waybill's scans in time order (by occurredAt, then eventKey, as the parcel fold orders them): one GetRange
 * over the waybill's key prefix (paged past 5000 rows), sorted in memory.
 */
export async function readTimeline(client: TablestoreClient, waybillNo: WaybillNo, deadline: number): Promise<TimelineScan[]> {
  const partition = waybillPartition(waybillNo);
  const scans: TimelineScan[] = [];
  const rows = client.iterateRange({
    table: scanEventsTable.name,
    start: { partition, waybillNo, eventKey: INF_MIN },
    end: { partition, waybillNo, eventKey: INF_MAX },
    deadline,
  });
  for await (const row of rows) scans.push(timelineScanOf(row));
  return scans.sort(compareScanOrder);
}

/**
 * The scan a stored row records, parsed again as partners' input is (parseScanEvent) from the columns {@link scanAttributes} wrote;
 * `undefined` for a row that does not parse (written by an older or newer writer).
 */
function storedScanEvent(waybillNo: WaybillNo, attributes: Row['attributes']): ScanEvent | undefined {
  const [lat, lon] = typeof attributes.position === 'string' ? attributes.position.split(',').map(Number) : [];
  const wire: Record<string, unknown> = {
    eventId: attributes.eventId,
    waybillNo,
    type: attributes.type,
    occurredAt: attributes.occurredAtText,
    facilityCode: attributes.facilityCode,
    ...(lat === undefined || lon === undefined ? {} : { lat, lon }),
  };
  for (const field of OPTIONAL_TEXT_FIELDS) if (attributes[field] !== undefined) wire[field] = attributes[field];
  const parsed = parseScanEvent(wire);
  return parsed.success ? parsed.data : undefined;
}

/**
 * The stored versions of scans that already had a row (BatchGetRow, 100 keys a call), for folding the scan as it
 * was first recorded rather than as a resend describes it: a resend may carry another time or type under the same
 * eventId, and the first one is the scan. Scans whose row is gone (expired) or unreadable are left out.
 */
export async function readStoredScans(
  client: TablestoreClient,
  scans: readonly { waybillNo: WaybillNo; eventKey: string }[],
  deadline: number,
  onRetry?: RetryListener,
): Promise<FoldableScan[]> {
  const stored: FoldableScan[] = [];
  for (let start = 0; start < scans.length; start += MAX_ROWS_PER_READ) {
    const chunk = scans.slice(start, start + MAX_ROWS_PER_READ);
    const { outcomes } = await client.batchGetRow({
      tables: [{ table: scanEventsTable.name, primaryKeys: chunk.map((scan) => scanEventKeyOf(scan.waybillNo, scan.eventKey)) }],
      deadline,
      onRetry,
    });
    for (const outcome of outcomes) {
      if (!outcome.ok) throw outcome.error;
      if (outcome.row === undefined) continue;
      const waybillNo = outcome.primaryKey.waybillNo as WaybillNo;
      const event = storedScanEvent(waybillNo, outcome.row.attributes);
      if (event !== undefined) stored.push({ event, eventKey: String(outcome.primaryKey.eventKey) });
    }
  }
  return stored;
}
