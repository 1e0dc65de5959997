import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTablestoreServer, type TablestoreServer } from '../../../infra/local/tablestore/server.ts';
import {
  TableStore,
  attributesOf,
  expectExist,
  expectNotExist,
  failureOf,
  ignore,
  long,
  sdkClient,
  tableParams,
  type SdkClient,
} from '../../support/tablestore-sdk.ts';

// The local Tablestore server as the official SDK sees it. Every call goes through `tablestore` 5.6.5 on
// the wire; expected codes and messages follow https://help.aliyun.com/en/tablestore/developer-reference/error-codes

let server: TablestoreServer;
let client: SdkClient;
let clock = Date.now();

beforeAll(async () => {
  server = await startTablestoreServer({ port: 0, now: () => clock });
  client = sdkClient(server.url);
});
afterAll(() => server.close());

const waybillKey = (waybill: string, seq: number) => [{ waybill }, { seq: long(seq) }];
const scanTable = (name: string, tableOptions: object = {}) =>
  client.call(
    'createTable',
    tableParams(name, [{ name: 'waybill', type: 'STRING' }, { name: 'seq', type: 'INTEGER' }], tableOptions),
  );

describe('tables', () => {
  it('creates, lists, describes, updates and deletes a table', async () => {
    await client.call(
      'createTable',
      tableParams('parcels_t1', [{ name: 'pk', type: 'STRING' }, { name: 'n', type: 'INTEGER' }, { name: 'b', type: 'BINARY' }], {
        timeToLive: 86400 * 30,
        maxVersions: 3,
      }),
    );
    expect((await client.call('listTable', {})).tableNames).toContain('parcels_t1');

    const described = await client.call('describeTable', { tableName: 'parcels_t1' });
    expect(described.tableMeta.primaryKey.map((c: { name: string; type: number }) => [c.name, c.type])).toEqual([
      ['pk', 2],
      ['n', 1],
      ['b', 3],
    ]);
    expect(described.tableOptions.timeToLive).toBe(86400 * 30);
    expect(described.tableOptions.maxVersions).toBe(3);
    expect(described.tableStatus).toBe(1);

    await client.call('updateTable', {
      tableName: 'parcels_t1',
      tableOptions: { maxVersions: 5, timeToLive: -1 },
    });
    expect((await client.call('describeTable', { tableName: 'parcels_t1' })).tableOptions.maxVersions).toBe(5);

    await client.call('deleteTable', { tableName: 'parcels_t1' });
    expect((await client.call('listTable', {})).tableNames).not.toContain('parcels_t1');
  });

  it('answers 409 OTSObjectAlreadyExist for a table that exists', async () => {
    await scanTable('dup_table');
    const failure = await failureOf(scanTable('dup_table'));
    expect(failure.status).toBe(409);
    expect(failure.text).toContain('OTSObjectAlreadyExist');
    expect(failure.text).toContain('Requested table already exists.');
  });

  it('answers 404 OTSObjectNotExist for a table that does not exist', async () => {
    const failure = await failureOf(client.call('describeTable', { tableName: 'no_such_table' }));
    expect(failure.status).toBe(404);
    expect(failure.text).toContain('OTSObjectNotExist');
    expect(failure.text).toContain('Requested table does not exist.');
  });

  it('rejects a TTL below one day, five primary-key columns and an auto-increment first column', async () => {
    const ttl = await failureOf(scanTable('bad_ttl', { timeToLive: 60 }));
    expect([ttl.status, ttl.text.includes('OTSParameterInvalid')]).toEqual([400, true]);

    const five = [1, 2, 3, 4, 5].map((i) => ({ name: `k${i}`, type: 'STRING' }));
    const tooMany = await failureOf(client.call('createTable', tableParams('bad_keys', five)));
    expect([tooMany.status, tooMany.text.includes('OTSParameterInvalid')]).toEqual([400, true]);

    const autoFirst = await failureOf(
      client.call('createTable', tableParams('bad_auto', [{ name: 'id', type: 'INTEGER', option: 'AUTO_INCREMENT' }])),
    );
    expect(autoFirst.text).toContain("First primary key can't be auto increment");
  });

  it('keeps the tables of each instance apart', async () => {
    const other = sdkClient(server.url, { instance: 'other-instance' });
    await other.call('createTable', tableParams('only_there', [{ name: 'pk', type: 'STRING' }]));
    expect((await client.call('listTable', {})).tableNames).not.toContain('only_there');
    expect((await other.call('listTable', {})).tableNames).toEqual(['only_there']);
  });
});

describe('single rows', () => {
  beforeAll(() => scanTable('rows'));

  it('writes every value type and reads it back', async () => {
    await client.call('putRow', {
      tableName: 'rows',
      condition: ignore(),
      primaryKey: waybillKey('773061155005900', 1),
      attributeColumns: [
        { facility: '杭州转运中心' },
        { weight: 1.25 },
        { count: long('9007199254740993') },
        { delivered: true },
        { photo: Buffer.from([0, 1, 2, 255]) },
      ],
    });
    const { row } = await client.call('getRow', { tableName: 'rows', primaryKey: waybillKey('773061155005900', 1) });
    expect(row.primaryKey.map((c: { name: string }) => c.name)).toEqual(['waybill', 'seq']);
    const attributes = attributesOf(row);
    expect(attributes.facility).toBe('杭州转运中心');
    expect(attributes.weight).toBe(1.25);
    expect(String(row.attributes.find((a: { columnName: string }) => a.columnName === 'count').columnValue)).toBe('9007199254740993');
    expect(attributes.delivered).toBe(true);
    expect(attributes.photo).toEqual(Buffer.from([0, 1, 2, 255]));
  });

  it('answers a missing row with an empty row', async () => {
    const { row } = await client.call('getRow', { tableName: 'rows', primaryKey: waybillKey('000000000000000', 9) });
    expect(row).toEqual({});
  });

  it('returns only the columns asked for', async () => {
    await client.call('putRow', {
      tableName: 'rows',
      condition: ignore(),
      primaryKey: waybillKey('cols', 1),
      attributeColumns: [{ a: 'A' }, { b: 'B' }, { c: 'C' }],
    });
    const { row } = await client.call('getRow', { tableName: 'rows', primaryKey: waybillKey('cols', 1), columnsToGet: ['a', 'c'] });
    expect(attributesOf(row)).toEqual({ a: 'A', c: 'C' });
  });

  it('rejects a first write twice with EXPECT_NOT_EXIST: 403 OTSConditionCheckFail', async () => {
    const put = () =>
      client.call('putRow', { tableName: 'rows', condition: expectNotExist(), primaryKey: waybillKey('once', 1), attributeColumns: [{ v: 'first' }] });
    await put();
    const failure = await failureOf(put());
    expect(failure.status).toBe(403);
    expect(failure.text).toContain('OTSConditionCheckFail');
    expect(failure.text).toContain('Condition check failed.');
  });

  it('rejects EXPECT_EXIST on a missing row', async () => {
    const failure = await failureOf(
      client.call('updateRow', {
        tableName: 'rows',
        condition: expectExist(),
        primaryKey: waybillKey('never-written', 1),
        updateOfAttributeColumns: [{ PUT: [{ v: 'x' }] }],
      }),
    );
    expect(failure.text).toContain('OTSConditionCheckFail');
  });

  it('checks single and composite column conditions', async () => {
    await client.call('putRow', {
      tableName: 'rows',
      condition: ignore(),
      primaryKey: waybillKey('status', 1),
      attributeColumns: [{ status: 'ARRIVED' }, { occurredAt: long(100) }],
    });
    const newer = new TableStore.SingleColumnCondition('occurredAt', long(200), TableStore.ComparatorType.LESS_THAN, true, true);
    await client.call('updateRow', {
      tableName: 'rows',
      condition: expectExist(newer),
      primaryKey: waybillKey('status', 1),
      updateOfAttributeColumns: [{ PUT: [{ status: 'DEPARTED' }, { occurredAt: long(200) }] }],
    });

    const older = new TableStore.CompositeCondition(TableStore.LogicalOperator.AND);
    older.addSubCondition(new TableStore.SingleColumnCondition('occurredAt', long(150), TableStore.ComparatorType.LESS_THAN, true, true));
    older.addSubCondition(new TableStore.SingleColumnCondition('status', 'DEPARTED', TableStore.ComparatorType.EQUAL, true, true));
    const failure = await failureOf(
      client.call('updateRow', {
        tableName: 'rows',
        condition: expectExist(older),
        primaryKey: waybillKey('status', 1),
        updateOfAttributeColumns: [{ PUT: [{ status: 'ARRIVED' }, { occurredAt: long(150) }] }],
      }),
    );
    expect(failure.text).toContain('OTSConditionCheckFail');
    const { row } = await client.call('getRow', { tableName: 'rows', primaryKey: waybillKey('status', 1) });
    expect(attributesOf(row)).toEqual({ status: 'DEPARTED', occurredAt: 200 });
  });

  it('applies UpdateRow PUT, DELETE_ALL and INCREMENT, returning the incremented value', async () => {
    await client.call('putRow', {
      tableName: 'rows',
      condition: ignore(),
      primaryKey: waybillKey('update', 1),
      attributeColumns: [{ scans: long(1) }, { remark: 'fragile' }],
    });
    const data = await client.call('updateRow', {
      tableName: 'rows',
      condition: ignore(),
      primaryKey: waybillKey('update', 1),
      updateOfAttributeColumns: [{ INCREMENT: [{ scans: long(2) }] }, { DELETE_ALL: ['remark'] }, { PUT: [{ status: 'ARRIVED' }] }],
      returnContent: { returnType: TableStore.ReturnType.AfterModify, returnColumns: ['scans'] },
    });
    expect(attributesOf(data.row)).toEqual({ scans: 3 });
    const { row } = await client.call('getRow', { tableName: 'rows', primaryKey: waybillKey('update', 1) });
    expect(attributesOf(row)).toEqual({ scans: 3, status: 'ARRIVED' });
  });

  it('deletes a row', async () => {
    await client.call('putRow', { tableName: 'rows', condition: ignore(), primaryKey: waybillKey('gone', 1), attributeColumns: [{ v: 1 }] });
    await client.call('deleteRow', { tableName: 'rows', condition: ignore(), primaryKey: waybillKey('gone', 1) });
    const { row } = await client.call('getRow', { tableName: 'rows', primaryKey: waybillKey('gone', 1) });
    expect(row).toEqual({});
  });

  it('answers 400 OTSInvalidPK when the primary key does not match the schema', async () => {
    const failure = await failureOf(
      client.call('putRow', { tableName: 'rows', condition: ignore(), primaryKey: [{ waybill: 'x' }], attributeColumns: [{ v: 'x' }] }),
    );
    expect(failure.status).toBe(400);
    expect(failure.text).toContain('OTSInvalidPK');
  });

  it('answers 404 OTSObjectNotExist when writing to a missing table', async () => {
    const failure = await failureOf(
      client.call('putRow', { tableName: 'missing', condition: ignore(), primaryKey: waybillKey('x', 1), attributeColumns: [{ v: 'x' }] }),
    );
    expect([failure.status, failure.text.includes('OTSObjectNotExist')]).toEqual([404, true]);
  });

  it('answers 400 for an attribute column over 2 MB', async () => {
    const failure = await failureOf(
      client.call('putRow', {
        tableName: 'rows',
        condition: ignore(),
        primaryKey: waybillKey('huge', 1),
        attributeColumns: [{ blob: 'x'.repeat(2 * 1024 * 1024 + 1) }],
      }),
    );
    expect([failure.status, failure.text.includes('OTSParameterInvalid')]).toEqual([400, true]);
  });
});

describe('versions and TTL', () => {
  beforeAll(() => scanTable('versioned', { maxVersions: 3, timeToLive: 86400 }));

  it('keeps at most maxVersions versions and reads them by maxVersions and timeRange', async () => {
    const base = clock - 10_000;
    for (let i = 0; i < 4; i++) {
      await client.call('putRow', {
        tableName: 'versioned',
        condition: ignore(),
        primaryKey: waybillKey('v', 1),
        attributeColumns: [{ status: `s${i}`, timestamp: base + i }],
      });
    }
    // PutRow replaces the row; versions accumulate through UpdateRow.
    for (let i = 0; i < 4; i++) {
      await client.call('updateRow', {
        tableName: 'versioned',
        condition: ignore(),
        primaryKey: waybillKey('v', 2),
        updateOfAttributeColumns: [{ PUT: [{ status: `s${i}`, timestamp: base + i }] }],
      });
    }
    const all = await client.call('getRow', { tableName: 'versioned', primaryKey: waybillKey('v', 2), maxVersions: 10 });
    expect(all.row.attributes.map((a: { columnValue: string }) => a.columnValue)).toEqual(['s3', 's2', 's1']);
    const ranged = await client.call('getRow', {
      tableName: 'versioned',
      primaryKey: waybillKey('v', 2),
      timeRange: { startTime: base + 1, endTime: base + 3 },
      maxVersions: 10,
    });
    expect(ranged.row.attributes.map((a: { columnValue: string }) => a.columnValue)).toEqual(['s2', 's1']);
  });

  it('stops returning cells once they outlive the TTL', async () => {
    await client.call('putRow', { tableName: 'versioned', condition: ignore(), primaryKey: waybillKey('ttl', 1), attributeColumns: [{ v: 'x' }] });
    clock += 86_400_000 + 1;
    try {
      const { row } = await client.call('getRow', { tableName: 'versioned', primaryKey: waybillKey('ttl', 1) });
      expect(row).toEqual({});
    } finally {
      clock = Date.now();
    }
  });

  it('rejects a version outside the max time deviation', async () => {
    const failure = await failureOf(
      client.call('putRow', {
        tableName: 'versioned',
        condition: ignore(),
        primaryKey: waybillKey('old', 1),
        attributeColumns: [{ v: 'x', timestamp: clock - 3 * 86_400_000 }],
      }),
    );
    expect(failure.text).toContain('OTSParameterInvalid');
  });
});

describe('auto-increment', () => {
  it('assigns increasing values and returns them with ReturnType Primarykey', async () => {
    await client.call(
      'createTable',
      tableParams('auto', [{ name: 'partition', type: 'STRING' }, { name: 'id', type: 'INTEGER', option: 'AUTO_INCREMENT' }]),
    );
    const put = () =>
      client.call('putRow', {
        tableName: 'auto',
        condition: ignore(),
        primaryKey: [{ partition: 'p' }, { id: TableStore.PK_AUTO_INCR }],
        attributeColumns: [{ v: 'x' }],
        returnContent: { returnType: TableStore.ReturnType.Primarykey },
      });
    const first = (await put()).row.primaryKey[1].value.toNumber();
    const second = (await put()).row.primaryKey[1].value.toNumber();
    expect(second).toBeGreaterThan(first);
  });
});

describe('batches', () => {
  beforeAll(() => scanTable('batch'));

  const putRowOf = (waybill: string, seq: number, condition = ignore()) => ({
    type: 'PUT',
    condition,
    primaryKey: waybillKey(waybill, seq),
    attributeColumns: [{ status: 'ARRIVED' }],
    returnContent: { returnType: TableStore.ReturnType.Primarykey },
  });

  it('writes 200 rows in one BatchWriteRow and reads them with BatchGetRow', async () => {
    const rows = Array.from({ length: 200 }, (_, i) => putRowOf('batch', i));
    const written = await client.call('batchWriteRow', { tables: [{ tableName: 'batch', rows }] });
    expect(written.tables).toHaveLength(200);
    expect(written.tables.every((row: { isOk: boolean }) => row.isOk)).toBe(true);

    const read = await client.call('batchGetRow', {
      tables: [{ tableName: 'batch', primaryKey: [waybillKey('batch', 0), waybillKey('batch', 199), waybillKey('batch', 500)] }],
    });
    const results = read.tables[0];
    expect(results.map((row: { isOk: boolean }) => row.isOk)).toEqual([true, true, true]);
    expect(attributesOf(results[0])).toEqual({ status: 'ARRIVED' });
    expect(results[2].primaryKey).toBeNull();
  });

  it('answers 400 for 201 rows', async () => {
    const rows = Array.from({ length: 201 }, (_, i) => putRowOf('too-many', i));
    const failure = await failureOf(client.call('batchWriteRow', { tables: [{ tableName: 'batch', rows }] }));
    expect([failure.status, failure.text.includes('OTSParameterInvalid')]).toEqual([400, true]);
  });

  it('answers 400 for the same row twice in one request with a row-existence check', async () => {
    const failure = await failureOf(
      client.call('batchWriteRow', {
        tables: [{ tableName: 'batch', rows: [putRowOf('twice', 1, expectNotExist()), putRowOf('twice', 1)] }],
      }),
    );
    expect(failure.text).toContain('Repeated rows do not support row exist expectation check in BatchModify.');
  });

  it('applies the same row twice in request order when neither checks row existence', async () => {
    const update = (status: string) => ({
      type: 'UPDATE',
      condition: ignore(),
      primaryKey: waybillKey('repeat', 1),
      attributeColumns: [{ PUT: [{ status }] }],
    });
    await client.call('batchWriteRow', { tables: [{ tableName: 'batch', rows: [update('ARRIVED'), update('DEPARTED')] }] });
    const { row } = await client.call('getRow', { tableName: 'batch', primaryKey: waybillKey('repeat', 1) });
    expect(attributesOf(row)).toEqual({ status: 'DEPARTED' });
  });

  it('reports a failed row condition in its row, inside an HTTP 200, and writes the others', async () => {
    await client.call('putRow', { tableName: 'batch', condition: ignore(), primaryKey: waybillKey('exists', 1), attributeColumns: [{ v: 1 }] });
    const written = await client.call('batchWriteRow', {
      tables: [{ tableName: 'batch', rows: [putRowOf('exists', 1, expectNotExist()), putRowOf('fresh', 1, expectNotExist())] }],
    });
    expect(written.tables.map((row: { isOk: boolean; errorCode?: string }) => [row.isOk, row.errorCode ?? null])).toEqual([
      [false, 'OTSConditionCheckFail'],
      [true, null],
    ]);
  });

  it('fails the whole request for a missing table', async () => {
    const failure = await failureOf(client.call('batchWriteRow', { tables: [{ tableName: 'nope', rows: [putRowOf('x', 1)] }] }));
    expect([failure.status, failure.text.includes('OTSObjectNotExist')]).toEqual([404, true]);
  });
});

describe('ranges', () => {
  beforeAll(async () => {
    await scanTable('timeline');
    const rows = [];
    for (const waybill of ['A', 'B', 'C']) {
      for (let seq = 1; seq <= 10; seq++) {
        rows.push({ type: 'PUT', condition: ignore(), primaryKey: waybillKey(waybill, seq), attributeColumns: [{ label: `${waybill}${seq}` }] });
      }
    }
    await client.call('batchWriteRow', { tables: [{ tableName: 'timeline', rows }] });
  });

  const range = (start: object[], end: object[], extra: object = {}) =>
    client.call('getRange', {
      tableName: 'timeline',
      direction: TableStore.Direction.FORWARD,
      inclusiveStartPrimaryKey: start,
      exclusiveEndPrimaryKey: end,
      ...extra,
    });
  const seqs = (data: { rows: object[] }) => data.rows.map((row) => attributesOf(row).label);

  it("reads one waybill's timeline from INF_MIN to INF_MAX", async () => {
    const data = await range([{ waybill: 'B' }, { seq: TableStore.INF_MIN }], [{ waybill: 'B' }, { seq: TableStore.INF_MAX }]);
    expect(seqs(data)).toEqual(['B1', 'B2', 'B3', 'B4', 'B5', 'B6', 'B7', 'B8', 'B9', 'B10']);
    expect(data.nextStartPrimaryKey).toBeNull();
  });

  it('reads backward from an inclusive start to an exclusive end', async () => {
    const data = await client.call('getRange', {
      tableName: 'timeline',
      direction: TableStore.Direction.BACKWARD,
      inclusiveStartPrimaryKey: [{ waybill: 'B' }, { seq: long(5) }],
      exclusiveEndPrimaryKey: [{ waybill: 'B' }, { seq: long(2) }],
    });
    expect(seqs(data)).toEqual(['B5', 'B4', 'B3']);
  });

  it('pages with limit and nextStartPrimaryKey', async () => {
    const all: unknown[] = [];
    let start: object[] = [{ waybill: TableStore.INF_MIN }, { seq: TableStore.INF_MIN }];
    for (;;) {
      const data = await range(start, [{ waybill: TableStore.INF_MAX }, { seq: TableStore.INF_MAX }], { limit: 7 });
      all.push(...seqs(data));
      if (!data.nextStartPrimaryKey) break;
      start = data.nextStartPrimaryKey.map((column: { name: string; value: unknown }) => ({ [column.name]: column.value }));
    }
    expect(all).toHaveLength(30);
    expect(all.slice(0, 3)).toEqual(['A1', 'A2', 'A3']);
  });

  it('keeps rows matching a filter', async () => {
    const filter = new TableStore.SingleColumnCondition('label', 'C3', TableStore.ComparatorType.EQUAL, false, true);
    const data = await range([{ waybill: 'C' }, { seq: TableStore.INF_MIN }], [{ waybill: 'C' }, { seq: TableStore.INF_MAX }], {
      columnFilter: filter,
    });
    expect(seqs(data)).toEqual(['C3']);
  });

  it('answers 400 when the start is not before the end in FORWARD', async () => {
    const failure = await failureOf(range([{ waybill: 'C' }, { seq: long(5) }], [{ waybill: 'C' }, { seq: long(1) }]));
    expect(failure.text).toContain('Begin key must less than end key in FORWARD.');
  });
});

describe('authentication and transport', () => {
  it('answers 403 OTSAuthFailed for a wrong secret', async () => {
    const intruder = sdkClient(server.url, { secret: 'wrong' });
    const failure = await failureOf(intruder.call('listTable', {}));
    expect(failure.status).toBe(403);
    expect(failure.text).toContain('OTSAuthFailed');
    expect(failure.text).toContain('Signature mismatch.');
  });

  it('answers 403 OTSAuthFailed for an unknown access key', async () => {
    const failure = await failureOf(sdkClient(server.url, { accessKeyId: 'stranger' }).call('listTable', {}));
    expect([failure.status, failure.text.includes('OTSAuthFailed')]).toEqual([403, true]);
  });

  it('answers 405 OTSMethodNotAllowed for a GET', async () => {
    const response = await fetch(`${server.url}/ListTable`);
    expect(response.status).toBe(405);
    expect(response.headers.get('x-ots-requestid')).toBeTruthy();
  });
});

describe('fault injection', () => {
  beforeEach(() => {
    server.faults.configure({ errorRate: 0, rowErrorRate: 0, latencyMs: 0, operations: [] });
  });
  afterAll(() => {
    server.faults.configure({ errorRate: 0, rowErrorRate: 0, latencyMs: 0, operations: [] });
  });

  it('fails chosen operations with 503 OTSServerBusy', async () => {
    await scanTable('faulty');
    server.faults.configure({ errorRate: 1, errorCode: 'OTSServerBusy', operations: ['PutRow'] });
    const failure = await failureOf(
      client.call('putRow', { tableName: 'faulty', condition: ignore(), primaryKey: waybillKey('x', 1), attributeColumns: [{ v: 'x' }] }),
    );
    expect(failure.status).toBe(503);
    expect(failure.text).toContain('OTSServerBusy');
    await client.call('getRow', { tableName: 'faulty', primaryKey: waybillKey('x', 1) });
  });

  it('fails chosen BatchWriteRow rows inside an HTTP 200', async () => {
    server.faults.configure({ rowErrorRate: 1, errorCode: 'OTSTimeout' });
    const written = await client.call('batchWriteRow', {
      tables: [{ tableName: 'faulty', rows: [{ type: 'PUT', condition: ignore(), primaryKey: waybillKey('y', 1), attributeColumns: [{ v: 'y' }] }] }],
    });
    expect([written.tables[0].isOk, written.tables[0].errorCode]).toEqual([false, 'OTSTimeout']);
  });

  it('can be switched over HTTP at /__local/faults', async () => {
    const response = await fetch(`${server.url}/__local/faults`, { method: 'POST', body: JSON.stringify({ latencyMs: 5 }) });
    expect(((await response.json()) as { latencyMs: number }).latencyMs).toBe(5);
    expect(server.faults.current.latencyMs).toBe(5);
  });
});
