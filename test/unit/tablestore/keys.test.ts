import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeKey, encodeKey, type PrimaryKeyColumnSchema } from '../../../infra/local/tablestore/keys.ts';
import type { PrimaryKey, StoredPrimaryKeyValue } from '../../../infra/local/tablestore/plainbuffer/types.ts';

const schema: PrimaryKeyColumnSchema[] = [
  { name: 'partition', type: 'STRING', autoIncrement: false },
  { name: 'seq', type: 'INTEGER', autoIncrement: false },
  { name: 'blob', type: 'BINARY', autoIncrement: false },
];

const keyOf = (partition: string, seq: bigint, blob: Buffer): PrimaryKey => [
  { name: 'partition', value: { type: 'STRING', value: partition } },
  { name: 'seq', value: { type: 'INTEGER', value: seq } },
  { name: 'blob', value: { type: 'BINARY', value: blob } },
];

/** Tablestore's row order: column by column, strings and binaries bytewise, integers signed. */
function tablestoreOrder(a: PrimaryKey, b: PrimaryKey): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!.value as StoredPrimaryKeyValue;
    const y = b[i]!.value as StoredPrimaryKeyValue;
    let order: number;
    if (x.type === 'INTEGER' && y.type === 'INTEGER') order = x.value < y.value ? -1 : x.value > y.value ? 1 : 0;
    else if (x.type === 'STRING' && y.type === 'STRING') order = Buffer.compare(Buffer.from(x.value), Buffer.from(y.value));
    else order = Buffer.compare((x as { value: Buffer }).value, (y as { value: Buffer }).value);
    if (order !== 0) return order;
  }
  return 0;
}

const int64 = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
const primaryKey = fc
  .tuple(fc.string({ unit: 'binary', maxLength: 6 }), int64, fc.uint8Array({ maxLength: 6 }))
  .map(([partition, seq, blob]) => keyOf(partition, seq, Buffer.from(blob)));

describe('order-preserving primary keys', () => {
  it('sorts encoded keys bytewise exactly as Tablestore orders rows', () => {
    fc.assert(
      fc.property(primaryKey, primaryKey, (a, b) => {
        expect(Math.sign(Buffer.compare(encodeKey(a), encodeKey(b)))).toBe(Math.sign(tablestoreOrder(a, b)));
      }),
      { numRuns: 2000 },
    );
  });

  it('decodes a key back to the primary key it was made from', () => {
    fc.assert(
      fc.property(primaryKey, (key) => {
        expect(decodeKey(encodeKey(key), schema)).toEqual(key);
      }),
    );
  });

  it('orders a shorter string before a longer one with the same prefix, whatever follows', () => {
    const short = encodeKey(keyOf('a', 99n, Buffer.from([0xff])));
    const long = encodeKey(keyOf('a\u0000', -5n, Buffer.alloc(0)));
    expect(Buffer.compare(short, long)).toBe(-1);
  });

  it('puts INF_MIN below and INF_MAX above every value of a column', () => {
    fc.assert(
      fc.property(primaryKey, (key) => {
        const [partition] = key;
        const below = encodeKey([partition!, { name: 'seq', value: { type: 'INF_MIN' } }, { name: 'blob', value: { type: 'INF_MIN' } }]);
        const above = encodeKey([partition!, { name: 'seq', value: { type: 'INF_MAX' } }, { name: 'blob', value: { type: 'INF_MAX' } }]);
        const encoded = encodeKey(key);
        expect(Buffer.compare(below, encoded)).toBe(-1);
        expect(Buffer.compare(encoded, above)).toBe(-1);
      }),
    );
  });
});
