import type { PrimaryKey, PrimaryKeyType, StoredPrimaryKey, StoredPrimaryKeyValue } from './plainbuffer/types.ts';

/**
 * Order-preserving encoding of primary keys, so that the storage engine's bytewise key order is Tablestore's
 * row order and a GetRange is one index scan.
 *
 * Tablestore orders rows by each primary-key column in turn: INTEGER as signed int64, STRING and BINARY by
 * their bytes, INF_MIN below and INF_MAX above every value
 * (https://www.alibabacloud.com/help/en/tablestore/developer-reference/getrange).
 *
 * Each column is a marker byte followed by its value:
 *   0x00 INF_MIN | 0x01 value | 0x02 INF_MAX
 * INTEGER values are 8 bytes big-endian with the sign bit flipped (so -1 < 0 < 1 bytewise). STRING (UTF-8)
 * and BINARY bytes escape 0x00 as 0x00 0xFF and end with 0x00 0x00, so "a" < "a\0" < "ab" and a shorter
 * value sorts before a longer one with the same prefix, whatever follows it in the next column.
 */

const INF_MIN = 0x00;
const VALUE = 0x01;
const INF_MAX = 0x02;
const SIGN_BIT = 1n << 63n;

export interface PrimaryKeyColumnSchema {
  name: string;
  type: PrimaryKeyType;
  autoIncrement: boolean;
}

function escapedLength(bytes: Buffer): number {
  let zeros = 0;
  for (let i = bytes.indexOf(0); i !== -1; i = bytes.indexOf(0, i + 1)) zeros++;
  return bytes.length + zeros + 2;
}

function writeEscaped(bytes: Buffer, out: Buffer, offset: number): number {
  let at = offset;
  let from = 0;
  for (let zero = bytes.indexOf(0); zero !== -1; zero = bytes.indexOf(0, from)) {
    at += bytes.copy(out, at, from, zero);
    out[at++] = 0x00;
    out[at++] = 0xff;
    from = zero + 1;
  }
  at += bytes.copy(out, at, from);
  out[at++] = 0x00;
  out[at++] = 0x00;
  return at;
}

function valueBytes(value: StoredPrimaryKeyValue): Buffer | bigint {
  switch (value.type) {
    case 'INTEGER':
      return value.value;
    case 'STRING':
      return Buffer.from(value.value, 'utf8');
    case 'BINARY':
      return value.value;
  }
}

/** Encodes a key whose columns are values, bounds (INF_MIN/INF_MAX), in schema order. */
export function encodeKey(primaryKey: PrimaryKey): Buffer {
  const parts: (Buffer | bigint | number)[] = [];
  let size = 0;
  for (const { value } of primaryKey) {
    if (value.type === 'INF_MIN' || value.type === 'INF_MAX') {
      parts.push(value.type === 'INF_MIN' ? INF_MIN : INF_MAX);
      size += 1;
    } else if (value.type === 'AUTO_INCREMENT') {
      throw new Error('an auto-increment marker has no key; assign the value first');
    } else {
      const bytes = valueBytes(value);
      parts.push(bytes);
      size += 1 + (typeof bytes === 'bigint' ? 8 : escapedLength(bytes));
    }
  }
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const part of parts) {
    if (typeof part === 'number') {
      out[at++] = part;
    } else if (typeof part === 'bigint') {
      out[at++] = VALUE;
      out.writeBigUInt64BE(BigInt.asUintN(64, part) ^ SIGN_BIT, at);
      at += 8;
    } else {
      out[at++] = VALUE;
      at = writeEscaped(part, out, at);
    }
  }
  return out;
}

function readEscaped(key: Buffer, offset: number): { bytes: Buffer; next: number } {
  const first = key.indexOf(0, offset);
  // Most values hold no 0x00 byte: the first zero starts the terminator.
  if (first !== -1 && key[first + 1] === 0x00) return { bytes: key.subarray(offset, first), next: first + 2 };
  const chunks: Buffer[] = [];
  let from = offset;
  for (;;) {
    const zero = key.indexOf(0, from);
    if (zero === -1 || zero + 1 >= key.length) throw new Error('stored key is truncated');
    chunks.push(key.subarray(from, zero));
    if (key[zero + 1] === 0x00) return { bytes: Buffer.concat(chunks), next: zero + 2 };
    chunks.push(Buffer.from([0]));
    from = zero + 2;
  }
}

/** Decodes a stored key (values only, no bounds) back into the primary key it was made from. */
export function decodeKey(key: Buffer, schema: readonly PrimaryKeyColumnSchema[]): StoredPrimaryKey {
  const primaryKey: StoredPrimaryKey = [];
  let at = 0;
  for (const column of schema) {
    if (key[at++] !== VALUE) throw new Error('stored key holds a bound');
    if (column.type === 'INTEGER') {
      const value = BigInt.asIntN(64, key.readBigUInt64BE(at) ^ SIGN_BIT);
      primaryKey.push({ name: column.name, value: { type: 'INTEGER', value } });
      at += 8;
    } else {
      const { bytes, next } = readEscaped(key, at);
      at = next;
      primaryKey.push({
        name: column.name,
        value: column.type === 'STRING' ? { type: 'STRING', value: bytes.toString('utf8') } : { type: 'BINARY', value: bytes },
      });
    }
  }
  return primaryKey;
}
