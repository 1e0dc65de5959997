import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLogger, isPersonalKey, maskText, sanitize, sanitizeFields } from '../../../layers/core/src/observability/index.ts';

/** Key spellings of personal data as they appear in carriers' and partners' payloads. */
const personalKeys = [
  'receiver', 'sender', 'name', 'phone', 'mobile', 'address', 'detail', 'signedBy',
  'receiverName', 'receiver_phone', 'senderMobile', 'SENDER_ADDRESS', 'SignedBy', 'signed_by', 'consigneeAddress',
  'recipientPhone', 'Name', 'PHONE', 'detailAddress', 'fullName', 'tel', 'email',
];

/** Keys that are not personal, with values that must survive. */
const safeKeys = ['waybillNo', 'eventId', 'type', 'facilityCode', 'facilityName', 'items', 'scan', 'meta', 'partnerId', 'details', 'remark'];

/** Personal values are marked so a leak is easy to find; safe values never contain the marker. */
const secret = fc.nat().map((n) => `SECRET${n}`);
const safeText = fc.string({ unit: fc.constantFrom('a', 'b', 'c', ' ', '-', '7'), maxLength: 12 });

/** Anything a personal key may hold: text, numbers, nested objects and arrays full of secrets. */
const secretTree: fc.Arbitrary<unknown> = fc.letrec<{ tree: unknown }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    secret,
    fc.array(tie('tree'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('name', 'phone', 'value', 'x'), tie('tree'), { maxKeys: 3 }),
  ),
})).tree;

/** Random nested payloads: safe keys with safe values or further nesting, personal keys with secret trees. */
const payload: fc.Arbitrary<Record<string, unknown>> = fc.letrec<{ node: Record<string, unknown>; value: unknown }>((tie) => ({
  node: fc
    .tuple(
      fc.dictionary(fc.constantFrom(...safeKeys), tie('value'), { maxKeys: 4 }),
      fc.dictionary(fc.constantFrom(...personalKeys), secretTree, { maxKeys: 3 }),
    )
    .map(([safe, personal]) => ({ ...safe, ...personal })),
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    safeText,
    fc.integer(),
    fc.boolean(),
    fc.array(tie('node'), { maxLength: 3 }),
    tie('node'),
  ),
})).node;

describe('redaction', () => {
  it('never lets the value of a personal key reach a log line, at any depth (property)', () => {
    fc.assert(
      fc.property(payload, payload, (bound, fields) => {
        const lines: string[] = [];
        const log = createLogger({ sink: (line) => lines.push(line), clock: () => 0 });
        log.child(bound).info('scan batch', fields);
        log.child(bound).metric('scans', fields);
        for (const line of lines) {
          expect(line).not.toContain('SECRET');
          expect(() => JSON.parse(line)).not.toThrow();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the values of keys that are not personal', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...safeKeys), safeText), (fields) => {
        expect(sanitizeFields(fields)).toEqual(fields);
      }),
    );
  });

  it('recognises personal keys whatever their case or separators, and not hub or table names', () => {
    for (const key of personalKeys) expect(isPersonalKey(key), key).toBe(true);
    for (const key of ['facilityName', 'functionName', 'tableName', 'waybillNo', 'details', 'partnerId', 'remark']) expect(isPersonalKey(key), key).toBe(false);
  });

  it('keeps an order logged whole to its ids, and none of its parties', () => {
    const party = (name: string, phone: string) => ({ name, phone, address: { province: '上海市', city: '上海市', district: '浦东新区', detail: '世纪大道100号' } });
    const order = { partnerOrderId: 'PO-1', sender: party('王小明', '13812345678'), receiver: party('John Smith', '021-12345678'), items: [{ name: 'phone case', quantity: 1 }] };
    const lines: string[] = [];
    createLogger({ sink: (line) => lines.push(line), clock: () => 0 }).info('order created', { order, waybillNo: '773061155005903' });
    for (const secret of ['王小明', 'John Smith', '13812345678', '021-12345678', '世纪大道']) expect(lines[0]).not.toContain(secret);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ waybillNo: '773061155005903', order: { partnerOrderId: 'PO-1', sender: '[REDACTED]', receiver: '[REDACTED]' } });
  });

  it('masks phone numbers in free text but not waybill numbers or epoch milliseconds', () => {
    expect(maskText('call 13812345678 or +86 139-0000-1111')).toBe('call [REDACTED] or [REDACTED]');
    expect(maskText('front desk 021-12345678, 0571-8888777')).toBe('front desk [REDACTED], [REDACTED]');
    expect(maskText('on 2025-11-25 at 14:03')).toBe('on 2025-11-25 at 14:03');
    expect(maskText('contact:13812345678;')).toBe('contact:[REDACTED];');
  });

  it('never changes a trace, span or request id, whatever digits it holds (property)', () => {
    const hexId = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
    const ids = fc.oneof(
      hexId(32),
      hexId(16),
      fc.tuple(hexId(8), hexId(24)).map(([a, b]) => `1-${a}-${b}`),
      fc.tuple(hexId(8), hexId(8), hexId(12)).map(([a, b, c]) => `1-${a}-${b}-${c}`),
      fc.uuid(),
    );
    fc.assert(
      fc.property(ids, (id) => {
        expect(maskText(id)).toBe(id);
      }),
      { numRuns: 2000 },
    );
    expect(maskText('4bf92f3513812345678e0e4736a1b2c3')).toBe('4bf92f3513812345678e0e4736a1b2c3');
    expect(maskText('waybill 773061155005903 at 1764050580000')).toBe('waybill 773061155005903 at 1764050580000');
    expect(maskText('waybill 138123456780000')).toBe('waybill 138123456780000');
  });

  it('makes anything JSON-safe: cycles, bigints, dates, bytes, maps, sets, undefined', () => {
    const cycle: Record<string, unknown> = { id: 1 };
    cycle.self = cycle;
    const shared = { n: 1 };
    expect(
      sanitizeFields({
        cycle,
        twice: [shared, shared],
        big: 12n,
        at: new Date(Date.UTC(2025, 10, 25)),
        body: Buffer.from('{"receiver":{"phone":"13812345678"}}'),
        map: new Map<string, unknown>([['phone', '1'], ['k', 'v']]),
        set: new Set(['a']),
        gone: undefined,
        fn: () => 1,
        nan: Number.NaN,
      }),
    ).toEqual({
      cycle: { id: 1, self: '[Circular]' },
      twice: [{ n: 1 }, { n: 1 }],
      big: '12',
      at: '2025-11-25T00:00:00.000Z',
      body: '[36 bytes]',
      map: { phone: '[REDACTED]', k: 'v' },
      set: ['a'],
      nan: 'NaN',
    });
  });

  it('cuts deep nesting and long arrays instead of writing them whole', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 20; i += 1) deep = { next: deep };
    expect(JSON.stringify(sanitize(deep))).toContain('[Truncated]');
    const long = sanitize(Array.from({ length: 120 }, (_, i) => i)) as unknown[];
    expect(long).toHaveLength(51);
    expect(long[50]).toBe('…[70 more items]');
  });
});
