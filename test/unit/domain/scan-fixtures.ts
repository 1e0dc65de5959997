import fc from 'fast-check';
import { luhnCheckDigit, type ScanEvent, type ScanEventInput, type WaybillNo, waybillNoSchema } from '../../../layers/core/src/domain/index.ts';

/** The carrier's own example waybill number (issue 4). */
export const exampleWaybillNo = '773061155005900';

/** A waybill number built from a 14-digit payload and its check digit. */
export function waybillNoFrom(first14: string): WaybillNo {
  return waybillNoSchema.parse(`${first14}${luhnCheckDigit(first14)}`);
}

/** A valid scan event as a sender writes it, with the fields a test cares about overridden. */
export function scanEventInput(overrides: Record<string, unknown> = {}): ScanEventInput {
  return {
    eventId: 'e-1',
    waybillNo: exampleWaybillNo,
    type: 'ARRIVED',
    occurredAt: '2025-11-25T14:03:00+08:00',
    facilityCode: 'SH-PD-01',
    ...overrides,
  } as ScanEventInput;
}

/** A parsed scan event at `occurredAtMs`, as the domain sees it after the schema. */
export function scanEventAt(
  occurredAtMs: number,
  type: ScanEvent['type'],
  eventId: string,
  extra: Partial<ScanEvent> = {},
): ScanEvent {
  return {
    eventId,
    waybillNo: waybillNoSchema.parse(exampleWaybillNo),
    type,
    occurredAt: new Date(occurredAtMs).toISOString(),
    occurredAtMs,
    facilityCode: 'SH-PD-01',
    ...extra,
  };
}

const digits = (minLength: number, maxLength: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength, maxLength });
const twoDigits = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));

/**
 * `occurredAt` texts in every shape the schema accepts: any day of the years 0000 to 9999 (leap days and the epoch
 * among them), any time, a fraction of 1 to 25 digits or none, `Z` or any offset from -23:59 to +23:59.
 */
export const acceptedOccurredAt: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof(
      fc.date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }),
      fc.constantFrom('0000-02-29', '0099-12-31', '1900-02-28', '1970-01-01', '2000-02-29', '2024-02-29', '9999-12-31').map((day) => new Date(`${day}T00:00:00Z`)),
    ),
    fc.oneof(fc.constant(''), digits(1, 25).map((fraction) => `.${fraction}`)),
    fc.oneof(fc.constant('Z'), fc.tuple(fc.constantFrom('+', '-'), twoDigits(23), twoDigits(59)).map(([sign, hh, mm]) => `${sign}${hh}:${mm}`)),
  )
  .map(([date, fraction, offset]) => `${date.toISOString().slice(0, 19)}${fraction}${offset}`);
