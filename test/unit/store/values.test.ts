import TableStore from 'tablestore';
import { describe, expect, it } from 'vitest';
import {
  AUTO_INCREMENT,
  double,
  Double,
  fromSdkRow,
  INF_MAX,
  INF_MIN,
  toSdkAttributes,
  toSdkPrimaryKey,
  type Attributes,
  type PrimaryKey,
} from '../../../layers/core/src/store/values.ts';

/** The SDK's own PlainBuffer writer and reader (`lib/protocol/plian_buffer_builder.js`, `plain_buffer_coded_stream.js`). */
const plainBuffer = TableStore as unknown as {
  PlainBufferBuilder: { serializeForPutRow(primaryKey: TableStore.PrimaryKey, attributes: TableStore.AttributeColumns): Buffer };
  PlainBufferInputStream: new (data: { buffer: Buffer; offset: number; limit: number }) => object;
  PlainBufferCodedInputStream: new (stream: object) => { readRow(): TableStore.Row };
};

/** Encodes a row as the SDK sends it and decodes it as the SDK reads an answer: the types survive only if right. */
function throughPlainBuffer(primaryKey: PrimaryKey, attributes: Attributes): TableStore.Row {
  const bytes = plainBuffer.PlainBufferBuilder.serializeForPutRow(toSdkPrimaryKey(primaryKey), toSdkAttributes(attributes));
  const input = new plainBuffer.PlainBufferInputStream({ buffer: bytes, offset: 0, limit: bytes.length });
  return new plainBuffer.PlainBufferCodedInputStream(input).readRow();
}

const Int64 = TableStore.Long.fromNumber(0).constructor;

describe('typed values', () => {
  it('writes a safe-integer number as INTEGER and reads it back as a number', () => {
    const sdkRow = throughPlainBuffer({ waybillNo: 'SF1' }, { scanTimeMs: 1718000000000, delta: -3 });

    expect(sdkRow.attributes[0]?.columnValue).toBeInstanceOf(Int64);
    expect(fromSdkRow(sdkRow)?.attributes).toEqual({ scanTimeMs: 1718000000000, delta: -3 });
  });

  it('writes double() as DOUBLE and reads it back as a Double', () => {
    const sdkRow = throughPlainBuffer({ waybillNo: 'SF1' }, { weightKg: double(1.25), whole: double(2) });

    expect(typeof sdkRow.attributes[0]?.columnValue).toBe('number');
    expect(fromSdkRow(sdkRow)?.attributes).toEqual({ weightKg: new Double(1.25), whole: new Double(2) });
  });

  it('reads an integer beyond 2^53 back as a bigint, exactly', () => {
    const sdkRow = throughPlainBuffer({ seq: 2n ** 62n + 1n }, { max: 2n ** 63n - 1n, min: -(2n ** 63n), small: 7n });

    expect(fromSdkRow(sdkRow)).toMatchObject({
      primaryKey: { seq: 2n ** 62n + 1n },
      attributes: { max: 2n ** 63n - 1n, min: -(2n ** 63n), small: 7 },
    });
  });

  it('round-trips strings, booleans and binary', () => {
    const sdkRow = throughPlainBuffer(
      { waybillNo: 'SF1', photo: new Uint8Array([0, 1, 2]) },
      { facility: '深圳转运中心', delivered: false, signature: Buffer.from([255, 0]) },
    );

    expect(fromSdkRow(sdkRow)).toMatchObject({
      primaryKey: { waybillNo: 'SF1', photo: Buffer.from([0, 1, 2]) },
      attributes: { facility: '深圳转运中心', delivered: false, signature: Buffer.from([255, 0]) },
    });
  });

  it('keeps primary-key columns in the order they were written', () => {
    const sdkRow = throughPlainBuffer({ partition: 'a1', waybillNo: 'SF1', scanTimeMs: 5 }, {});

    expect(Object.keys(fromSdkRow(sdkRow)?.primaryKey ?? {})).toEqual(['partition', 'waybillNo', 'scanTimeMs']);
  });

  it('refuses a fractional number instead of writing a DOUBLE by accident', () => {
    expect(() => toSdkAttributes({ weightKg: 1.25 })).toThrow(/weightKg: 1.25 is not a safe integer; write doubles as double\(1.25\)/);
    expect(() => toSdkAttributes({ big: 2 ** 53 })).toThrow(TypeError);
  });

  it('refuses integers outside int64 and doubles Tablestore rejects', () => {
    expect(() => toSdkAttributes({ tooBig: 2n ** 63n })).toThrow(RangeError);
    expect(() => double(Number.NaN)).toThrow(RangeError);
    expect(() => double(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it("maps the range and auto-increment sentinels to the SDK's", () => {
    expect(toSdkPrimaryKey({ waybillNo: INF_MIN, scanTimeMs: INF_MAX })).toEqual([
      { waybillNo: TableStore.INF_MIN },
      { scanTimeMs: TableStore.INF_MAX },
    ]);
    expect(toSdkPrimaryKey({ waybillNo: 'SF1', seq: AUTO_INCREMENT })[1]?.['seq']).toBe(TableStore.PK_AUTO_INCR);
  });

  it('reads a missing row as undefined', () => {
    expect(fromSdkRow({})).toBeUndefined();
  });

  it('gives the newest version as the attribute and every version as cells', () => {
    const sdkRow: TableStore.Row = {
      primaryKey: [{ name: 'waybillNo', value: 'SF1' }],
      attributes: [
        { columnName: 'status', columnValue: 'DELIVERED', timestamp: TableStore.Long.fromNumber(2000) },
        { columnName: 'status', columnValue: 'ARRIVED', timestamp: TableStore.Long.fromNumber(1000) },
      ],
    };

    expect(fromSdkRow(sdkRow)).toEqual({
      primaryKey: { waybillNo: 'SF1' },
      attributes: { status: 'DELIVERED' },
      cells: [
        { name: 'status', value: 'DELIVERED', timestamp: 2000 },
        { name: 'status', value: 'ARRIVED', timestamp: 1000 },
      ],
    });
  });
});
