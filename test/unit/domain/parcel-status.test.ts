import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareScanOrder,
  type FoldableScan,
  foldScans,
  isExceptionActive,
  type ParcelState,
  parcelView,
  type ScanEvent,
  scanEventKey,
  scanEventTypes,
} from '../../../layers/core/src/domain/index.ts';
import { scanEventAt, waybillNoFrom } from './scan-fixtures.ts';

const minute = 60_000;
const t0 = Date.UTC(2025, 10, 25, 6, 0);

/** A scan from partner `demo`, as it arrives for the first time. */
function scan(minutes: number, type: ScanEvent['type'], eventId: string, extra: Partial<ScanEvent> = {}): FoldableScan {
  return { event: scanEventAt(t0 + minutes * minute, type, eventId, extra), eventKey: scanEventKey('demo', eventId) };
}

const resent = (original: FoldableScan): FoldableScan => ({ ...original });

/** Folds scans one call per scan, in the order they arrive. */
function arrive(...scans: FoldableScan[]): ParcelState {
  let state: ParcelState | undefined;
  for (const one of scans) state = foldScans(state, [one]).state;
  if (state === undefined) throw new Error('no scans');
  return state;
}

function withoutRevision(state: ParcelState): Omit<ParcelState, 'revision'> {
  const { revision: _revision, ...rest } = state;
  return rest;
}

describe('a parcel status', () => {
  it('is the type of the latest progress scan by occurredAt', () => {
    expect(arrive(scan(0, 'PICKED_UP', 'a'), scan(60, 'ARRIVED', 'b'), scan(90, 'DEPARTED', 'c')).status).toBe('DEPARTED');
  });

  it('keeps DELIVERED when an ARRIVED scanned earlier is delivered late', () => {
    const state = arrive(scan(0, 'ARRIVED', 'a'), scan(300, 'DELIVERED', 'b'), scan(120, 'ARRIVED', 'c'));
    expect(state.status).toBe('DELIVERED');
    expect(state.statusEvent?.eventKey).toBe('demo/b');
    expect(state.eventCount).toBe(3);
  });

  it('breaks a tie between scans of the same millisecond by eventKey, whichever arrives first', () => {
    const arrived = scan(10, 'ARRIVED', 'b');
    const departed = scan(10, 'DEPARTED', 'a');
    expect(arrive(arrived, departed).status).toBe('ARRIVED');
    expect(arrive(departed, arrived).status).toBe('ARRIVED');
  });

  it('keeps what a tracking answer needs of the scan that set it', () => {
    const state = arrive(
      scan(0, 'DELIVERED', 'a', { facilityName: 'Pudong point', signedBy: 'Li Lei', operatorId: 'op-7', lat: 31.2, lon: 121.4 }),
    );
    expect(state.statusEvent).toEqual({
      type: 'DELIVERED',
      occurredAt: new Date(t0).toISOString(),
      occurredAtMs: t0,
      eventKey: 'demo/a',
      facilityCode: 'SH-PD-01',
      facilityName: 'Pudong point',
      signedBy: 'Li Lei',
    });
  });
});

describe('an EXCEPTION scan', () => {
  it('sets the exception flag and reason beside the status instead of replacing it', () => {
    const state = arrive(scan(0, 'ARRIVED', 'a'), scan(10, 'EXCEPTION', 'b', { remark: 'box damaged' }));
    expect(parcelView(state)).toMatchObject({ status: 'ARRIVED', exceptionActive: true, exceptionReason: 'box damaged' });
  });

  it('is cleared by the next progress scan: EXCEPTION then DEPARTED', () => {
    const state = arrive(scan(0, 'ARRIVED', 'a'), scan(10, 'EXCEPTION', 'b'), scan(20, 'DEPARTED', 'c'));
    expect(parcelView(state)).toEqual({ status: 'DEPARTED', exceptionActive: false, lastEvent: state.statusEvent });
  });

  it('does not set the flag when it arrives after a DEPARTED but was scanned before it', () => {
    const state = arrive(scan(0, 'ARRIVED', 'a'), scan(20, 'DEPARTED', 'c'), scan(10, 'EXCEPTION', 'b'));
    expect(isExceptionActive(state)).toBe(false);
    expect(state.status).toBe('DEPARTED');
  });

  it('gives a default reason naming the facility when it has no remark', () => {
    expect(parcelView(arrive(scan(0, 'EXCEPTION', 'a'))).exceptionReason).toBe('exception reported at SH-PD-01');
  });

  it('alone leaves the parcel without a status but with an active exception', () => {
    expect(parcelView(arrive(scan(0, 'EXCEPTION', 'a', { remark: 'address unreadable' })))).toEqual({
      exceptionActive: true,
      exceptionReason: 'address unreadable',
    });
  });
});

describe('foldScans', () => {
  it('starts a parcel at revision 1 with its first scans', () => {
    const { state, changed } = foldScans(undefined, [scan(0, 'PICKED_UP', 'a'), scan(5, 'ARRIVED', 'b')]);
    expect(changed).toBe(true);
    expect(state).toMatchObject({
      waybillNo: '773061155005900',
      status: 'ARRIVED',
      eventCount: 2,
      firstOccurredAtMs: t0,
      lastOccurredAtMs: t0 + 5 * minute,
      revision: 1,
    });
  });

  it('counts a resent event as a duplicate and changes nothing', () => {
    const first = scan(0, 'ARRIVED', 'a');
    const { state } = foldScans(undefined, [first]);
    const again = foldScans(state, [resent(first)]);
    expect(again.changed).toBe(false);
    expect(again.state).toBe(state);
  });

  it('lets a resent scan repair a parcel whose update was lost, counting it once', () => {
    // The first attempt wrote the scan row, then failed before updating the parcel; the redelivery finds the row.
    // The scan was never counted, so it counts now; once folded in, resending it changes nothing.
    const before = arrive(scan(0, 'ARRIVED', 'a'));
    const { state, changed } = foldScans(before, [resent(scan(30, 'DEPARTED', 'b'))]);
    expect(changed).toBe(true);
    expect(state).toMatchObject({ status: 'DEPARTED', eventCount: 2, revision: before.revision + 1 });
    expect(foldScans(state, [resent(scan(30, 'DEPARTED', 'b'))])).toEqual({ state, changed: false });
  });

  it('counts near-duplicate scans, the same hub minutes apart under different eventIds, as two scans', () => {
    const state = arrive(scan(0, 'ARRIVED', 'a'), scan(3, 'ARRIVED', 'b'));
    expect(state.eventCount).toBe(2);
    expect(state.statusEvent?.eventKey).toBe('demo/b');
  });

  it('counts a new scan that changes neither status nor times, and moves the revision', () => {
    const before = arrive(scan(0, 'ARRIVED', 'a'), scan(60, 'DEPARTED', 'b'));
    const { state, changed } = foldScans(before, [scan(30, 'ARRIVED', 'c')]);
    expect(changed).toBe(true);
    expect(state).toMatchObject({ status: 'DEPARTED', eventCount: 3, revision: before.revision + 1 });
  });

  it('widens the first and last times with scans of any type', () => {
    const state = arrive(scan(10, 'ARRIVED', 'a'), scan(0, 'EXCEPTION', 'b'), scan(99, 'EXCEPTION', 'c'));
    expect([state.firstOccurredAtMs, state.lastOccurredAtMs]).toEqual([t0, t0 + 99 * minute]);
  });

  it('does not modify the state it is given', () => {
    const before = Object.freeze(arrive(scan(0, 'ARRIVED', 'a')));
    expect(() => foldScans(before, [scan(5, 'DEPARTED', 'b')])).not.toThrow();
    expect(before.status).toBe('ARRIVED');
  });

  it('refuses a scan of another waybill, and a fold with neither state nor scans', () => {
    const other: FoldableScan = { ...scan(0, 'ARRIVED', 'a') };
    other.event = { ...other.event, waybillNo: waybillNoFrom('77306115500591') };
    expect(() => foldScans(arrive(scan(0, 'ARRIVED', 'b')), [other])).toThrow(RangeError);
    expect(() => foldScans(undefined, [])).toThrow(RangeError);
  });
});

describe('compareScanOrder', () => {
  it('orders by time, then by eventKey bytewise as UTF-8 (as Tablestore orders strings)', () => {
    expect(compareScanOrder({ occurredAtMs: 1, eventKey: 'z' }, { occurredAtMs: 2, eventKey: 'a' })).toBeLessThan(0);
    expect(compareScanOrder({ occurredAtMs: 1, eventKey: 'a/2' }, { occurredAtMs: 1, eventKey: 'a/10' })).toBeGreaterThan(0);
    // UTF-16 order would put U+FF5E before U+1F4E6 (a surrogate pair); UTF-8 byte order puts it after.
    expect(compareScanOrder({ occurredAtMs: 1, eventKey: 'a/\u{1F4E6}' }, { occurredAtMs: 1, eventKey: 'a/\uFF5E' })).toBeGreaterThan(0);
    expect(compareScanOrder({ occurredAtMs: 1, eventKey: 'a/x' }, { occurredAtMs: 1, eventKey: 'a/x' })).toBe(0);
  });

  it('agrees with comparing the UTF-8 bytes for any keys, lone surrogates included', () => {
    const unit = fc.oneof(fc.constantFrom('a', '/', '\uFF5E', '\uE000', '\uD83D', '\uDCE6', '\u{1F4E6}', '\u00E9'), fc.string({ unit: 'binary', maxLength: 1 }));
    const key = fc.array(unit, { maxLength: 6 }).map((units) => units.join(''));
    fc.assert(
      fc.property(key, key, (a, b) => {
        const expected = Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
        expect(Math.sign(compareScanOrder({ occurredAtMs: 1, eventKey: a }, { occurredAtMs: 1, eventKey: b }))).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('status rules, for any timeline', () => {
  /** A timeline of distinct scans from two partners; times on a coarse grid, so ties happen. */
  const timeline = fc.uniqueArray(
    fc.record({
      partnerId: fc.constantFrom('demo', 'sto'),
      eventId: fc.string({ unit: fc.constantFrom(...'abcdef'), minLength: 1, maxLength: 3 }),
      type: fc.constantFrom(...scanEventTypes),
      minutes: fc.integer({ min: 0, max: 12 }),
      remark: fc.option(fc.constantFrom('box damaged', 'address unreadable'), { nil: undefined }),
    }),
    { minLength: 1, maxLength: 25, selector: ({ partnerId, eventId }) => scanEventKey(partnerId, eventId) },
  ).map((scans) =>
    scans.map(({ partnerId, eventId, type, minutes, remark }): FoldableScan => ({
      event: scanEventAt(t0 + minutes * minute, type, eventId, remark === undefined ? {} : { remark }),
      eventKey: scanEventKey(partnerId, eventId),
    })),
  );

  /** The timeline delivered in any order, some scans more than once, cut into batches anywhere. */
  const delivery = timeline.chain((scans) =>
    fc
      .array(fc.nat({ max: scans.length - 1 }), { maxLength: 15 })
      .chain((resends) => {
        const sent = [...scans, ...resends.map((index) => scans[index]!)];
        return fc.tuple(
          fc.constant(scans),
          fc.shuffledSubarray(sent, { minLength: sent.length, maxLength: sent.length }),
          fc.array(fc.boolean(), { minLength: sent.length, maxLength: sent.length }),
        );
      })
      .map(([ordered, sent, cuts]) => ({ ordered, batches: markResendsAndCut(sent, cuts) })),
  );

  /** The scans as sent (resends included), a batch ending wherever `cuts` says so. */
  function markResendsAndCut(sent: FoldableScan[], cuts: boolean[]): FoldableScan[][] {
    const batches: FoldableScan[][] = [[]];
    sent.forEach((one, index) => {
      batches.at(-1)!.push({ ...one });
      if (cuts[index] && index < sent.length - 1) batches.push([]);
    });
    return batches;
  }

  function foldBatches(batches: FoldableScan[][]): ParcelState {
    let state: ParcelState | undefined;
    for (const batch of batches) state = foldScans(state, batch).state;
    return state!;
  }

  const latest = (scans: FoldableScan[]): FoldableScan | undefined =>
    scans.reduce<FoldableScan | undefined>(
      (best, one) =>
        best === undefined ||
        compareScanOrder({ occurredAtMs: one.event.occurredAtMs, eventKey: one.eventKey }, { occurredAtMs: best.event.occurredAtMs, eventKey: best.eventKey }) > 0
          ? one
          : best,
      undefined,
    );

  it('gives the same parcel state and status for any permutation and duplication of the timeline', () => {
    fc.assert(
      fc.property(delivery, ({ ordered, batches }) => {
        const inOrder = foldScans(undefined, ordered).state;
        const asDelivered = foldBatches(batches);
        expect(withoutRevision(asDelivered)).toEqual(withoutRevision(inOrder));
        expect(parcelView(asDelivered)).toEqual(parcelView(inOrder));
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same result folded in one batch or in many', () => {
    fc.assert(
      fc.property(delivery, ({ batches }) => {
        const oneBatch = foldScans(undefined, batches.flat()).state;
        expect(withoutRevision(foldBatches(batches))).toEqual(withoutRevision(oneBatch));
      }),
    );
  });

  it('reads back the reversed timeline with the status of the timeline in order', () => {
    fc.assert(
      fc.property(timeline, (scans) => {
        expect(arrive(...[...scans].reverse()).status).toBe(arrive(...scans).status);
      }),
    );
  });

  it('sets the status to the type of the latest progress scan, and counts each distinct scan once', () => {
    fc.assert(
      fc.property(delivery, ({ ordered, batches }) => {
        const state = foldBatches(batches);
        expect(state.status).toBe(latest(ordered.filter((one) => one.event.type !== 'EXCEPTION'))?.event.type);
        expect(state.eventCount).toBe(ordered.length);
      }),
    );
  });

  it('holds the exception active exactly while the latest EXCEPTION is later than the latest progress scan', () => {
    fc.assert(
      fc.property(delivery, ({ ordered, batches }) => {
        const progress = latest(ordered.filter((one) => one.event.type !== 'EXCEPTION'));
        const exception = latest(ordered.filter((one) => one.event.type === 'EXCEPTION'));
        const expected = exception !== undefined && (progress === undefined || latest([progress, exception]) === exception);
        expect(isExceptionActive(foldBatches(batches))).toBe(expected);
      }),
    );
  });

  it('counts every near-duplicate: the same facility again under a new eventId is a new scan', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 10 }), (count, minutesApart) => {
        const scans = Array.from({ length: count }, (_, index) => scan(index * minutesApart, 'ARRIVED', `e-${index}`));
        expect(foldScans(undefined, scans).state.eventCount).toBe(count);
      }),
    );
  });

  it('moves the revision by one for each fold that changed the state and never for one that did not', () => {
    fc.assert(
      fc.property(delivery, ({ batches }) => {
        let state: ParcelState | undefined;
        for (const batch of batches) {
          const fold = foldScans(state, batch);
          expect(fold.state.revision).toBe((state?.revision ?? 0) + (fold.changed ? 1 : 0));
          state = fold.state;
        }
      }),
    );
  });
});
