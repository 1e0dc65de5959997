import { z } from 'zod';
import { isValidWaybillNo, type WaybillNo, waybillNoSchema } from './waybill.ts';

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

/** The most characters of each text field; the schema and {@link isPlainlyValidScanEvent} both read them here. */
const maxLength = { eventId: 64, facilityName: 128, operatorId: 64, deviceId: 64, remark: 256, signedBy: 64 } as const;

/** The largest |lat| and |lon|, both ends included. */
const maxLatitude = 90;
const maxLongitude = 180;

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
      eventId: requiredText(1, maxLength.eventId),
      waybillNo: waybillNoSchema,
      type: z.enum(scanEventTypes, { error: requiredOr(`must be one of ${scanEventTypes.join(', ')}`) }),
      occurredAt: z.iso.datetime({ offset: true, error: requiredOr(occurredAtRule) }),
      facilityCode: z.string({ error: requiredOr(facilityCodeRule) }).regex(facilityCodePattern, facilityCodeRule),
      facilityName: optionalText(maxLength.facilityName),
      operatorId: optionalText(maxLength.operatorId),
      deviceId: optionalText(maxLength.deviceId),
      nextFacilityCode: z
        .string({ error: facilityCodeRule })
        .refine((code) => code === '' || facilityCodePattern.test(code), facilityCodeRule)
        .nullish(),
      lat: optionalCoordinate(maxLatitude),
      lon: optionalCoordinate(maxLongitude),
      remark: optionalText(maxLength.remark),
      signedBy: optionalText(maxLength.signedBy),
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
    occurredAtMs: epochMillisOf(wire.occurredAt),
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

// Character codes epochMillisOf looks for.
const dot = 46;
const minus = 45;
const upperZ = 90;

/**
 * Epoch milliseconds of an `occurredAt` the schema accepted: what `Date.parse` answers for it (ECMA-262, "Date Time
 * String Format"; in Node, V8's reading of it). Read from the positions the pattern fixes
 * (`YYYY-MM-DDTHH:mm:ss`, an optional fraction, then `Z` or `±hh:mm`), because Date.parse costs about 0.2 µs a scan,
 * a fifth of JSON.parse of the whole event. The day count is Howard Hinnant's days_from_civil
 * (https://howardhinnant.github.io/date_algorithms.html#days_from_civil), exact for every year 0000 to 9999.
 */
function epochMillisOf(occurredAt: string): number {
  let zoneAt = 19;
  let millis = 0;
  if (occurredAt.charCodeAt(zoneAt) === dot) {
    const fractionAt = ++zoneAt;
    while (isDigit(occurredAt.charCodeAt(zoneAt))) zoneAt++;
    // V8 reads a fraction of 10 digits or more its own way (".0003000000" as 3 ms). Stored scans are ordered by what
    // Date.parse made of their text, so such a text is still left to it: a scan sorts the same before and after.
    if (zoneAt - fractionAt > 9) return Date.parse(occurredAt);
    // Of up to 9 digits, the first three are the milliseconds and the rest are dropped.
    const digits = Math.min(zoneAt - fractionAt, 3);
    millis = numberAt(occurredAt, fractionAt, digits) * 10 ** (3 - digits);
  }
  const zone = occurredAt.charCodeAt(zoneAt);
  const offsetMinutes = zone === upperZ ? 0 : (zone === minus ? -1 : 1) * (numberAt(occurredAt, zoneAt + 1, 2) * 60 + numberAt(occurredAt, zoneAt + 4, 2));
  const days = daysFromCivil(numberAt(occurredAt, 0, 4), numberAt(occurredAt, 5, 2), numberAt(occurredAt, 8, 2));
  const minutes = numberAt(occurredAt, 11, 2) * 60 + numberAt(occurredAt, 14, 2) - offsetMinutes;
  return days * 86_400_000 + minutes * 60_000 + numberAt(occurredAt, 17, 2) * 1000 + millis;
}

/** The number the `length` digits of `text` at `start` write. */
function numberAt(text: string, start: number, length: number): number {
  let value = 0;
  for (let index = start; index < start + length; index++) value = value * 10 + text.charCodeAt(index) - 48;
  return value;
}

function isDigit(charCode: number): boolean {
  return charCode >= 48 && charCode <= 57;
}

/** Days from 1970-01-01 to a date of the proleptic Gregorian calendar (month 1 to 12). */
function daysFromCivil(year: number, month: number, day: number): number {
  // Counted from 1 March, so a leap day falls at the end of its year; 146097 days to an era of 400 years.
  const marchYear = month <= 2 ? year - 1 : year;
  const era = Math.floor(marchYear / 400);
  const yearOfEra = marchYear - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
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
export const eventIdSchema = requiredText(1, maxLength.eventId);

/**
 * Parses one scan event as {@link scanEventSchema} does, with the same result, and cheaply for the events nearly
 * every sender sends: valid, each field its JSON type. Those are recognised by {@link isPlainlyValidScanEvent}
 * and converted without zod; every other input goes through the schema, which decides and words the errors.
 * Webhook bodies and queue messages are read with this: the schema costs about 2 µs a scan where `JSON.parse` of
 * it costs under 1 µs, and this about 0.3 µs (bench/results/ingest.md, part (a)).
 *
 * @example
 * ```ts
 * const parsed = parseScanEvent(JSON.parse(body));
 * if (!parsed.success) return fieldErrors(parsed.error, 'events[3]');
 * ```
 */
export function parseScanEvent(input: unknown): z.ZodSafeParseResult<ScanEvent> {
  return isPlainlyValidScanEvent(input) ? { success: true, data: toScanEvent(input) } : scanEventSchema.safeParse(input);
}

// The pattern z.iso.datetime({ offset: true }) tests `occurredAt` with, from zod itself, so both accept the same texts.
const occurredAtPattern = z.regexes.datetime({ offset: true });
const scanEventTypeSet: ReadonlySet<unknown> = new Set(scanEventTypes);

/**
 * Whether {@link scanEventSchema} accepts `input`, answered by hand for the plain case: `true` only when the
 * schema accepts it, every rule checked the way the schema checks it. `false` means "ask the schema", not
 * "invalid": a text over its limit, for one, is left to zod, which counts a character pair (an emoji) as one
 * character where `length` counts two. test/unit/domain/scan-event-fast-path.test.ts holds the two to this.
 */
export function isPlainlyValidScanEvent(input: unknown): input is ScanEventWire {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return false;
  const event = input as Record<string, unknown>;
  return (
    isTextOf(event.eventId, 1, maxLength.eventId) &&
    typeof event.waybillNo === 'string' &&
    isValidWaybillNo(event.waybillNo) &&
    scanEventTypeSet.has(event.type) &&
    typeof event.occurredAt === 'string' &&
    occurredAtPattern.test(event.occurredAt) &&
    isFacilityCode(event.facilityCode) &&
    isOptionalTextOf(event.facilityName, maxLength.facilityName) &&
    isOptionalTextOf(event.operatorId, maxLength.operatorId) &&
    isOptionalTextOf(event.deviceId, maxLength.deviceId) &&
    (isNullish(event.nextFacilityCode) || event.nextFacilityCode === '' || isFacilityCode(event.nextFacilityCode)) &&
    isPosition(event.lat, event.lon) &&
    isOptionalTextOf(event.remark, maxLength.remark) &&
    isOptionalTextOf(event.signedBy, maxLength.signedBy)
  );
}

function isNullish(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

function isTextOf(value: unknown, min: number, max: number): value is string {
  return typeof value === 'string' && value.length >= min && value.length <= max;
}

function isOptionalTextOf(value: unknown, max: number): boolean {
  return isNullish(value) || isTextOf(value, 0, max);
}

function isFacilityCode(value: unknown): value is string {
  return typeof value === 'string' && facilityCodePattern.test(value);
}

/** Both coordinates in range, or neither given. A comparison with NaN is false, so NaN is left to the schema. */
function isPosition(lat: unknown, lon: unknown): boolean {
  if (isNullish(lat) && isNullish(lon)) return true;
  return typeof lat === 'number' && lat >= -maxLatitude && lat <= maxLatitude && typeof lon === 'number' && lon >= -maxLongitude && lon <= maxLongitude;
}
