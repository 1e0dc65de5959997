import { scanEventsTable } from '../../../../infra/tables.ts';
import type { ScanEvent, WaybillNo } from '../domain/index.ts';
import { waybillPartition } from '../domain/index.ts';
import type { BatchWriteRowChange } from './batch.ts';
import { ConditionCheckFailedError } from './errors.ts';
import type { RetryListener } from './retry.ts';
import type { TablestoreClient } from './tablestore-client.ts';
import { INF_MAX, INF_MIN, type Attributes, type Row } from './values.ts';

/**
 * The scan_events table (infra/tables.ts): one row per scan, keyed (partition, waybillNo, occurredAt,
 * eventKey). Written with EXPECT_NOT_EXIST, so a resent scan fails its condition and is counted as a
 * duplicate without a read before the write.
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

function scanAttributes(scan: RecordedScan): Attributes {
  const { event } = scan;
  const optional: Record<string, string | number> = {};
  for (const field of ['facilityName', 'operatorId', 'deviceId', 'nextFacilityCode', 'remark', 'signedBy'] as const) {
    const value = event[field];
    if (value !== undefined) optional[field] = value;
  }
  return {
    eventId: event.eventId,
    type: event.type,
    occurredAtText: event.occurredAt,
    facilityCode: event.facilityCode,
    partnerId: scan.partnerId,
    channel: scan.channel,
    receivedAt: scan.receivedAtMs,
    // Coordinates are kept as text: the Tablestore SDK would need explicit doubles and they are only displayed.
    ...(event.lat === undefined || event.lon === undefined ? {} : { position: `${event.lat},${event.lon}` }),
    ...(scan.traceId === undefined ? {} : { traceId: scan.traceId }),
    ...optional,
  };
}

export function scanEventKeyOf(waybillNo: WaybillNo, occurredAtMs: number, eventKey: string) {
  return { partition: waybillPartition(waybillNo), waybillNo, occurredAt: occurredAtMs, eventKey };
}

function scanRow(scan: RecordedScan): BatchWriteRowChange {
  return {
    type: 'PUT',
    table: scanEventsTable.name,
    primaryKey: scanEventKeyOf(scan.event.waybillNo, scan.event.occurredAtMs, scan.eventKey),
    attributes: scanAttributes(scan),
    rowExistence: 'EXPECT_NOT_EXIST',
  };
}

/**
 * Writes scans in BatchWriteRow calls of up to 200 rows and tells, per scan, whether it was new or already
 * there. Rows failing with a retryable code are retried by the client within `deadline` (each retried round told
 * to `onRetry`); a row that fails for any other reason fails the call, so no scan is reported as stored when it
 * is not.
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

/** One waybill's scans in time order: one GetRange over its key prefix (paged past 5000 rows). */
export async function readTimeline(client: TablestoreClient, waybillNo: WaybillNo, deadline: number): Promise<TimelineScan[]> {
  const partition = waybillPartition(waybillNo);
  const scans: TimelineScan[] = [];
  const rows = client.iterateRange({
    table: scanEventsTable.name,
    start: { partition, waybillNo, occurredAt: INF_MIN, eventKey: INF_MIN },
    end: { partition, waybillNo, occurredAt: INF_MAX, eventKey: INF_MAX },
    deadline,
  });
  for await (const row of rows) {
    scans.push({ eventKey: String(row.primaryKey.eventKey), occurredAtMs: Number(row.primaryKey.occurredAt), attributes: row.attributes });
  }
  return scans;
}
