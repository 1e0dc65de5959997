import { z } from 'zod';
import { type WaybillNo, waybillNoSchema } from './waybill.ts';

/** What happened to the parcel, in the order a parcel usually meets them. */
export const scanEventTypes = [
  'PICKED_UP',
  'ARRIVED',
  'DEPARTED',
  'OUT_FOR_DELIVERY',
  'STORED_AT_POINT',
  'DELIVERED',
  'DELIVERY_FAILED',
  'REJECTED',
  'EXCEPTION',
  'RETURNED',
] as const;

/** One of {@link scanEventTypes}. */
export type ScanEventType = (typeof scanEventTypes)[number];

/**
 * A scan as the domain uses it, parsed from partner or scanner input by {@link scanEventSchema}. Optional fields
 * are absent rather than `undefined`, `null` or `''`.
 */
export interface ScanEvent {
  /** The sender's id for this scan, unique per partner: the same `eventId` again is a duplicate. */
  eventId: string;
  waybillNo: WaybillNo;
  type: ScanEventType;
  /** The text as sent, offset included, so the parcel's local time can be shown as the hub saw it. */
  occurredAt: string;
  /** `occurredAt` as epoch milliseconds (fractions of a millisecond dropped): what scans are ordered by. */
  occurredAtMs: number;
  facilityCode: string;
  facilityName?: string;
  operatorId?: string;
  deviceId?: string;
  nextFacilityCode?: string;
  /** Present together with {@link ScanEvent.lon}, or not at all. */
  lat?: number;
  lon?: number;
  remark?: string;
  signedBy?: string;
}

/**
 * The carrier's facility codes (hubs, branches, pickup points): 1 to 32 characters of upper-case letters, digits
 * and '-', starting with a letter or digit, e.g. `SH-PD-01`. Upper case only, so one facility has one spelling
 * and the codes compare as plain strings.
 */
export const facilityCodePattern = /^[A-Z0-9][A-Z0-9-]{0,31}$/;
const facilityCodeRule = "must be 1 to 32 characters of A-Z, 0-9 and '-', starting with a letter or digit";

/** `occurredAt`: RFC 3339's profile of ISO-8601, so the offset is never missing and the instant never ambiguous. */
const occurredAtRule = 'must be an ISO-8601 date-time with seconds and an offset (Z or ±hh:mm), e.g. 2025-11-25T14:03:00+08:00';

/** "is required" when the field is missing, else the rule it breaks. */
function requiredOr(rule: string) {
  return (issue: { input?: unknown }): string => (issue.input === undefined ? 'is required' : rule);
}

function requiredText(min: number, max: number) {
  const rule = `must be a string of ${min} to ${max} characters`;
  return z.string({ error: requiredOr(rule) }).min(min, rule).max(max, rule);
}

/**
 * An optional string field. `null` and `''` are accepted and mean "absent": partners' JSON serializers commonly
 * write empty optional fields that way, and rejecting the whole scan for it would lose the scan.
 */
function optionalText(max: number) {
  return z.string({ error: 'must be a string' }).max(max, `must be at most ${max} characters`).nullish();
}

function optionalCoordinate(limit: number) {
  const rule = `must be a number from -${limit} to ${limit}`;
  return z.number({ error: rule }).min(-limit, rule).max(limit, rule).nullish();
}

const scanEventWireSchema = z
  .object(
    {
      eventId: requiredText(1, 64),
      waybillNo: waybillNoSchema,
      type: z.enum(scanEventTypes, { error: requiredOr(`must be one of ${scanEventTypes.join(', ')}`) }),
      occurredAt: z.iso.datetime({ offset: true, error: requiredOr(occurredAtRule) }),
      facilityCode: z.string({ error: requiredOr(facilityCodeRule) }).regex(facilityCodePattern, facilityCodeRule),
      facilityName: optionalText(128),
      operatorId: optionalText(64),
      deviceId: optionalText(64),
      nextFacilityCode: z
        .string({ error: facilityCodeRule })
        .refine((code) => code === '' || facilityCodePattern.test(code), facilityCodeRule)
        .nullish(),
      lat: optionalCoordinate(90),
      lon: optionalCoordinate(180),
      remark: optionalText(256),
      signedBy: optionalText(64),
    },
    { error: 'must be a scan event object' },
  )
  .superRefine((event, context) => {
    // A position is a pair: one coordinate alone cannot be shown on a map, so it is a sender bug worth reporting.
    const hasLat = event.lat !== undefined && event.lat !== null;
    const hasLon = event.lon !== undefined && event.lon !== null;
    if (hasLat && !hasLon) context.addIssue({ code: 'custom', path: ['lon'], message: 'is required when lat is given' });
    if (hasLon && !hasLat) context.addIssue({ code: 'custom', path: ['lat'], message: 'is required when lon is given' });
  });

/** A scan event as partners and scanners send it (the JSON wire shape); producers and tests build these. */
export type ScanEventInput = z.input<typeof scanEventWireSchema>;

type ScanEventWire = z.output<typeof scanEventWireSchema>;

function toScanEvent(wire: ScanEventWire): ScanEvent {
  const event: ScanEvent = {
    eventId: wire.eventId,
    waybillNo: wire.waybillNo,
    type: wire.type,
    occurredAt: wire.occurredAt,
    occurredAtMs: Date.parse(wire.occurredAt),
    facilityCode: wire.facilityCode,
  };
  if (isPresent(wire.facilityName)) event.facilityName = wire.facilityName;
  if (isPresent(wire.operatorId)) event.operatorId = wire.operatorId;
  if (isPresent(wire.deviceId)) event.deviceId = wire.deviceId;
  if (isPresent(wire.nextFacilityCode)) event.nextFacilityCode = wire.nextFacilityCode;
  if (isPresent(wire.lat) && isPresent(wire.lon)) {
    event.lat = wire.lat;
    event.lon = wire.lon;
  }
  if (isPresent(wire.remark)) event.remark = wire.remark;
  if (isPresent(wire.signedBy)) event.signedBy = wire.signedBy;
  return event;
}

function isPresent<T>(value: T | null | undefined): value is T {
  return value !== undefined && value !== null && value !== '';
}

/**
 * Parses one scan event from partner or scanner JSON into a {@link ScanEvent}. Each issue's path names the field
 * and its message the rule (`"must be 15 digits"`, `"is required"`, …). Fields the schema does not know are
 * dropped, not rejected: a sender that adds a field of its own must not have its scans refused, since a refused
 * scan is a lost scan.
 *
 * @example
 * ```ts
 * const parsed = scanEventSchema.safeParse({
 *   eventId: 'e-1', waybillNo: '773061155005900', type: 'ARRIVED',
 *   occurredAt: '2025-11-25T14:03:00+08:00', facilityCode: 'SH-PD-01',
 * });
 * if (parsed.success) parsed.data.occurredAtMs; // 1764050580000
 * ```
 */
export const scanEventSchema: z.ZodType<ScanEvent, ScanEventInput> = scanEventWireSchema.transform(toScanEvent);

/** An event id on its own (1 to 64 characters), to echo a rejected event's id back to its sender. */
export const eventIdSchema = requiredText(1, 64);
