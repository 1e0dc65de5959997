import { parcelTracking, parseStoredOrderSummary, type ParcelTracking, type TrackingScan, type WaybillNo } from '../domain/index.ts';
import type { TablestoreClient } from '../store/tablestore-client.ts';
import { readTrackedParcel, readTrackingScans } from '../store/tracking-reads.ts';

/**
 * trackParcel: the one path of every tracking query, the JSON API's and the page's. At most one GetRow (the
 * parcel row: state and order summary) and one GetRange (the timeline) per query, sent together so a query
 * costs one round trip, not two.
 *
 * The GetRange goes out before the GetRow has answered, so for an unknown parcel it has already been sent: the
 * query answers "not found" as soon as the GetRow does, without waiting for the timeline, and ignores it. Known
 * parcels are the common case, and the one whose latency counts; an unknown one costs one empty GetRange more
 * (one read CU).
 */

/** A parcel's public tracking answer and the revision of the state it was built from. */
export interface TrackedParcel {
  tracking: ParcelTracking;
  /** The parcel state's revision (0 before the first scan): goes up with every change of its status. */
  revision: number;
}

/**
 * The tracking answer of `waybillNo`, or `undefined` when there is no such parcel. Storage errors are thrown
 * as the client's `TablestoreError`s (retryable ones were retried until `deadline`).
 *
 * @example
 * ```ts
 * const tracked = await trackParcel(client, waybillNo, Date.now() + 2000);
 * if (tracked === undefined) throw new ParcelscanError('PARCEL_NOT_FOUND');
 * tracked.tracking.status; // 'ARRIVED'
 * ```
 */
export async function trackParcel(client: TablestoreClient, waybillNo: WaybillNo, deadline: number): Promise<TrackedParcel | undefined> {
  const timeline: Promise<TrackingScan[]> = readTrackingScans(client, waybillNo, deadline);
  // Not awaited when the parcel is unknown: its failure must not become an unhandled rejection.
  timeline.catch(() => undefined);
  const row = await readTrackedParcel(client, waybillNo, deadline);
  if (row === undefined) return undefined;
  const scans = await timeline;
  const order = parseStoredOrderSummary(row.order);
  return {
    tracking: parcelTracking({
      waybillNo,
      scans,
      ...(row.state === undefined ? {} : { state: row.state }),
      ...(order === undefined ? {} : { order }),
    }),
    revision: row.state?.revision ?? 0,
  };
}
