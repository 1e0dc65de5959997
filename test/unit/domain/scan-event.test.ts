import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fieldErrors, scanEventSchema, scanEventTypes } from '../../../layers/core/src/domain/index.ts';
import { acceptedOccurredAt, scanEventInput } from './scan-fixtures.ts';

/** The `{path, message}` errors of one event, as the API reports them. */
function errorsFor(overrides: Record<string, unknown>, omit: string[] = []): Array<{ path: string; message: string }> {
  const input: Record<string, unknown> = { ...scanEventInput(overrides) };
  for (const field of omit) delete input[field];
  const parsed = scanEventSchema.safeParse(input);
  return parsed.success ? [] : fieldErrors(parsed.error, '');
}

describe('a scan event', () => {
  it('parses the required fields and adds occurredAtMs, keeping occurredAt as sent', () => {
    expect(scanEventSchema.parse(scanEventInput())).toEqual({
      eventId: 'e-1',
      waybillNo: '773061155005900',
      type: 'ARRIVED',
      occurredAt: '2025-11-25T14:03:00+08:00',
      occurredAtMs: Date.UTC(2025, 10, 25, 6, 3, 0),
      facilityCode: 'SH-PD-01',
    });
  });

  it('keeps every optional field it knows', () => {
    const optional = {
      facilityName: 'Shanghai Pudong hub',
      operatorId: 'op-7',
      deviceId: 'pda-0042',
      nextFacilityCode: 'HZ-01',
      lat: 31.2304,
      lon: 121.4737,
      remark: 'left with the concierge',
      signedBy: 'Li Lei',
    };
    expect(scanEventSchema.parse(scanEventInput(optional))).toMatchObject(optional);
  });

  it('drops fields it does not know instead of refusing the scan', () => {
    const event = scanEventSchema.parse(scanEventInput({ partnerReference: 'PO-1', weightGrams: 1200 }));
    expect(event).not.toHaveProperty('partnerReference');
    expect(event).not.toHaveProperty('weightGrams');
  });

  it('treats null and "" in an optional field as absent', () => {
    const event = scanEventSchema.parse(
      scanEventInput({ remark: '', facilityName: null, nextFacilityCode: '', lat: null, lon: null }),
    );
    expect(Object.keys(event)).toEqual(['eventId', 'waybillNo', 'type', 'occurredAt', 'occurredAtMs', 'facilityCode']);
  });

  it('accepts each of the ten scan types', () => {
    for (const type of scanEventTypes) expect(scanEventSchema.parse(scanEventInput({ type })).type).toBe(type);
    expect(scanEventTypes).toHaveLength(10);
  });

  it('reports every broken rule at once, each at its field', () => {
    expect(errorsFor({ waybillNo: '123', type: 'LOST', facilityCode: 'sh 01' })).toEqual([
      { path: 'waybillNo', message: 'must be 15 digits' },
      { path: 'type', message: `must be one of ${scanEventTypes.join(', ')}` },
      { path: 'facilityCode', message: "must be 1 to 32 characters of A-Z, 0-9 and '-', starting with a letter or digit" },
    ]);
  });

  it('is refused when it is not an object', () => {
    expect(fieldErrors(scanEventSchema.safeParse('ARRIVED').error!, 'events[0]')).toEqual([
      { path: 'events[0]', message: 'must be a scan event object' },
    ]);
  });

  describe('required fields', () => {
    it.each(['eventId', 'waybillNo', 'type', 'occurredAt', 'facilityCode'])('says "is required" when %s is missing', (field) => {
      expect(errorsFor({}, [field])).toEqual([{ path: field, message: 'is required' }]);
    });
  });

  describe('eventId', () => {
    it('is 1 to 64 characters', () => {
      expect(errorsFor({ eventId: 'x'.repeat(64) })).toEqual([]);
      const rule = [{ path: 'eventId', message: 'must be a string of 1 to 64 characters' }];
      expect(errorsFor({ eventId: 'x'.repeat(65) })).toEqual(rule);
      expect(errorsFor({ eventId: '' })).toEqual(rule);
      expect(errorsFor({ eventId: 42 })).toEqual(rule);
    });
  });

  describe('waybillNo', () => {
    it('names the check digit when 15 digits do not add up', () => {
      expect(errorsFor({ waybillNo: '773061155005904' })).toEqual([
        { path: 'waybillNo', message: 'check digit does not match' },
      ]);
    });
  });

  describe('occurredAt', () => {
    const rule = 'must be an ISO-8601 date-time with seconds and an offset (Z or ±hh:mm), e.g. 2025-11-25T14:03:00+08:00';

    it.each([
      ['Z', '2025-11-25T06:03:00Z', Date.UTC(2025, 10, 25, 6, 3)],
      ['a positive offset', '2025-11-25T14:03:00+08:00', Date.UTC(2025, 10, 25, 6, 3)],
      ['a negative offset', '2025-11-25T01:03:00-05:00', Date.UTC(2025, 10, 25, 6, 3)],
      ['milliseconds', '2025-11-25T06:03:00.250Z', Date.UTC(2025, 10, 25, 6, 3, 0, 250)],
      ['microseconds, truncated to the millisecond', '2025-11-25T06:03:00.250999Z', Date.UTC(2025, 10, 25, 6, 3, 0, 250)],
    ])('accepts a time with %s and keeps the text as sent', (_case, occurredAt, occurredAtMs) => {
      expect(scanEventSchema.parse(scanEventInput({ occurredAt }))).toMatchObject({ occurredAt, occurredAtMs });
    });

    it('reads occurredAtMs as Date.parse reads the text, for every date-time it accepts (property)', () => {
      fc.assert(
        fc.property(acceptedOccurredAt, (occurredAt) => {
          expect(scanEventSchema.parse(scanEventInput({ occurredAt })).occurredAtMs).toBe(Date.parse(occurredAt));
        }),
        { numRuns: 5000 },
      );
    });

    it.each([
      ['no offset', '2025-11-25T14:03:00'],
      ['a date only', '2025-11-25'],
      ['no seconds', '2025-11-25T14:03+08:00'],
      ['an offset without a colon', '2025-11-25T14:03:00+0800'],
      ['a space for T', '2025-11-25 14:03:00Z'],
      ['a day the month does not have', '2025-02-29T14:03:00Z'],
      ['epoch milliseconds', 1764050580000],
    ])('refuses %s, naming the rule', (_case, occurredAt) => {
      expect(errorsFor({ occurredAt })).toEqual([{ path: 'occurredAt', message: rule }]);
    });
  });

  describe('facilityCode and nextFacilityCode', () => {
    it('accept 1 to 32 of A-Z, 0-9 and "-"', () => {
      expect(errorsFor({ facilityCode: 'A', nextFacilityCode: `HZ-${'9'.repeat(29)}` })).toEqual([]);
    });

    it.each([['lower case', 'sh-01'], ['33 characters', 'A'.repeat(33)], ['a leading "-"', '-SH01'], ['a slash', 'SH/01']])(
      'refuse %s',
      (_case, code) => {
        const rule = "must be 1 to 32 characters of A-Z, 0-9 and '-', starting with a letter or digit";
        expect(errorsFor({ facilityCode: code, nextFacilityCode: code })).toEqual([
          { path: 'facilityCode', message: rule },
          { path: 'nextFacilityCode', message: rule },
        ]);
      },
    );
  });

  describe('optional text fields', () => {
    it.each([
      ['facilityName', 128],
      ['operatorId', 64],
      ['deviceId', 64],
      ['remark', 256],
      ['signedBy', 64],
    ])('%s is at most %i characters', (field, max) => {
      expect(errorsFor({ [field]: 'x'.repeat(max) })).toEqual([]);
      expect(errorsFor({ [field]: 'x'.repeat(max + 1) })).toEqual([
        { path: field, message: `must be at most ${max} characters` },
      ]);
      expect(errorsFor({ [field]: 7 })).toEqual([{ path: field, message: 'must be a string' }]);
    });
  });

  describe('lat and lon', () => {
    it('accept the full ranges, both ends included', () => {
      expect(errorsFor({ lat: -90, lon: 180 })).toEqual([]);
      expect(errorsFor({ lat: 90, lon: -180 })).toEqual([]);
    });

    it('refuse values outside -90..90 and -180..180', () => {
      expect(errorsFor({ lat: 90.5, lon: -180.5 })).toEqual([
        { path: 'lat', message: 'must be a number from -90 to 90' },
        { path: 'lon', message: 'must be a number from -180 to 180' },
      ]);
    });

    it('refuse a coordinate sent as a string', () => {
      expect(errorsFor({ lat: '31.2', lon: 121.4 })).toEqual([{ path: 'lat', message: 'must be a number from -90 to 90' }]);
    });

    it('come both or not at all', () => {
      expect(errorsFor({ lat: 31.2 })).toEqual([{ path: 'lon', message: 'is required when lat is given' }]);
      expect(errorsFor({ lon: 121.4 })).toEqual([{ path: 'lat', message: 'is required when lon is given' }]);
    });
  });
});
