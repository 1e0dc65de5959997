import TableStore from 'tablestore';
import { describe, expect, it } from 'vitest';
import { toSdkColumnCondition } from '../../../layers/core/src/store/conditions.ts';
import {
  isIdempotentWrite,
  toSdkReturnContent,
  toSdkUpdateColumns,
  toSdkWriteCondition,
} from '../../../layers/core/src/store/requests.ts';
import { AUTO_INCREMENT, toSdkAttributes, toSdkPrimaryKey } from '../../../layers/core/src/store/values.ts';

/** The SDK's request encoder (`lib/protocol/encoder.js`): what it accepts is what reaches the wire. */
const encoder = (TableStore as unknown as { encoder: { encode(operation: string, params: unknown): unknown } }).encoder;

describe('write conditions', () => {
  it('maps row existence to the SDK enum, IGNORE by default', () => {
    expect(toSdkWriteCondition({})).toMatchObject({ rowExistenceExpectation: TableStore.RowExistenceExpectation.IGNORE });
    expect(toSdkWriteCondition({ rowExistence: 'EXPECT_NOT_EXIST' })).toMatchObject({
      rowExistenceExpectation: TableStore.RowExistenceExpectation.EXPECT_NOT_EXIST,
      columnCondition: null,
    });
  });

  it('builds single and composite column conditions with Tablestore defaults', () => {
    const condition = toSdkColumnCondition({
      and: [
        { column: 'status', op: '!=', value: 'DELIVERED' },
        { not: { column: 'attempts', op: '>=', value: 3, passIfMissing: false } },
      ],
    });

    expect(condition).toBeInstanceOf(TableStore.CompositeCondition);
    expect(condition).toMatchObject({
      combinator: TableStore.LogicalOperator.AND,
      sub_conditions: [
        {
          columnName: 'status',
          columnValue: 'DELIVERED',
          comparator: TableStore.ComparatorType.NOT_EQUAL,
          passIfMissing: true,
          latestVersionOnly: true,
        },
        {
          combinator: TableStore.LogicalOperator.NOT,
          sub_conditions: [{ columnName: 'attempts', comparator: TableStore.ComparatorType.GREATER_EQUAL, passIfMissing: false }],
        },
      ],
    });
  });

  it('gives the SDK encoder a PutRow it accepts, condition and column filter included', () => {
    const params = {
      tableName: 'scan_event',
      primaryKey: toSdkPrimaryKey({ waybillNo: 'SF1', scanTimeMs: 1 }),
      attributeColumns: toSdkAttributes({ status: 'ARRIVED' }),
      condition: toSdkWriteCondition({
        rowExistence: 'EXPECT_EXIST',
        columnCondition: { column: 'status', op: '=', value: 'PICKED_UP' },
      }),
    };

    expect(() => encoder.encode('putRow', params)).not.toThrow();
  });
});

describe('updates', () => {
  it('turns put, deleteAll and increment into the SDK update columns', () => {
    const columns = toSdkUpdateColumns({
      table: 'parcel',
      primaryKey: { waybillNo: 'SF1' },
      put: { status: 'DELIVERED' },
      deleteAll: ['exception'],
      increment: { scans: 1 },
    });

    expect(columns).toEqual([
      { PUT: [{ status: 'DELIVERED' }] },
      { DELETE_ALL: ['exception'] },
      { INCREMENT: [{ scans: TableStore.Long.fromNumber(1) }] },
    ]);
    expect(() =>
      encoder.encode('updateRow', {
        tableName: 'parcel',
        primaryKey: toSdkPrimaryKey({ waybillNo: 'SF1' }),
        updateOfAttributeColumns: columns,
        condition: toSdkWriteCondition({}),
      }),
    ).not.toThrow();
  });

  it('asks for after-modify columns over the primary key', () => {
    expect(toSdkReturnContent({ returnPrimaryKey: true })).toEqual({ returnType: TableStore.ReturnType.Primarykey });
    expect(toSdkReturnContent({ returnPrimaryKey: true, returnColumns: ['scans'] })).toEqual({
      returnType: TableStore.ReturnType.AfterModify,
      returnColumns: ['scans'],
    });
    expect(toSdkReturnContent({})).toBeUndefined();
  });
});

describe('isIdempotentWrite', () => {
  it('re-sends puts, deletes and plain updates, but never increments or auto-increment puts', () => {
    const primaryKey = { waybillNo: 'SF1' };

    expect(isIdempotentWrite({ type: 'PUT', table: 't', primaryKey, attributes: { a: 1 } })).toBe(true);
    expect(isIdempotentWrite({ type: 'DELETE', table: 't', primaryKey })).toBe(true);
    expect(isIdempotentWrite({ type: 'UPDATE', table: 't', primaryKey, put: { a: 1 } })).toBe(true);
    expect(isIdempotentWrite({ type: 'UPDATE', table: 't', primaryKey, increment: { scans: 1 } })).toBe(false);
    expect(isIdempotentWrite({ type: 'PUT', table: 't', primaryKey: { waybillNo: 'SF1', seq: AUTO_INCREMENT } })).toBe(false);
  });
});
