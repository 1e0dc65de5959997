import { describe, expect, it } from 'vitest';
import { parseScanBatch } from '../../../layers/core/src/domain/index.ts';
import { scanEventInput } from './scan-fixtures.ts';

const envelopeError = {
  error: {
    code: 'INVALID_REQUEST',
    message: 'events must be an array of 1 to 500 scan events',
    details: [{ path: 'events', message: 'must be an array of 1 to 500 scan events' }],
  },
};

describe('a webhook body', () => {
  it('accepts every valid event with its index', () => {
    const batch = parseScanBatch({ events: [scanEventInput({ eventId: 'a' }), scanEventInput({ eventId: 'b' })] });
    expect(batch.ok && batch.accepted.map(({ index, event }) => [index, event.eventId])).toEqual([
      [0, 'a'],
      [1, 'b'],
    ]);
    expect(batch.ok && batch.rejected).toEqual([]);
  });

  it('accepts the valid events even when others in the same request are rejected', () => {
    const batch = parseScanBatch({
      events: [
        scanEventInput({ eventId: 'a' }),
        scanEventInput({ eventId: 'b', waybillNo: '773061155005904' }),
        scanEventInput({ eventId: 'c' }),
        scanEventInput({ eventId: 'd', occurredAt: '2025-11-25T14:03:00', lat: 91, lon: 121 }),
      ],
    });
    expect(batch.ok).toBe(true);
    if (!batch.ok) return;
    expect(batch.accepted.map(({ index }) => index)).toEqual([0, 2]);
    expect(batch.rejected).toEqual([
      { index: 1, eventId: 'b', errors: [{ path: 'events[1].waybillNo', message: 'check digit does not match' }] },
      {
        index: 3,
        eventId: 'd',
        errors: [
          {
            path: 'events[3].occurredAt',
            message: 'must be an ISO-8601 date-time with seconds and an offset (Z or ±hh:mm), e.g. 2025-11-25T14:03:00+08:00',
          },
          { path: 'events[3].lat', message: 'must be a number from -90 to 90' },
        ],
      },
    ]);
  });

  it('rejects every event when every event is invalid, and still answers per event', () => {
    const batch = parseScanBatch({ events: [{}, 'scan', null] });
    expect(batch.ok && batch.accepted).toEqual([]);
    expect(batch.ok && batch.rejected.map(({ index, errors }) => [index, errors[0]?.path])).toEqual([
      [0, 'events[0].eventId'],
      [1, 'events[1]'],
      [2, 'events[2]'],
    ]);
  });

  it('echoes a rejected event\'s eventId only when the eventId itself is valid', () => {
    const batch = parseScanBatch({ events: [{ eventId: 'x'.repeat(65) }, { eventId: 7 }, { eventId: 'ok-1' }] });
    expect(batch.ok && batch.rejected.map((rejection) => rejection.eventId)).toEqual([undefined, undefined, 'ok-1']);
    expect(batch.ok && batch.rejected.map((rejection) => 'eventId' in rejection)).toEqual([false, false, true]);
  });

  it('takes exactly 500 events', () => {
    const events = Array.from({ length: 500 }, (_, index) => scanEventInput({ eventId: `e-${index}` }));
    const batch = parseScanBatch({ events });
    expect(batch.ok && batch.accepted).toHaveLength(500);
  });

  it('ignores top-level fields other than events', () => {
    expect(parseScanBatch({ events: [scanEventInput()], batchId: 'b-1' }).ok).toBe(true);
  });

  it.each([
    ['an empty events array', { events: [] }],
    ['501 events', { events: Array.from({ length: 501 }, () => scanEventInput()) }],
    ['events that is not an array', { events: { 0: scanEventInput() } }],
    ['no events field', { event: scanEventInput() }],
    ['a bare array of events', [scanEventInput()]],
    ['a bare scan event', scanEventInput()],
    ['null', null],
    ['a string', 'events'],
  ])('is refused as a whole, 400 INVALID_REQUEST naming events, for %s', (_case, body) => {
    const batch = parseScanBatch(body);
    expect(batch.ok).toBe(false);
    if (batch.ok) return;
    expect(batch.error.status).toBe(400);
    expect(batch.error.toBody()).toEqual(envelopeError);
  });
});
