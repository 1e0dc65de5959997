import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc8Byte, crc8Range } from '../../../infra/local/tablestore/plainbuffer/crc8.ts';
import {
  decodeColumnValue,
  decodePrimaryKey,
  decodeRow,
  decodeRows,
  encodePrimaryKey,
  encodeRows,
  PlainBufferError,
} from '../../../infra/local/tablestore/plainbuffer/index.ts';
import type {
  CellValue,
  RequestCell,
  RequestRow,
  ResponseRow,
  StoredPrimaryKey,
  StoredPrimaryKeyValue,
} from '../../../infra/local/tablestore/plainbuffer/index.ts';

// ---------------------------------------------------------------------------------------------------------
// The official SDK, typed just enough for these tests. It ships no types, so it is loaded with require and
// described here (lib/protocol/plian_buffer_builder.js, plain_buffer_stream.js, plain_buffer_coded_stream.js,
// decoder.js).

interface Int64LE {
  toString(radix?: number): string;
  toNumber(): number;
}
type SdkValue = Int64LE | number | boolean | string | Buffer;
/** Primary key as the SDK takes it: one single-key object per column, e.g. `[{ id: 'a' }, { seq: Long }]`. */
type SdkPrimaryKey = Record<string, unknown>[];
interface SdkRow {
  primaryKey: { name: string; value: SdkValue }[];
  attributes: { columnName: string; columnValue: SdkValue; timestamp: Int64LE | null }[];
}
interface TablestoreSdk {
  Long: { fromNumber(n: number): Int64LE; fromString(s: string): Int64LE };
  INF_MIN: object;
  INF_MAX: object;
  PK_AUTO_INCR: object;
  plainBufferCrc8: { crcInt8(crc: number, byte: number): number };
  PlainBufferBuilder: {
    serializeForPutRow(pk: SdkPrimaryKey, attributes: Record<string, unknown>[]): Buffer;
    serializeForUpdateRow(pk: SdkPrimaryKey, updates: Record<string, unknown[]>[]): Buffer;
    serializeForDeleteRow(pk: SdkPrimaryKey): Buffer;
    serializePrimaryKey(pk: SdkPrimaryKey): Buffer;
    serializeColumnValue(value: SdkValue): Buffer;
  };
  PlainBufferInputStream: new (data: { buffer: Buffer; offset: number; limit: number }) => object;
  PlainBufferCodedInputStream: new (stream: object) => { readRow(): SdkRow; readRows(): SdkRow[] };
  decoder: {
    decodeGetRange(bytes: Uint8Array): { rows: SdkRow[]; nextStartPrimaryKey: SdkRow['primaryKey'] | null };
    decodeGetRow(bytes: Uint8Array): { row: SdkRow | Record<string, never> };
  };
}
interface ProtoMessage {
  encode(message: object): { finish(): Uint8Array };
}

const require = createRequire(import.meta.url);
const TableStore = require('tablestore') as TablestoreSdk;
const proto = (
  require('tablestore/lib/protocol/tablestore_compiled_proto.js') as {
    main: { proto: { GetRangeResponse: ProtoMessage; GetRowResponse: ProtoMessage } };
  }
).main.proto;
const { Long, PlainBufferBuilder: builder } = TableStore;
const Int64LEClass = Long.fromNumber(0).constructor;

// ---------------------------------------------------------------------------------------------------------
// Helpers

const str = (value: string) => ({ type: 'STRING', value }) as const;
const int = (value: bigint) => ({ type: 'INTEGER', value }) as const;
const dbl = (value: number) => ({ type: 'DOUBLE', value }) as const;
const bool = (value: boolean) => ({ type: 'BOOLEAN', value }) as const;
const bin = (bytes: number[]) => ({ type: 'BINARY', value: Buffer.from(bytes) }) as const;

/** Hex bytes; whitespace and `// comments` are ignored. */
function hex(text: string): Buffer {
  return Buffer.from(text.replace(/\/\/.*$/gm, '').replace(/\s+/g, ''), 'hex');
}

function sdkReadRows(buf: Buffer): SdkRow[] {
  const stream = new TableStore.PlainBufferInputStream({ buffer: buf, offset: 0, limit: buf.length });
  return new TableStore.PlainBufferCodedInputStream(stream).readRows();
}

function sdkReadRow(buf: Buffer): SdkRow {
  const stream = new TableStore.PlainBufferInputStream({ buffer: buf, offset: 0, limit: buf.length });
  return new TableStore.PlainBufferCodedInputStream(stream).readRow();
}

function toSdkValue(value: CellValue): SdkValue {
  return value.type === 'INTEGER' ? Long.fromString(value.value.toString()) : value.value;
}

function toSdkPrimaryKey(pk: StoredPrimaryKey): SdkPrimaryKey {
  return pk.map(({ name, value }) => ({ [name]: toSdkValue(value) }));
}

function fromSdkValue(value: SdkValue): CellValue {
  if (value instanceof Int64LEClass) return int(BigInt((value as Int64LE).toString()));
  if (Buffer.isBuffer(value)) return { type: 'BINARY', value };
  if (typeof value === 'number') return dbl(value);
  if (typeof value === 'boolean') return bool(value);
  if (typeof value === 'string') return str(value);
  throw new Error(`unexpected SDK value ${String(value)}`);
}

function fromSdkRow(row: SdkRow): ResponseRow {
  return {
    primaryKey: row.primaryKey.map(({ name, value }) => ({
      name,
      value: fromSdkValue(value) as StoredPrimaryKeyValue,
    })),
    cells: row.attributes.map(({ columnName, columnValue, timestamp }) => ({
      name: columnName,
      value: fromSdkValue(columnValue),
      timestamp: timestamp === null ? Number.NaN : timestamp.toNumber(),
    })),
  };
}

/** What decodeRows reports for a response row: every cell a PUT with its version. */
function asRequestRow(row: ResponseRow): RequestRow {
  return {
    primaryKey: row.primaryKey,
    cells: row.cells.map(({ name, value, timestamp }) => ({ name, operation: 'PUT', value, timestamp })),
    deleteMarker: false,
  };
}

function withFlippedByte(buf: Buffer, at: number, mask: number): Buffer {
  const copy = Buffer.from(buf);
  copy.writeUInt8(copy.readUInt8(at) ^ mask, at);
  return copy;
}

function caught(run: () => unknown): unknown {
  try {
    run();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

/**
 * Builds a row straight from the documented grammar, for shapes the SDK never writes (VT_NULL, bad
 * operations). Values are given as `type [length] data` bytes.
 */
function handCell(name: string, opts: { value?: Buffer; op?: number; timestamp?: number }): Buffer {
  const nameBytes = Buffer.from(name);
  const parts: Buffer[] = [Buffer.from([0x03, 0x04]), int32(nameBytes.length), nameBytes];
  let crc = crc8Range(0, nameBytes, 0, nameBytes.length);
  if (opts.value) {
    parts.push(Buffer.from([0x05]), int32(opts.value.length), opts.value);
    crc = crc8Range(crc, opts.value, 0, opts.value.length);
  }
  if (opts.op !== undefined) parts.push(Buffer.from([0x06, opts.op]));
  if (opts.timestamp !== undefined) {
    const ts = Buffer.alloc(8);
    ts.writeBigInt64LE(BigInt(opts.timestamp));
    parts.push(Buffer.from([0x07]), ts);
    crc = crc8Range(crc, ts, 0, 8);
  }
  if (opts.op !== undefined) crc = crc8Byte(crc, opts.op);
  parts.push(Buffer.from([0x0a, crc]));
  return Buffer.concat(parts);
}

function handRow(pk: Buffer[], attributes: Buffer[]): Buffer {
  let crc = 0;
  for (const cell of [...pk, ...attributes]) crc = crc8Byte(crc, cell[cell.length - 1]!);
  crc = crc8Byte(crc, 0);
  const data = attributes.length > 0 ? [Buffer.from([0x02]), ...attributes] : [];
  return Buffer.concat([int32(0x75), Buffer.from([0x01]), ...pk, ...data, Buffer.from([0x09, crc])]);
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n);
  return b;
}

const stringVariant = (s: string) => Buffer.concat([Buffer.from([0x03]), int32(Buffer.byteLength(s)), Buffer.from(s)]);
const idCell = handCell('id', { value: stringVariant('a') });

// ---------------------------------------------------------------------------------------------------------
// Arbitraries

const columnName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,15}$/).filter((name) => name !== 'timestamp');
const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const text = fc.string({ unit: 'grapheme', maxLength: 12 });
const bytes = fc.uint8Array({ maxLength: 16 }).map((b) => Buffer.from(b));
const timestamp = fc.maxSafeNat();

const pkValue: fc.Arbitrary<StoredPrimaryKeyValue> = fc.oneof(
  int64.map((value) => int(value)),
  text.map((value) => str(value)),
  bytes.map((value) => ({ type: 'BINARY', value }) as const),
);
const cellValue: fc.Arbitrary<CellValue> = fc.oneof(
  int64.map((value) => int(value)),
  fc.double().map((value) => dbl(value)),
  fc.boolean().map((value) => bool(value)),
  text.map((value) => str(value)),
  bytes.map((value) => ({ type: 'BINARY', value }) as const),
);
const primaryKey: fc.Arbitrary<StoredPrimaryKey> = fc.array(fc.record({ name: columnName, value: pkValue }), {
  minLength: 1,
  maxLength: 4,
});
const responseRow: fc.Arbitrary<ResponseRow> = fc.record({
  primaryKey,
  cells: fc.array(fc.record({ name: columnName, value: cellValue, timestamp }), { maxLength: 6 }),
});
const updateCell: fc.Arbitrary<RequestCell> = fc.oneof(
  fc.record({ name: columnName, operation: fc.constant('PUT' as const), value: cellValue }),
  fc.record({ name: columnName, operation: fc.constant('PUT' as const), value: cellValue, timestamp }),
  fc.record({ name: columnName, operation: fc.constant('DELETE_ONE' as const), timestamp }),
  fc.record({ name: columnName, operation: fc.constant('DELETE_ALL' as const) }),
  fc.record({ name: columnName, operation: fc.constant('INCREMENT' as const), value: int64.map((v) => int(v)) }),
);

/** The update list the SDK's updateRow takes, one group per cell so the order survives. */
function toSdkUpdates(cells: RequestCell[]): Record<string, unknown[]>[] {
  return cells.map((cell): Record<string, unknown[]> => {
    const value = cell.value === undefined ? undefined : toSdkValue(cell.value);
    switch (cell.operation) {
      case 'PUT':
      case 'INCREMENT':
        return {
          [cell.operation]: [
            cell.timestamp === undefined ? { [cell.name]: value } : { [cell.name]: value, timestamp: cell.timestamp },
          ],
        };
      case 'DELETE_ONE':
        return { DELETE: [{ [cell.name]: Long.fromNumber(cell.timestamp ?? 0) }] };
      case 'DELETE_ALL':
        return { DELETE_ALL: [cell.name] };
    }
  });
}

// ---------------------------------------------------------------------------------------------------------

describe('crc8', () => {
  it('is CRC-8 with polynomial 0x07: the standard check value of "123456789" is 0xF4', () => {
    const check = Buffer.from('123456789');
    expect(crc8Range(0, check, 0, check.length)).toBe(0xf4);
  });

  it('agrees with the SDK table for every byte and every running value', () => {
    for (let crc = 0; crc < 256; crc += 17) {
      for (let byte = 0; byte < 256; byte++) {
        expect(crc8Byte(crc, byte)).toBe(TableStore.plainBufferCrc8.crcInt8(crc, byte));
      }
    }
  });
});

describe('decodeRow reads the rows the SDK sends', () => {
  it('reads the documented layout of a putRow body, byte for byte', () => {
    const body = hex(`
      75000000                              // header
      01                                    // TAG_ROW_PK
        03 04 02000000 6964                 //   TAG_CELL, TAG_CELL_NAME length 2 "id"
           05 06000000 03 01000000 61       //   TAG_CELL_VALUE length 6: VT_STRING length 1 "a"
           0a 91                            //   TAG_CELL_CHECKSUM
      02                                    // TAG_ROW_DATA
        03 04 01000000 63                   //   TAG_CELL, TAG_CELL_NAME length 1 "c"
           05 09000000 00 0100000000000000  //   TAG_CELL_VALUE length 9: VT_INTEGER 1
           0a ce                            //   TAG_CELL_CHECKSUM
      09 f9                                 // TAG_ROW_CHECKSUM
    `);
    expect(builder.serializeForPutRow([{ id: 'a' }], [{ c: Long.fromNumber(1) }])).toEqual(body);
    expect(decodeRow(body)).toEqual({
      primaryKey: [{ name: 'id', value: str('a') }],
      cells: [{ name: 'c', operation: 'PUT', value: int(1n) }],
      deleteMarker: false,
    });
  });

  it('reads every attribute type of a putRow, including int64 extremes, Chinese text and binary', () => {
    const body = builder.serializeForPutRow(
      [{ waybillNo: 'SF1234567890' }, { seq: Long.fromString('9007199254740993') }, { shard: Buffer.from([0, 255]) }],
      [
        { status: 'IN_TRANSIT' },
        { facility: '深圳转运中心' },
        { weightKg: 1.25 },
        { fragile: true },
        { signed: false },
        { photo: Buffer.from([1, 2, 3]) },
        { attempts: Long.fromNumber(-7) },
        { max: Long.fromString('9223372036854775807') },
        { min: Long.fromString('-9223372036854775808') },
      ],
    );
    expect(decodeRow(body)).toEqual({
      primaryKey: [
        { name: 'waybillNo', value: str('SF1234567890') },
        { name: 'seq', value: int(9007199254740993n) },
        { name: 'shard', value: bin([0, 255]) },
      ],
      cells: [
        { name: 'status', operation: 'PUT', value: str('IN_TRANSIT') },
        { name: 'facility', operation: 'PUT', value: str('深圳转运中心') },
        { name: 'weightKg', operation: 'PUT', value: dbl(1.25) },
        { name: 'fragile', operation: 'PUT', value: bool(true) },
        { name: 'signed', operation: 'PUT', value: bool(false) },
        { name: 'photo', operation: 'PUT', value: bin([1, 2, 3]) },
        { name: 'attempts', operation: 'PUT', value: int(-7n) },
        { name: 'max', operation: 'PUT', value: int(2n ** 63n - 1n) },
        { name: 'min', operation: 'PUT', value: int(-(2n ** 63n)) },
      ],
      deleteMarker: false,
    });
  });

  it('reads a putRow cell version given as { col: value, timestamp }', () => {
    const body = builder.serializeForPutRow([{ id: 'a' }], [{ status: 'DELIVERED', timestamp: 1_700_000_000_123 }]);
    expect(decodeRow(body).cells).toEqual([
      { name: 'status', operation: 'PUT', value: str('DELIVERED'), timestamp: 1_700_000_000_123 },
    ]);
  });

  it('reads an auto-increment primary key column of a putRow', () => {
    const body = builder.serializeForPutRow([{ shard: 'a' }, { seq: TableStore.PK_AUTO_INCR }], [{ c: 'x' }]);
    expect(decodeRow(body).primaryKey).toEqual([
      { name: 'shard', value: str('a') },
      { name: 'seq', value: { type: 'AUTO_INCREMENT' } },
    ]);
  });

  it('reads every updateRow operation: PUT, PUT with a version, DELETE of one version, DELETE_ALL, INCREMENT', () => {
    const body = builder.serializeForUpdateRow(
      [{ id: 'a' }],
      [
        { PUT: [{ status: 'OUT_FOR_DELIVERY' }, { note: '请放门口', timestamp: 1_700_000_000_000 }] },
        { DELETE: [{ status: Long.fromNumber(1_600_000_000_000) }] },
        { DELETE_ALL: ['photo', 'remark'] },
        { INCREMENT: [{ attempts: Long.fromNumber(1) }] },
      ],
    );
    expect(decodeRow(body)).toEqual({
      primaryKey: [{ name: 'id', value: str('a') }],
      cells: [
        { name: 'status', operation: 'PUT', value: str('OUT_FOR_DELIVERY') },
        { name: 'note', operation: 'PUT', value: str('请放门口'), timestamp: 1_700_000_000_000 },
        { name: 'status', operation: 'DELETE_ONE', timestamp: 1_600_000_000_000 },
        { name: 'photo', operation: 'DELETE_ALL' },
        { name: 'remark', operation: 'DELETE_ALL' },
        { name: 'attempts', operation: 'INCREMENT', value: int(1n) },
      ],
      deleteMarker: false,
    });
  });

  it('ignores the zero padding the SDK leaves after an updateRow with versioned cells', () => {
    const body = builder.serializeForUpdateRow([{ id: 'a' }], [{ DELETE: [{ status: Long.fromNumber(5) }] }]);
    // The SDK sizes DELETE cells as if they had a value: five 0x00 bytes follow the row checksum.
    expect(body[body.length - 7]).toBe(0x09);
    expect(body.subarray(-5)).toEqual(Buffer.alloc(5));
    expect(decodeRow(body).cells).toEqual([{ name: 'status', operation: 'DELETE_ONE', timestamp: 5 }]);
  });

  it('reads a deleteRow key as a row with the delete marker, and as a primary key', () => {
    const body = builder.serializeForDeleteRow([{ waybillNo: 'SF1' }, { seq: Long.fromNumber(3) }]);
    const pk = [
      { name: 'waybillNo', value: str('SF1') },
      { name: 'seq', value: int(3n) },
    ];
    expect(decodeRow(body)).toEqual({ primaryKey: pk, cells: [], deleteMarker: true });
    expect(decodePrimaryKey(body)).toEqual(pk);
  });

  it('reads getRow and getRange keys, including INF_MIN and INF_MAX bounds', () => {
    expect(decodePrimaryKey(builder.serializePrimaryKey([{ waybillNo: 'SF1' }]))).toEqual([
      { name: 'waybillNo', value: str('SF1') },
    ]);
    const start = builder.serializePrimaryKey([{ waybillNo: 'SF1' }, { seq: TableStore.INF_MIN }]);
    const end = builder.serializePrimaryKey([{ waybillNo: TableStore.INF_MAX }, { seq: TableStore.INF_MAX }]);
    expect(decodePrimaryKey(start)).toEqual([
      { name: 'waybillNo', value: str('SF1') },
      { name: 'seq', value: { type: 'INF_MIN' } },
    ]);
    expect(decodePrimaryKey(end)).toEqual([
      { name: 'waybillNo', value: { type: 'INF_MAX' } },
      { name: 'seq', value: { type: 'INF_MAX' } },
    ]);
  });

  it('reads the bare column value of a SingleColumnValueFilter', () => {
    expect(decodeColumnValue(builder.serializeColumnValue('已签收'))).toEqual(str('已签收'));
    expect(decodeColumnValue(builder.serializeColumnValue(Long.fromString('-9007199254740993')))).toEqual(
      int(-9007199254740993n),
    );
    expect(decodeColumnValue(builder.serializeColumnValue(2.5))).toEqual(dbl(2.5));
    expect(decodeColumnValue(builder.serializeColumnValue(true))).toEqual(bool(true));
    expect(decodeColumnValue(builder.serializeColumnValue(Buffer.from([9, 8])))).toEqual(bin([9, 8]));
  });

  it('reads VT_NULL as a cell without a value', () => {
    const body = handRow([idCell], [handCell('photo', { value: Buffer.from([0x06]), op: 0x01 })]);
    expect(decodeRow(body).cells).toEqual([{ name: 'photo', operation: 'DELETE_ALL' }]);
  });

  it('checks that a cell is DELETE_ONE or DELETE_ALL before accepting it without a value', () => {
    const putWithoutValue = handRow([idCell], [handCell('status', {})]);
    expect(() => decodeRow(putWithoutValue)).toThrow('Column status: PUT must have a value.');
    const deleteOneWithoutVersion = handRow([idCell], [handCell('status', { op: 0x03 })]);
    expect(() => decodeRow(deleteOneWithoutVersion)).toThrow('Column status: DELETE_ONE must have a timestamp.');
  });

  it('decodes what the SDK writes for any putRow', () => {
    fc.assert(
      fc.property(primaryKey, fc.array(fc.record({ name: columnName, value: cellValue }), { maxLength: 6 }), (pk, cells) => {
        const body = builder.serializeForPutRow(
          toSdkPrimaryKey(pk),
          cells.map(({ name, value }) => ({ [name]: toSdkValue(value) })),
        );
        expect(decodeRow(body)).toEqual({
          primaryKey: pk,
          cells: cells.map(({ name, value }) => ({ name, operation: 'PUT', value })),
          deleteMarker: false,
        });
      }),
    );
  });

  it('decodes what the SDK writes for any updateRow', () => {
    fc.assert(
      fc.property(primaryKey, fc.array(updateCell, { minLength: 1, maxLength: 6 }), (pk, cells) => {
        const body = builder.serializeForUpdateRow(toSdkPrimaryKey(pk), toSdkUpdates(cells));
        expect(decodeRow(body)).toEqual({ primaryKey: pk, cells, deleteMarker: false });
      }),
    );
  });
});

describe('decodeRows', () => {
  it('reads rows back to back behind one header', () => {
    const first = builder.serializeForPutRow([{ id: 'a' }], [{ c: 'x' }]);
    const second = builder.serializeForDeleteRow([{ id: 'b' }]);
    const body = Buffer.concat([first, second.subarray(4)]);
    expect(decodeRows(body)).toEqual([
      { primaryKey: [{ name: 'id', value: str('a') }], cells: [{ name: 'c', operation: 'PUT', value: str('x') }], deleteMarker: false },
      { primaryKey: [{ name: 'id', value: str('b') }], cells: [], deleteMarker: true },
    ]);
    expect(() => decodeRow(body)).toThrow('Expect exactly one row, but another row starts at offset');
  });
});

describe('decoding rejects a broken buffer with PlainBufferError', () => {
  const body = builder.serializeForPutRow([{ id: 'a' }], [{ status: 'IN_TRANSIT' }]);
  const statusByte = body.indexOf('IN_TRANSIT');

  it('reports a changed byte inside a cell as a cell checksum mismatch', () => {
    const broken = withFlippedByte(body, statusByte, 0x20);
    const err = caught(() => decodeRow(broken));
    expect(err).toBeInstanceOf(PlainBufferError);
    expect((err as PlainBufferError).message).toBe('Cell data broken, checksum is mismatch.');
    expect((err as PlainBufferError).offset).toBe(body.length - 3);
  });

  it('reports a changed row checksum as a row checksum mismatch', () => {
    const broken = withFlippedByte(body, body.length - 1, 0x01);
    expect(() => decodeRow(broken)).toThrow(
      new PlainBufferError('Row data broken, checksum is mismatch.', body.length - 1),
    );
  });

  it('reports every truncation of a row', () => {
    for (let length = 0; length < body.length; length++) {
      expect(() => decodeRow(body.subarray(0, length)), `length ${length}`).toThrow(PlainBufferError);
    }
    expect(() => decodeRow(body.subarray(0, statusByte + 3))).toThrow(
      `Plain buffer is truncated: 15 byte(s) expected at offset ${statusByte - 5}, 8 left.`,
    );
  });

  it('reports a wrong header, a misplaced tag, an unknown type or operation, and a wrong value length', () => {
    const wrongHeader = Buffer.from(body);
    wrongHeader[0] = 0x76;
    expect(() => decodeRow(wrongHeader)).toThrow('Invalid header from plain buffer: 118, expect 117.');

    const missingPk = Buffer.from(body);
    missingPk[4] = 0x02;
    expect(() => decodeRow(missingPk)).toThrow('Invalid tag TAG_ROW_DATA (0x02) at offset 4, expect TAG_ROW_PK (0x01).');

    const doublePk = handRow([handCell('id', { value: Buffer.from([0x01, 0, 0, 0, 0, 0, 0, 0, 0]) })], []);
    expect(() => decodeRow(doublePk)).toThrow('Unsupported primary key value type: 0x01.');

    const infInAttribute = handRow([idCell], [handCell('c', { value: Buffer.from([0x09]) })]);
    expect(() => decodeRow(infInAttribute)).toThrow('Unsupported column value type: 0x09.');

    const unknownOperation = handRow([idCell], [handCell('c', { op: 0x02 })]);
    expect(() => decodeRow(unknownOperation)).toThrow('Invalid cell type: 0x02.');

    const longLength = Buffer.from(body);
    longLength.writeInt32LE(7, body.indexOf(Buffer.from([0x05, 0x06, 0, 0, 0])) + 1);
    expect(() => decodeRow(longLength)).toThrow('Invalid cell value length 7 at offset 14, the value takes 6 byte(s).');
  });

  it('reports attribute columns where only a primary key may stand', () => {
    expect(() => decodePrimaryKey(body)).toThrow('a primary key has no attribute columns.');
  });

  it('reports bytes after the last row other than zero padding', () => {
    expect(() => decodeRow(Buffer.concat([body, Buffer.from([0, 0, 7])]))).toThrow(
      `Unexpected data after the last row at offset ${body.length + 2}.`,
    );
    expect(() => decodeColumnValue(Buffer.concat([builder.serializeColumnValue(true), Buffer.from([0])]))).toThrow(
      'Unexpected 1 byte(s) at offset 2.',
    );
    expect(() => decodeColumnValue(Buffer.from([0x06]))).toThrow('Column value must not be VT_NULL.');
  });

  it('throws nothing but PlainBufferError, whatever the bytes', () => {
    const decoders = [decodeRows, decodeRow, decodePrimaryKey, decodeColumnValue];
    const onlyPlainBufferErrors = (input: Buffer): void => {
      for (const decode of decoders) {
        try {
          decode(input);
        } catch (err) {
          expect(err).toBeInstanceOf(PlainBufferError);
        }
      }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (garbage) => onlyPlainBufferErrors(Buffer.from(garbage))));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (tail) =>
        onlyPlainBufferErrors(Buffer.concat([hex('75000000 01 03 04'), tail])),
      ),
    );
    fc.assert(
      fc.property(responseRow, fc.nat(), fc.integer({ min: 1, max: 255 }), (row, at, flip) => {
        const buf = encodeRows([row]);
        onlyPlainBufferErrors(withFlippedByte(buf, at % buf.length, flip));
      }),
    );
  });
});

describe('encodeRows writes rows the SDK reads back exactly', () => {
  const scan: ResponseRow = {
    primaryKey: [
      { name: 'waybillNo', value: str('SF1234567890') },
      { name: 'seq', value: int(2n ** 62n + 1n) },
      { name: 'shard', value: bin([0xde, 0xad]) },
    ],
    cells: [
      { name: 'status', value: str('DELIVERED'), timestamp: 1_700_000_000_300 },
      { name: 'status', value: str('OUT_FOR_DELIVERY'), timestamp: 1_700_000_000_200 },
      { name: 'status', value: str('IN_TRANSIT'), timestamp: 1_700_000_000_100 },
      { name: 'facility', value: str('深圳转运中心'), timestamp: 1 },
      { name: 'weightKg', value: dbl(-0.125), timestamp: 2 },
      { name: 'fragile', value: bool(true), timestamp: 3 },
      { name: 'signed', value: bool(false), timestamp: 4 },
      { name: 'photo', value: bin([0, 1, 254, 255]), timestamp: 5 },
      { name: 'attempts', value: int(-3n), timestamp: 6 },
      { name: 'max', value: int(2n ** 63n - 1n), timestamp: Number.MAX_SAFE_INTEGER },
      { name: 'min', value: int(-(2n ** 63n)), timestamp: 0 },
    ],
  };
  const pkOnly: ResponseRow = { primaryKey: [{ name: 'waybillNo', value: str('SF0') }], cells: [] };

  it('writes a row the SDK reads with every type, every version and its timestamp', () => {
    expect(sdkReadRows(encodeRows([scan])).map(fromSdkRow)).toEqual([scan]);
    expect(fromSdkRow(sdkReadRow(encodeRows([scan])))).toEqual(scan);
  });

  it('writes several rows behind one header, as a GetRange response the SDK decodes', () => {
    const rows = [scan, pkOnly, { ...scan, primaryKey: [{ name: 'waybillNo', value: str('SF9') }] }];
    const response = proto.GetRangeResponse.encode({
      consumed: { capacityUnit: { read: 1 } },
      rows: encodeRows(rows),
      nextStartPrimaryKey: encodePrimaryKey([{ name: 'waybillNo', value: str('SF9999') }]),
    }).finish();
    const decoded = TableStore.decoder.decodeGetRange(response);
    expect(decoded.rows.map(fromSdkRow)).toEqual(rows);
    expect(decoded.nextStartPrimaryKey).toEqual([{ name: 'waybillNo', value: 'SF9999' }]);
  });

  it('writes nothing for no rows, which the SDK reads as an empty GetRange page and as GetRow "no row"', () => {
    const empty = encodeRows([]);
    expect(empty.length).toBe(0);
    const range = proto.GetRangeResponse.encode({ consumed: { capacityUnit: { read: 1 } }, rows: empty }).finish();
    expect(TableStore.decoder.decodeGetRange(range)).toMatchObject({ rows: [], nextStartPrimaryKey: null });
    const get = proto.GetRowResponse.encode({ consumed: { capacityUnit: { read: 1 } }, row: empty }).finish();
    expect(TableStore.decoder.decodeGetRow(get).row).toEqual({});
  });

  it('writes a GetRow row the SDK decodes from the protobuf response', () => {
    const get = proto.GetRowResponse.encode({ consumed: { capacityUnit: { read: 1 } }, row: encodeRows([scan]) }).finish();
    expect(fromSdkRow(TableStore.decoder.decodeGetRow(get).row as SdkRow)).toEqual(scan);
  });

  it('writes the same bytes as the SDK writer for the same row and versions', () => {
    fc.assert(
      fc.property(responseRow, (row) => {
        const sdkBytes = builder.serializeForPutRow(
          toSdkPrimaryKey(row.primaryKey),
          row.cells.map(({ name, value, timestamp: ts }) => ({ [name]: toSdkValue(value), timestamp: ts })),
        );
        expect(encodeRows([row])).toEqual(sdkBytes);
      }),
    );
  });

  it('writes any rows so that the SDK reader and decodeRows both read them back unchanged', () => {
    fc.assert(
      fc.property(fc.array(responseRow, { maxLength: 5 }), (rows) => {
        const buf = encodeRows(rows);
        if (rows.length === 0) {
          expect(buf.length).toBe(0);
          return;
        }
        expect(sdkReadRows(buf).map(fromSdkRow)).toEqual(rows);
        expect(decodeRows(buf)).toEqual(rows.map(asRequestRow));
      }),
    );
  });
});

describe('encodePrimaryKey writes a primary-key row', () => {
  it('writes the same bytes as the SDK for every key type, read back as GetRange next_start_primary_key', () => {
    const pk: StoredPrimaryKey = [
      { name: 'waybillNo', value: str('运单SF1') },
      { name: 'seq', value: int(-(2n ** 60n)) },
      { name: 'shard', value: bin([]) },
    ];
    const bytes = encodePrimaryKey(pk);
    expect(bytes).toEqual(builder.serializePrimaryKey(toSdkPrimaryKey(pk)));
    expect(fromSdkRow(sdkReadRow(bytes))).toEqual({ primaryKey: pk, cells: [] });
    expect(decodePrimaryKey(bytes)).toEqual(pk);
  });

  it('writes any key the SDK reads back unchanged', () => {
    fc.assert(
      fc.property(primaryKey, (pk) => {
        expect(fromSdkRow(sdkReadRow(encodePrimaryKey(pk))).primaryKey).toEqual(pk);
      }),
    );
  });
});
