import { z } from 'zod';
import { parcelsTable } from '../../../../infra/tables.ts';
import { scanEventTypes, type ParcelState, type TrackingScan, type WaybillNo } from '../domain/index.ts';
import { parcelKeyOf } from './parcels-table.ts';
import { readTimeline, type TimelineScan } from './scan-events-table.ts';
import type { TablestoreClient } from './tablestore-client.ts';

/**
 * The reads of a tracking query, over the tables of parcels-table.ts and scan-events-table.ts: the parcel row's
 * state and order summary in one GetRow, and the stored scans made into typed {@link TrackingScan}s.
 */

/** What a tracking query reads from a parcel row. */
export interface TrackedParcelRow {
  /** Absent while the parcel has an order but no scan yet. */
  state?: ParcelState;
  /** The `order` column's JSON value, as order intake wrote it; the domain reads it defensively. */
  order?: unknown;
}

function parseJsonColumn(value: unknown): unknown {
  if (typeof value !== 'string') return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

/**
 * The parcel row of `waybillNo` for tracking: one GetRow of the `state` and `order` columns. `undefined` when
 * there is no row, or a row with neither (nothing a tracking answer could show).
 *
 * @example
 * ```ts
 * const row = await readTrackedParcel(client, waybillNo, deadline);
 * if (row === undefined) throw new ParcelscanError('PARCEL_NOT_FOUND');
 * ```
 */
export async function readTrackedParcel(client: TablestoreClient, waybillNo: WaybillNo, deadline: number): Promise<TrackedParcelRow | undefined> {
  const row = await client.getRow({ table: parcelsTable.name, primaryKey: parcelKeyOf(waybillNo), columns: ['state', 'order'], deadline });
  if (row === undefined) return undefined;
  const { state, order } = row.attributes;
  const tracked: TrackedParcelRow = {};
  // The state is written by foldIntoParcels from a ParcelState, so it is trusted as parcels-table.ts trusts it.
  if (typeof state === 'string') tracked.state = JSON.parse(state) as ParcelState;
  const orderValue = parseJsonColumn(order);
  if (orderValue !== undefined) tracked.order = orderValue;
  return tracked.state === undefined && tracked.order === undefined ? undefined : tracked;
}

const optionalText = z.string().min(1).optional();

/** The columns scanAttributes() writes that a timeline shows (scan-events-table.ts). */
const timelineAttributesSchema = z.object({
  type: z.enum(scanEventTypes),
  occurredAtText: z.string().min(1),
  facilityCode: z.string().min(1),
  facilityName: optionalText,
  nextFacilityCode: optionalText,
  remark: optionalText,
  signedBy: optionalText,
});

/**
 * A stored scan as a {@link TrackingScan}, or `undefined` for a row this reader cannot show (a scan type added
 * by a newer writer, say): one unreadable row must not take the whole timeline down.
 */
export function trackingScanOf(scan: TimelineScan): TrackingScan | undefined {
  const parsed = timelineAttributesSchema.safeParse(scan.attributes);
  if (!parsed.success) return undefined;
  const { occurredAtText, ...fields } = parsed.data;
  const trackingScan: TrackingScan = {
    type: fields.type,
    occurredAt: occurredAtText,
    occurredAtMs: scan.occurredAtMs,
    eventKey: scan.eventKey,
    facilityCode: fields.facilityCode,
  };
  for (const field of ['facilityName', 'nextFacilityCode', 'remark', 'signedBy'] as const) {
    const value = fields[field];
    if (value !== undefined) trackingScan[field] = value;
  }
  return trackingScan;
}

/**
 * One waybill's scans for tracking, in time order: {@link readTimeline}'s single GetRange, rows made typed.
 *
 * @example
 * ```ts
 * const scans = await readTrackingScans(client, waybillNo, deadline);
 * scans[0]?.occurredAt; // '2025-11-25T14:03:00+08:00'
 * ```
 */
export async function readTrackingScans(client: TablestoreClient, waybillNo: WaybillNo, deadline: number): Promise<TrackingScan[]> {
  const scans = await readTimeline(client, waybillNo, deadline);
  return scans.flatMap((scan) => trackingScanOf(scan) ?? []);
}
