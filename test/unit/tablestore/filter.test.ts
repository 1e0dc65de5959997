import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  applyColumnPagination,
  decodeColumnCondition,
  decodeFilter,
  FilterError,
  matches,
  type ColumnCondition,
} from '../../../infra/local/tablestore/filter/index.ts';
import type { CellValue } from '../../../infra/local/tablestore/plainbuffer/types.ts';
import type { CellVersion, StoredRow } from '../../../infra/local/tablestore/row.ts';

/*
 * Conditions and filters are built with the real `tablestore` SDK and turned into request bodies exactly as
 * its client does (lib/client.js buildContent: `TableStore.encoder.encode(operation, params)`, then the
 * message class's `encode(...).finish()`). The bytes under test are then read back out of the decoded request
 * with the SDK's own compiled protobuf classes, the way the local server receives them.
 */

type SdkCondition = object;
interface SdkCompositeCondition extends SdkCondition {
  addSubCondition(condition: SdkCondition): void;
}
interface Sdk {
  SingleColumnCondition: new (
    columnName: string,
    columnValue: unknown,
    comparator: number,
    passIfMissing?: boolean,
    latestVersionOnly?: boolean,
  ) => SdkCondition;
  CompositeCondition: new (combinator: number) => SdkCompositeCondition;
  ColumnPaginationFilter: new (limit: number, offset: number) => SdkCondition;
  Condition: new (rowExistenceExpectation: number, columnCondition: SdkCondition | null) => object;
  ComparatorType: Record<Comparator, number>;
  LogicalOperator: Record<'NOT' | 'AND' | 'OR', number>;
  RowExistenceExpectation: Record<'IGNORE' | 'EXPECT_EXIST' | 'EXPECT_NOT_EXIST', number>;
  Direction: Record<'FORWARD' | 'BACKWARD', string>;
  Long: { fromNumber(value: number): unknown; fromString(value: string): unknown };
  INF_MIN: unknown;
  INF_MAX: unknown;
  encoder: { encode(operation: string, params: Record<string, unknown>): object };
}
type Comparator = 'EQUAL' | 'NOT_EQUAL' | 'GREATER_THAN' | 'GREATER_EQUAL' | 'LESS_THAN' | 'LESS_EQUAL';
interface ProtoClass {
  decode(bytes: Uint8Array): unknown;
  encode(message: Record<string, unknown>): { finish(): Uint8Array };
}

const require = createRequire(import.meta.url);
const TableStore = require('tablestore') as unknown as Sdk;
const compiled = require('tablestore/lib/protocol/tablestore_compiled_proto.js') as unknown as {
  main: { proto: Record<string, ProtoClass> };
  filter: { proto: Record<string, ProtoClass> };
};
const mainProto = (name: string): ProtoClass => compiled.main.proto[name] as ProtoClass;
const filterProto = (name: string): ProtoClass => compiled.filter.proto[name] as ProtoClass;

const comparators: Comparator[] = ['EQUAL', 'NOT_EQUAL', 'GREATER_THAN', 'GREATER_EQUAL', 'LESS_THAN', 'LESS_EQUAL'];

function requestBody(operation: string, params: Record<string, unknown>): Uint8Array {
  const request = TableStore.encoder.encode(operation, params);
  const messageClass = (Object.getPrototypeOf(request) as { constructor: ProtoClass }).constructor;
  return messageClass.encode(request as Record<string, unknown>).finish();
}

const primaryKey = [{ waybillNo: 'SF1001' }];

/** `Condition.column_condition` of a PutRow request, as the SDK sends it. */
function putRowConditionBytes(columnCondition: SdkCondition): Uint8Array {
  const body = requestBody('putRow', {
    tableName: 'scan_events',
    primaryKey,
    attributeColumns: [{ status: 'IN_TRANSIT' }],
    condition: new TableStore.Condition(TableStore.RowExistenceExpectation.IGNORE, columnCondition),
  });
  const request = mainProto('PutRowRequest').decode(body) as { condition: { columnCondition: Uint8Array } };
  return request.condition.columnCondition;
}

function conditionOf(columnCondition: SdkCondition): ColumnCondition {
  return decodeColumnCondition(putRowConditionBytes(columnCondition));
}

/** `GetRowRequest.filter`, as the SDK sends it. */
function getRowFilterBytes(columnFilter: SdkCondition): Uint8Array {
  const body = requestBody('getRow', { tableName: 'scan_events', primaryKey, columnFilter });
  return (mainProto('GetRowRequest').decode(body) as { filter: Uint8Array }).filter;
}

function single(
  column: string,
  value: unknown,
  comparator: Comparator,
  passIfMissing?: boolean,
  latestVersionOnly?: boolean,
): SdkCondition {
  return new TableStore.SingleColumnCondition(column, value, TableStore.ComparatorType[comparator], passIfMissing, latestVersionOnly);
}

function composite(operator: 'NOT' | 'AND' | 'OR', ...subConditions: SdkCondition[]): SdkCondition {
  const condition = new TableStore.CompositeCondition(TableStore.LogicalOperator[operator]);
  for (const sub of subConditions) condition.addSubCondition(sub);
  return condition;
}

const long = (value: number): unknown => TableStore.Long.fromNumber(value);

const integer = (value: bigint): CellValue => ({ type: 'INTEGER', value });
const double = (value: number): CellValue => ({ type: 'DOUBLE', value });
const string = (value: string): CellValue => ({ type: 'STRING', value });
const binary = (...bytes: number[]): CellValue => ({ type: 'BINARY', value: Buffer.from(bytes) });
const boolean = (value: boolean): CellValue => ({ type: 'BOOLEAN', value });

/** A stored scan row; a column given several values has them as versions, newest first. */
function scanRow(columns: Record<string, CellValue | CellValue[]>): StoredRow {
  const stored = new Map<string, CellVersion[]>();
  for (const [name, values] of Object.entries(columns)) {
    const newestFirst = Array.isArray(values) ? values : [values];
    stored.set(
      name,
      newestFirst.map((value, index) => ({ timestamp: 1_700_000_000_000 - index * 1000, value })),
    );
  }
  return { primaryKey: [{ name: 'waybillNo', value: { type: 'STRING', value: 'SF1001' } }], columns: stored };
}

function outcomes(stored: CellValue, constant: unknown): Record<Comparator, boolean> {
  const row = scanRow({ weight: stored });
  return Object.fromEntries(
    comparators.map((comparator) => [comparator, matches(conditionOf(single('weight', constant, comparator)), row)]),
  ) as Record<Comparator, boolean>;
}

const columnIsGreater = { EQUAL: false, NOT_EQUAL: true, GREATER_THAN: true, GREATER_EQUAL: true, LESS_THAN: false, LESS_EQUAL: false };
const columnIsEqual = { EQUAL: true, NOT_EQUAL: false, GREATER_THAN: false, GREATER_EQUAL: true, LESS_THAN: false, LESS_EQUAL: true };
const columnIsLess = { EQUAL: false, NOT_EQUAL: true, GREATER_THAN: false, GREATER_EQUAL: false, LESS_THAN: true, LESS_EQUAL: true };
const nothingMatches = { EQUAL: false, NOT_EQUAL: false, GREATER_THAN: false, GREATER_EQUAL: false, LESS_THAN: false, LESS_EQUAL: false };

describe('decodeColumnCondition', () => {
  it('reads an SDK SingleColumnCondition with its defaults passIfMissing=true and latestVersionOnly=true', () => {
    expect(conditionOf(new TableStore.SingleColumnCondition('status', 'DELIVERED', TableStore.ComparatorType.EQUAL))).toEqual({
      kind: 'single',
      column: 'status',
      comparator: 'EQUAL',
      value: { type: 'STRING', value: 'DELIVERED' },
      passIfMissing: true,
      latestVersionOnly: true,
    });
  });

  it('reads passIfMissing back from filter_if_missing, which the SDK sends negated', () => {
    const condition = conditionOf(single('scanCount', long(3), 'LESS_EQUAL', false, false));
    expect(condition).toEqual({
      kind: 'single',
      column: 'scanCount',
      comparator: 'LESS_EQUAL',
      value: { type: 'INTEGER', value: 3n },
      passIfMissing: false,
      latestVersionOnly: false,
    });
  });

  it.each([
    ['a JS number as DOUBLE', 2.5, { type: 'DOUBLE', value: 2.5 }],
    ['a Long as INTEGER', TableStore.Long.fromString('-9223372036854775808'), { type: 'INTEGER', value: -9223372036854775808n }],
    ['a boolean as BOOLEAN', false, { type: 'BOOLEAN', value: false }],
    ['a Buffer as BINARY', Buffer.from([0, 255]), { type: 'BINARY', value: Buffer.from([0, 255]) }],
    ['a non-ASCII string as UTF-8 STRING', '上海 hub', { type: 'STRING', value: '上海 hub' }],
  ])('reads %s', (_name, sdkValue, expected) => {
    const condition = conditionOf(single('c', sdkValue, 'EQUAL'));
    expect(condition.kind === 'single' && condition.value).toEqual(expected);
  });

  it('reads each comparator', () => {
    for (const comparator of comparators) {
      expect(conditionOf(single('c', 'x', comparator))).toMatchObject({ comparator });
    }
  });

  it('reads nested NOT/AND/OR trees in order', () => {
    const condition = conditionOf(
      composite('OR', single('a', 'x', 'EQUAL'), composite('NOT', composite('AND', single('b', true, 'EQUAL'), single('c', 1.5, 'GREATER_THAN')))),
    );
    expect(condition).toMatchObject({
      kind: 'composite',
      operator: 'OR',
      conditions: [
        { kind: 'single', column: 'a' },
        {
          kind: 'composite',
          operator: 'NOT',
          conditions: [{ kind: 'composite', operator: 'AND', conditions: [{ column: 'b' }, { column: 'c' }] }],
        },
      ],
    });
  });

  it('reads the same bytes from PutRow, UpdateRow, DeleteRow and BatchWriteRow conditions', () => {
    const condition = new TableStore.Condition(TableStore.RowExistenceExpectation.EXPECT_EXIST, single('status', 'SORTED', 'NOT_EQUAL'));
    const put = putRowConditionBytes(single('status', 'SORTED', 'NOT_EQUAL'));
    const update = mainProto('UpdateRowRequest').decode(
      requestBody('updateRow', { tableName: 't', primaryKey, updateOfAttributeColumns: [{ PUT: [{ status: 'X' }] }], condition }),
    ) as { condition: { columnCondition: Uint8Array } };
    const del = mainProto('DeleteRowRequest').decode(requestBody('deleteRow', { tableName: 't', primaryKey, condition })) as {
      condition: { columnCondition: Uint8Array };
    };
    const batch = mainProto('BatchWriteRowRequest').decode(
      requestBody('batchWriteRow', {
        tables: [{ tableName: 't', rows: [{ type: 'UPDATE', condition, primaryKey, attributeColumns: [{ PUT: [{ status: 'X' }] }] }] }],
      }),
    ) as { tables: [{ rows: [{ condition: { columnCondition: Uint8Array } }] }] };
    for (const bytes of [update.condition.columnCondition, del.condition.columnCondition, batch.tables[0].rows[0].condition.columnCondition]) {
      expect(Buffer.from(bytes).equals(Buffer.from(put))).toBe(true);
      expect(decodeColumnCondition(bytes)).toEqual(decodeColumnCondition(put));
    }
  });

  it('rejects a ColumnPaginationFilter, which has no truth value', () => {
    expect(() => conditionOf(new TableStore.ColumnPaginationFilter(2, 0))).toThrow(FilterError);
  });

  it('rejects AND or OR with fewer than two sub-conditions, with the service message', () => {
    for (const operator of ['AND', 'OR'] as const) {
      for (const subs of [[], [single('a', 'x', 'EQUAL')]]) {
        expect(() => conditionOf(composite(operator, ...subs))).toThrow(
          'Invalid AND/OR operator: the number of sub-filters must be more than 1.',
        );
      }
    }
  });

  it('rejects NOT with other than one sub-condition, with the service message', () => {
    expect(() => conditionOf(composite('NOT'))).toThrow('Invalid NOT operator: the number of sub-filters must be 1.');
    expect(() => conditionOf(composite('NOT', single('a', 'x', 'EQUAL'), single('b', 'y', 'EQUAL')))).toThrow(
      'Invalid NOT operator: the number of sub-filters must be 1.',
    );
  });

  it('accepts 32 filters counting composites and rejects 33', () => {
    const singles = (count: number): SdkCondition[] => Array.from({ length: count }, (_, i) => single(`c${i}`, 'x', 'EQUAL'));
    expect(() => conditionOf(composite('OR', ...singles(31)))).not.toThrow();
    expect(() => conditionOf(composite('OR', ...singles(32)))).toThrow('The count of filter exceeds the max: 32.');
  });

  it('reports the count limit before the arity of an oversized NOT', () => {
    const subs = Array.from({ length: 40 }, (_, i) => single(`c${i}`, 'x', 'EQUAL'));
    expect(() => conditionOf(composite('NOT', ...subs))).toThrow('The count of filter exceeds the max: 32.');
  });

  it('rejects a string constant longer than 2 MB, with the service message', () => {
    expect(() => conditionOf(single('note', 'a'.repeat(2 * 1024 * 1024 + 1), 'EQUAL'))).toThrow(
      "The length of attribute column: 'note' exceeds the MaxLength:2097152 with CurrentLength:2097153.",
    );
    expect(() => conditionOf(single('note', 'a'.repeat(2 * 1024 * 1024), 'EQUAL'))).not.toThrow();
  });

  it('rejects bytes that are not a Filter message as OTSParameterInvalid', () => {
    const error = (() => {
      try {
        decodeColumnCondition(Uint8Array.from([0xff, 0xff, 0xff]));
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(FilterError);
    expect(error).toMatchObject({ code: 'OTSParameterInvalid', status: 400 });
  });

  it('rejects comparators and value types the SDK never sends', () => {
    const filterBytes = (comparator: number, columnValue: Uint8Array): Uint8Array =>
      filterProto('Filter')
        .encode({
          type: 1,
          filter: filterProto('SingleColumnValueFilter')
            .encode({ comparator, columnName: 'c', columnValue, filterIfMissing: false, latestVersionOnly: true })
            .finish(),
        })
        .finish();
    // CT_EXIST (7) exists only in newer filter.proto versions; 0x06 is VT_NULL.
    expect(() => decodeColumnCondition(filterBytes(7, Uint8Array.from([0x02, 0x01])))).toThrow('Invalid comparator type: 7.');
    expect(() => decodeColumnCondition(filterBytes(1, Uint8Array.from([0x06])))).toThrow(FilterError);
    expect(() => decodeColumnCondition(filterBytes(1, Uint8Array.from([0x03, 0x05, 0, 0, 0, 0x61])))).toThrow(FilterError);
    expect(() => decodeColumnCondition(filterBytes(1, Uint8Array.from([0x02, 0x01, 0x00])))).toThrow(FilterError);
  });
});

describe('decodeFilter', () => {
  it('reads a GetRow column condition filter', () => {
    expect(decodeFilter(getRowFilterBytes(single('status', 'DELIVERED', 'EQUAL')))).toMatchObject({
      kind: 'single',
      column: 'status',
    });
  });

  it('reads a ColumnPaginationFilter, whose SDK constructor takes (limit, offset)', () => {
    expect(decodeFilter(getRowFilterBytes(new TableStore.ColumnPaginationFilter(2, 1)))).toEqual({
      kind: 'columnPagination',
      offset: 1,
      limit: 2,
    });
  });

  it('reads the filter of a GetRange request', () => {
    const body = requestBody('getRange', {
      tableName: 'scan_events',
      inclusiveStartPrimaryKey: [{ waybillNo: TableStore.INF_MIN }],
      exclusiveEndPrimaryKey: [{ waybillNo: TableStore.INF_MAX }],
      direction: TableStore.Direction.FORWARD,
      columnFilter: new TableStore.ColumnPaginationFilter(5, 0),
    });
    const { filter } = mainProto('GetRangeRequest').decode(body) as { filter: Uint8Array };
    expect(decodeFilter(filter)).toEqual({ kind: 'columnPagination', offset: 0, limit: 5 });
  });

  it('rejects a ColumnPaginationFilter nested in a composite', () => {
    const nested = composite('AND', single('a', 'x', 'EQUAL'), new TableStore.ColumnPaginationFilter(1, 0));
    expect(() => decodeFilter(getRowFilterBytes(nested))).toThrow(FilterError);
  });
});

describe('matches: single column conditions', () => {
  it.each([
    ['INTEGER', integer(10n), long(9), columnIsGreater],
    ['INTEGER', integer(10n), long(10), columnIsEqual],
    ['INTEGER', integer(10n), long(11), columnIsLess],
    ['INTEGER, signed', integer(-5n), long(3), columnIsLess],
    ['INTEGER, beyond double precision', integer(9007199254740993n), TableStore.Long.fromString('9007199254740992'), columnIsGreater],
    ['DOUBLE', double(1.5), 1.25, columnIsGreater],
    ['DOUBLE', double(1.5), 1.5, columnIsEqual],
    ['DOUBLE', double(-1.5), 1.75, columnIsLess],
    ['STRING', string('ABC'), 'ABB', columnIsGreater],
    ['STRING', string('ABC'), 'ABC', columnIsEqual],
    ['STRING', string('ABC'), 'ABCD', columnIsLess],
    // U+1F600 sorts after U+FFFD in UTF-8 bytes (F0… > EF…) though before it in UTF-16 code units.
    ['STRING, by UTF-8 bytes', string('\u{1F600}'), '\uFFFD', columnIsGreater],
    ['BINARY', binary(1, 2, 3), Buffer.from([1, 2, 2]), columnIsGreater],
    ['BINARY', binary(1, 2, 3), Buffer.from([1, 2, 3]), columnIsEqual],
    ['BINARY, unsigned bytes', binary(1, 2, 3), Buffer.from([1, 2, 0xff]), columnIsLess],
    ['BINARY, prefix first', binary(1, 2), Buffer.from([1, 2, 0]), columnIsLess],
    ['BOOLEAN', boolean(true), false, columnIsGreater],
    ['BOOLEAN', boolean(true), true, columnIsEqual],
    ['BOOLEAN', boolean(false), true, columnIsLess],
  ])('compares %s columns naturally (%#)', (_type, stored, constant, expected) => {
    expect(outcomes(stored, constant)).toEqual(expected);
  });

  it.each([
    ['INTEGER column, DOUBLE constant', integer(0n), 0],
    ['INTEGER column, STRING constant', integer(0n), '0'],
    ['INTEGER column, BOOLEAN constant', integer(0n), false],
    ['DOUBLE column, INTEGER constant', double(1), long(1)],
    ['STRING column, BINARY constant', string('a'), Buffer.from('a')],
    ['BINARY column, STRING constant', binary(0x61), 'a'],
    ['BOOLEAN column, INTEGER constant', boolean(true), long(1)],
  ])('never matches across types, not even NOT_EQUAL (%s)', (_name, stored, constant) => {
    expect(outcomes(stored, constant)).toEqual(nothingMatches);
  });

  it('gives passIfMissing when the row lacks the column, whatever the comparator', () => {
    const row = scanRow({ status: string('SORTED') });
    for (const comparator of comparators) {
      expect(matches(conditionOf(single('facilityCode', 'HZ01', comparator, true)), row)).toBe(true);
      expect(matches(conditionOf(single('facilityCode', 'HZ01', comparator, false)), row)).toBe(false);
    }
    expect(matches(conditionOf(single('facilityCode', 'HZ01', 'EQUAL')), row)).toBe(true);
  });

  it('compares only the newest version when latestVersionOnly is true', () => {
    const row = scanRow({ scanCount: [integer(3n), integer(2n), integer(1n)] });
    expect(matches(conditionOf(single('scanCount', long(1), 'EQUAL', false, true)), row)).toBe(false);
    expect(matches(conditionOf(single('scanCount', long(3), 'EQUAL', false, true)), row)).toBe(true);
    expect(matches(conditionOf(single('scanCount', long(2), 'LESS_THAN', false, true)), row)).toBe(false);
  });

  it('is satisfied by any version when latestVersionOnly is false', () => {
    const row = scanRow({ scanCount: [integer(3n), integer(2n), integer(1n)] });
    expect(matches(conditionOf(single('scanCount', long(1), 'EQUAL', false, false)), row)).toBe(true);
    expect(matches(conditionOf(single('scanCount', long(2), 'LESS_THAN', false, false)), row)).toBe(true);
    expect(matches(conditionOf(single('scanCount', long(3), 'NOT_EQUAL', false, false)), row)).toBe(true);
    expect(matches(conditionOf(single('scanCount', long(4), 'GREATER_EQUAL', false, false)), row)).toBe(false);
  });

  it('skips versions of another type when looking through all versions', () => {
    const row = scanRow({ weight: [string('heavy'), integer(5n)] });
    expect(matches(conditionOf(single('weight', long(5), 'EQUAL', false, false)), row)).toBe(true);
    expect(matches(conditionOf(single('weight', long(5), 'EQUAL', false, true)), row)).toBe(false);
  });

  it('compares primary-key columns too', () => {
    const row = scanRow({ status: string('SORTED') });
    expect(matches(conditionOf(single('waybillNo', 'SF1001', 'EQUAL', false)), row)).toBe(true);
    expect(matches(conditionOf(single('waybillNo', 'SF1000', 'LESS_THAN', false)), row)).toBe(false);
  });

  it('treats a missing row as a row without columns', () => {
    expect(matches(conditionOf(single('status', 'SORTED', 'EQUAL', true)), undefined)).toBe(true);
    expect(matches(conditionOf(single('status', 'SORTED', 'NOT_EQUAL', false)), undefined)).toBe(false);
    expect(matches(conditionOf(single('waybillNo', 'SF1001', 'EQUAL', false)), undefined)).toBe(false);
  });
});

describe('matches: composite conditions', () => {
  // The row of the Python SDK's filter_and_condition_update_unitttest.py: index = 0, addr = 'china'.
  const row = scanRow({ index: integer(0n), addr: string('china') });
  const indexIs0 = (): SdkCondition => single('index', long(0), 'EQUAL');
  const indexIsNot0 = (): SdkCondition => single('index', long(0), 'NOT_EQUAL');
  const addrIsChina = (): SdkCondition => single('addr', 'china', 'EQUAL');
  const addrIsNotChina = (): SdkCondition => single('addr', 'china', 'NOT_EQUAL');

  it('AND holds only when every sub-condition holds', () => {
    expect(matches(conditionOf(composite('AND', indexIs0(), addrIsChina())), row)).toBe(true);
    expect(matches(conditionOf(composite('AND', indexIs0(), addrIsNotChina())), row)).toBe(false);
    expect(matches(conditionOf(composite('AND', indexIs0(), addrIsChina(), indexIsNot0())), row)).toBe(false);
  });

  it('OR holds when any sub-condition holds', () => {
    expect(matches(conditionOf(composite('OR', indexIs0(), addrIsNotChina())), row)).toBe(true);
    expect(matches(conditionOf(composite('OR', indexIsNot0(), addrIsNotChina())), row)).toBe(false);
    expect(matches(conditionOf(composite('OR', indexIsNot0(), addrIsNotChina(), addrIsChina())), row)).toBe(true);
  });

  it('NOT inverts its sub-condition', () => {
    expect(matches(conditionOf(composite('NOT', composite('AND', indexIs0(), addrIsChina()))), row)).toBe(false);
    expect(matches(conditionOf(composite('NOT', composite('AND', indexIsNot0(), addrIsChina()))), row)).toBe(true);
    expect(matches(conditionOf(composite('NOT', indexIsNot0())), row)).toBe(true);
  });

  it('evaluates nesting several levels deep', () => {
    // index = 1 OR (addr = 'china' AND NOT (index != 0 OR addr != 'china'))
    const condition = composite(
      'OR',
      single('index', long(1), 'EQUAL'),
      composite('AND', addrIsChina(), composite('NOT', composite('OR', indexIsNot0(), addrIsNotChina()))),
    );
    expect(matches(conditionOf(condition), row)).toBe(true);
    expect(matches(conditionOf(condition), scanRow({ index: integer(2n), addr: string('china') }))).toBe(false);
  });

  it('inverts passIfMissing under NOT, on a missing column or a missing row', () => {
    const notMissingPasses = conditionOf(composite('NOT', single('facilityCode', 'HZ01', 'EQUAL', true)));
    expect(matches(notMissingPasses, row)).toBe(false);
    expect(matches(notMissingPasses, undefined)).toBe(false);
    const notMissingFails = conditionOf(composite('NOT', single('facilityCode', 'HZ01', 'EQUAL', false)));
    expect(matches(notMissingFails, undefined)).toBe(true);
  });

  it('combines passIfMissing results on a missing row under AND and OR', () => {
    const passes = (): SdkCondition => single('status', 'SORTED', 'EQUAL', true);
    const fails = (): SdkCondition => single('status', 'SORTED', 'EQUAL', false);
    expect(matches(conditionOf(composite('AND', passes(), passes())), undefined)).toBe(true);
    expect(matches(conditionOf(composite('AND', passes(), fails())), undefined)).toBe(false);
    expect(matches(conditionOf(composite('OR', fails(), passes())), undefined)).toBe(true);
    expect(matches(conditionOf(composite('OR', fails(), fails())), undefined)).toBe(false);
  });
});

describe('applyColumnPagination', () => {
  const row = scanRow({ status: string('SORTED'), addr: string('china'), scanCount: [integer(2n), integer(1n)], facilityCode: string('HZ01') });

  function page(limit: number, offset: number): [string, CellVersion[]][] {
    const pagination = decodeFilter(getRowFilterBytes(new TableStore.ColumnPaginationFilter(limit, offset)));
    if (pagination.kind !== 'columnPagination') throw new Error('expected a ColumnPaginationFilter');
    return [...applyColumnPagination(pagination, row.columns)];
  }

  it('keeps limit columns from offset, in column-name order, with all their versions', () => {
    expect(page(2, 1)).toEqual([
      ['facilityCode', row.columns.get('facilityCode')],
      ['scanCount', row.columns.get('scanCount')],
    ]);
    expect(page(2, 1)[1]?.[1]).toHaveLength(2);
  });

  it('returns the first columns with offset 0, and nothing past the last column', () => {
    expect(page(1, 0).map(([name]) => name)).toEqual(['addr']);
    expect(page(10, 2).map(([name]) => name)).toEqual(['scanCount', 'status']);
    expect(page(3, 4)).toEqual([]);
  });
});
