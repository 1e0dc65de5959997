import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fieldErrors, luhnCheckDigit, scanEventSchema, scanEventTypes } from '../../../layers/core/src/domain/index.ts';
import { isPlainlyValidScanEvent, parseScanEvent } from '../../../layers/core/src/domain/scan-event.ts';
import { acceptedOccurredAt, scanEventInput } from './scan-fixtures.ts';

/**
 * parseScanEvent skips zod for events isPlainlyValidScanEvent vouches for. These properties hold it to the schema:
 * every event it vouches for is one the schema accepts, converted to the same ScanEvent, and every answer of
 * parseScanEvent, errors included, is the schema's.
 */

const digit = fc.constantFrom(...'0123456789');
const digits = (minLength: number, maxLength: number) => fc.string({ unit: digit, minLength, maxLength });
const twoDigits = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));

const validWaybillNo = digits(14, 14).map((first14) => `${first14}${luhnCheckDigit(first14)}`);
const waybillNoLike = fc.oneof(validWaybillNo, digits(13, 16), fc.constant('٧٧٣٠٦١١٥٥٠٠٥٩٠٠'), fc.integer());

/** Near misses: each part one step out of range or in a neighbouring spelling. */
const occurredAtLike = fc.oneof(
  { weight: 4, arbitrary: acceptedOccurredAt },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        digits(4, 4),
        twoDigits(13),
        twoDigits(32),
        fc.constantFrom('T', 't', ' '),
        twoDigits(24),
        twoDigits(60),
        fc.oneof(twoDigits(60).map((ss) => `:${ss}`), fc.constant('')),
        fc.constantFrom('', '.', '.5', '.250999'),
        fc.constantFrom('Z', 'z', '', '+08:00', '-05:30', '+0800', '+24:00', '-12:60', '+8:00'),
      )
      .map((parts) => `${parts[0]}-${parts[1]}-${parts[2]}${parts[3]}${parts[4]}:${parts[5]}${parts.slice(6).join('')}`),
  },
  { weight: 1, arbitrary: fc.oneof(fc.string(), fc.integer()) },
);

const facilityCodeLike = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'AZ09-az/ '), minLength: 0, maxLength: 34 }),
  fc.stringMatching(/^[A-Z0-9][A-Z0-9-]{0,31}$/),
  fc.constantFrom('SH-PD-01', `A${'9'.repeat(31)}`, `A${'9'.repeat(32)}`, '-SH01', 'SH-PD-01\n'),
);

/** Text around `max` characters: ASCII, and characters outside the BMP (two UTF-16 units, one character). */
const textAround = (max: number) =>
  fc.oneof(
    fc.string({ maxLength: 8 }),
    fc.integer({ min: max - 2, max: max + 2 }).map((length) => 'x'.repeat(Math.max(length, 0))),
    fc.integer({ min: Math.floor(max / 2) - 1, max: Math.floor(max / 2) + 1 }).map((length) => '📦'.repeat(length)),
    fc.string({ unit: 'grapheme', maxLength: max + 2 }),
  );

const absent = fc.constantFrom(undefined, null);
const wrongType = fc.oneof(fc.integer(), fc.boolean(), fc.constant([]), fc.constant({}));
const asciiText = (minLength: number, maxLength: number) => fc.string({ unit: 'binary-ascii', minLength, maxLength });
const facilityCode = fc.stringMatching(/^[A-Z0-9][A-Z0-9-]{0,31}$/);

/** A field that is right six times out of seven, so most events are valid or wrong in one field only. */
const mostlyRight = <T, U>(right: fc.Arbitrary<T>, wrong: fc.Arbitrary<U>) =>
  fc.oneof({ weight: 6, arbitrary: right }, { weight: 1, arbitrary: wrong });

const optionalText = (max: number) => mostlyRight(fc.oneof(absent, asciiText(0, max)), fc.oneof(fc.constant(''), textAround(max), wrongType));

const coordinateLike = (limit: number) =>
  fc.oneof(
    absent,
    fc.double({ min: -limit, max: limit }),
    fc.constantFrom(limit, -limit, -0, limit + 1e-9, -limit - 1e-9, Number.NaN, Number.POSITIVE_INFINITY, String(limit / 2)),
    fc.double(),
  );

const validPosition = fc.record({ lat: fc.double({ min: -90, max: 90, noNaN: true }), lon: fc.double({ min: -180, max: 180, noNaN: true }) });
const positionLike = mostlyRight(
  fc.oneof(fc.constant({}), validPosition),
  fc.record({ lat: coordinateLike(90), lon: coordinateLike(180) }, { requiredKeys: [] }),
);

const requiredKeys = ['eventId', 'waybillNo', 'type', 'occurredAt', 'facilityCode'] as const;

/** Event-shaped objects, many valid and many wrong in one field only, where a fast path and a schema part ways. */
const scanEventLike = fc
  .tuple(
    fc.record(
      {
        eventId: mostlyRight(asciiText(1, 64), fc.oneof(textAround(64), fc.constant(''), absent, wrongType)),
        waybillNo: mostlyRight(validWaybillNo, fc.oneof(waybillNoLike, absent)),
        type: mostlyRight(fc.constantFrom(...scanEventTypes), fc.constantFrom('arrived', 'LOST', '', null, 3)),
        occurredAt: mostlyRight(acceptedOccurredAt, fc.oneof(occurredAtLike, absent)),
        facilityCode: mostlyRight(facilityCode, fc.oneof(facilityCodeLike, absent, wrongType)),
        facilityName: optionalText(128),
        operatorId: optionalText(64),
        deviceId: optionalText(64),
        nextFacilityCode: mostlyRight(fc.oneof(absent, fc.constant(''), facilityCode), fc.oneof(facilityCodeLike, wrongType)),
        remark: optionalText(256),
        signedBy: optionalText(64),
        partnerReference: fc.string(),
      },
      { requiredKeys: [...requiredKeys] },
    ),
    positionLike,
  )
  .map(([event, position]) => ({ ...event, ...position }));

/** Valid events as partners' and hub scanners' JSON carries them: every field its JSON type, texts in ASCII. */
const plainScanEvent = fc
  .tuple(
    fc.record(
      {
        eventId: asciiText(1, 64),
        waybillNo: validWaybillNo,
        type: fc.constantFrom(...scanEventTypes),
        occurredAt: acceptedOccurredAt,
        facilityCode,
        facilityName: fc.oneof(absent, asciiText(0, 128)),
        operatorId: fc.oneof(absent, asciiText(0, 64)),
        deviceId: fc.oneof(absent, asciiText(0, 64)),
        nextFacilityCode: fc.oneof(absent, fc.constant(''), facilityCode),
        remark: fc.oneof(absent, asciiText(0, 256)),
        signedBy: fc.oneof(absent, asciiText(0, 64)),
      },
      { requiredKeys: [...requiredKeys] },
    ),
    fc.oneof(fc.constant({}), validPosition),
  )
  .map(([event, position]) => ({ ...event, ...position }));

/** parseScanEvent's answer and the schema's, in the terms a sender sees: the event, or the errors at their fields. */
function expectSameAnswer(input: unknown): void {
  const expected = scanEventSchema.safeParse(input);
  const actual = parseScanEvent(input);
  if (expected.success) {
    expect(actual).toStrictEqual({ success: true, data: expected.data });
    // Key order too: rows and dead-letter records are written from these objects.
    expect(Object.keys(actual.data ?? {})).toEqual(Object.keys(expected.data));
  } else {
    expect(actual.success).toBe(false);
    expect(fieldErrors(actual.error!, '')).toEqual(fieldErrors(expected.error, ''));
  }
}

describe('reading a scan event without zod', () => {
  it('vouches only for events the schema accepts (property)', () => {
    fc.assert(
      fc.property(scanEventLike, (input) => {
        if (isPlainlyValidScanEvent(input)) expect(scanEventSchema.safeParse(input).success).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('answers what the schema answers, the same event or the same errors (property)', () => {
    fc.assert(fc.property(scanEventLike, expectSameAnswer), { numRuns: 3000 });
    fc.assert(fc.property(fc.anything(), expectSameAnswer), { numRuns: 500 });
    // Not an object to zod, whatever fields it carries.
    fc.assert(fc.property(scanEventLike.map((event) => Object.assign([], event)), expectSameAnswer), { numRuns: 200 });
  });

  it('vouches for every valid event in the shape senders write, so those skip zod (property)', () => {
    fc.assert(
      fc.property(plainScanEvent, (input) => {
        expect(isPlainlyValidScanEvent(input)).toBe(true);
        expectSameAnswer(input);
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves a text over its limit in UTF-16 units to zod, which counts a character pair as one character', () => {
    const input = scanEventInput({ eventId: '📦'.repeat(40) });
    expect(isPlainlyValidScanEvent(input)).toBe(false);
    expect(parseScanEvent(input)).toMatchObject({ success: true, data: { eventId: '📦'.repeat(40) } });
  });

  it('leaves the wording of every error to zod', () => {
    const input = scanEventInput({ waybillNo: '773061155005904', lat: 31.2 });
    expect(fieldErrors(parseScanEvent(input).error!, 'events[2]')).toEqual([
      { path: 'events[2].waybillNo', message: 'check digit does not match' },
      { path: 'events[2].lon', message: 'is required when lat is given' },
    ]);
  });
});
