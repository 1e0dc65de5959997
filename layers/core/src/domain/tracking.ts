import { z } from 'zod';
import { maskPersonName, maskPhone } from './masking.ts';
import { isExceptionActive, type ParcelState, type ProgressEventType } from './parcel-status.ts';
import type { ScanEventType } from './scan-event.ts';
import { compareScanOrder } from './scan-order.ts';
import type { WaybillNo } from './waybill.ts';

/**
 * The public tracking answer (`GET /v1/parcels/{waybillNo}` and the tracking page): what anyone holding a waybill
 * number may see. Public: the status, the exception, each scan's type, time, facility, next facility, remark and
 * the masked name of who signed, and of the order the masked receiver, the receiver's province/city/district,
 * the masked sender name and the sender's province/city, the weight, the number of pieces and when the order
 * was created.
 * Never public: operator and device ids, partner ids and event ids (a partner's own identifiers), scan
 * positions (a courier's whereabouts), trace ids, street addresses, the sender's phone, the partner's order id
 * and the items (what a parcel holds can be sensitive).
 */

/** One scan of a parcel's timeline as the store reads it back, before it is made public. */
export interface TrackingScan {
  type: ScanEventType;
  /** The text the scanner sent, offset included. */
  occurredAt: string;
  occurredAtMs: number;
  /** `partnerId/eventId`; orders scans of the same millisecond, and is never shown. */
  eventKey: string;
  facilityCode: string;
  facilityName?: string;
  nextFacilityCode?: string;
  remark?: string;
  signedBy?: string;
}

/** A scan as the public answer shows it. */
export interface PublicScanEvent {
  type: ScanEventType;
  /** As the scanner sent it, with its offset: the time the hub saw. */
  occurredAt: string;
  facilityCode: string;
  facilityName?: string;
  nextFacilityCode?: string;
  remark?: string;
  /** Masked like a name: `張*`. */
  signedBy?: string;
}

/** Where a party of an order is, to the district at most: never the street address. */
export interface PublicPlace {
  province?: string;
  city?: string;
  district?: string;
}

/** The order as the public answer shows it. */
export interface PublicOrderSummary {
  createdAt?: string;
  /** The sender's masked name and province/city. */
  sender?: { name?: string } & Omit<PublicPlace, 'district'>;
  /** The receiver's masked name and phone, and province/city/district. */
  receiver?: { name?: string; phone?: string } & PublicPlace;
  weightGrams?: number;
  /** Pieces in the parcel. */
  itemCount?: number;
}

/** The public tracking answer. */
export interface ParcelTracking {
  waybillNo: WaybillNo;
  /** The type of the latest progress scan; `null` until there is one (an order alone, or only EXCEPTION scans). */
  status: ProgressEventType | null;
  /** The latest EXCEPTION scan's reason, and whether it still stands; absent when the parcel never had one. */
  exception?: { active: boolean; reason: string };
  /** The progress scan that set `status`; `null` with it. */
  lastEvent: PublicScanEvent | null;
  /** Every scan, ascending by time (ties by an order that is the same on every read). */
  events: PublicScanEvent[];
  order?: PublicOrderSummary;
}

const optionalText = z.string().trim().min(1).max(256).optional().catch(undefined);

const storedPlaceSchema = z
  .object({ province: optionalText, city: optionalText, district: optionalText })
  .optional()
  .catch(undefined);

const storedPartySchema = z
  .object({ name: optionalText, phone: optionalText, address: storedPlaceSchema })
  .optional()
  .catch(undefined);

/**
 * The part of the order summary the parcel row's `order` column holds that the public answer uses, read
 * defensively: the column is written by order intake, each field is optional and a malformed field is
 * dropped rather than failing the whole answer. Names and phones may already be masked there; masking is
 * idempotent, so they are masked again on the way out whatever the writer did.
 */
export const storedOrderSummarySchema = z.object({
  createdAt: optionalText,
  sender: storedPartySchema,
  receiver: storedPartySchema,
  weightGrams: z.number().int().positive().optional().catch(undefined),
  itemCount: z.number().int().positive().optional().catch(undefined),
});

/** What {@link storedOrderSummarySchema} keeps of a stored order summary. */
export type StoredOrderSummary = z.output<typeof storedOrderSummarySchema>;

/**
 * Reads the `order` column's JSON value (already `JSON.parse`d); `undefined` when it is absent or not an order
 * summary at all.
 *
 * @example
 * ```ts
 * parseStoredOrderSummary({ receiver: { name: '張三', phone: '13812345678' } }); // { receiver: { name: '張三', … } }
 * parseStoredOrderSummary('garbage'); // undefined
 * ```
 */
export function parseStoredOrderSummary(value: unknown): StoredOrderSummary | undefined {
  const parsed = storedOrderSummarySchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

function publicScanEvent(scan: Omit<TrackingScan, 'occurredAtMs' | 'eventKey'>): PublicScanEvent {
  return withoutUndefined({
    type: scan.type,
    occurredAt: scan.occurredAt,
    facilityCode: scan.facilityCode,
    facilityName: scan.facilityName,
    nextFacilityCode: scan.nextFacilityCode,
    remark: scan.remark,
    signedBy: scan.signedBy === undefined ? undefined : maskPersonName(scan.signedBy),
  });
}

/** Optional fields are absent, never `undefined`, so the JSON answer and the tests see the same object. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

/** `undefined` instead of an object with no field left. */
function nonEmpty<T extends object>(value: T): T | undefined {
  const kept = withoutUndefined(value);
  return Object.keys(kept).length === 0 ? undefined : kept;
}

function publicOrderSummary({ createdAt, sender, receiver, weightGrams, itemCount }: StoredOrderSummary): PublicOrderSummary | undefined {
  return nonEmpty({
    createdAt,
    sender:
      sender === undefined
        ? undefined
        : nonEmpty({
            name: sender.name === undefined ? undefined : maskPersonName(sender.name),
            province: sender.address?.province,
            city: sender.address?.city,
          }),
    receiver:
      receiver === undefined
        ? undefined
        : nonEmpty({
            name: receiver.name === undefined ? undefined : maskPersonName(receiver.name),
            phone: receiver.phone === undefined ? undefined : maskPhone(receiver.phone),
            province: receiver.address?.province,
            city: receiver.address?.city,
            district: receiver.address?.district,
          }),
    weightGrams,
    itemCount,
  });
}

/** What {@link parcelTracking} builds the answer from: one parcel row and one timeline read. */
export interface ParcelTrackingSources {
  waybillNo: WaybillNo;
  /** The parcel's folded state; absent while the parcel has an order but no scan. */
  state?: ParcelState;
  order?: StoredOrderSummary;
  /** The parcel's scans in any order. */
  scans: readonly TrackingScan[];
}

/**
 * Builds the public tracking answer: statuses from the parcel's folded state, the timeline ascending by
 * (`occurredAtMs`, `eventKey`), and names and phones masked.
 *
 * @example
 * ```ts
 * const tracking = parcelTracking({ waybillNo, state, order, scans });
 * tracking.events.map((event) => event.type); // ['PICKED_UP', 'ARRIVED', 'DEPARTED']
 * tracking.order?.receiver?.name;             // '張*'
 * ```
 */
export function parcelTracking(sources: ParcelTrackingSources): ParcelTracking {
  const { state } = sources;
  const order = sources.order === undefined ? undefined : publicOrderSummary(sources.order);
  return {
    waybillNo: sources.waybillNo,
    status: state?.status ?? null,
    ...(state?.exception === undefined ? {} : { exception: { active: isExceptionActive(state), reason: state.exception.reason } }),
    lastEvent: state?.statusEvent === undefined ? null : publicScanEvent(state.statusEvent),
    events: [...sources.scans].sort(compareScanOrder).map(publicScanEvent),
    ...(order === undefined ? {} : { order }),
  };
}
