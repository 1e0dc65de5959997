import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BatchWriteRowsFailedError,
  ConditionCheckFailedError,
  createTablestoreClient,
  double,
  Double,
  INF_MAX,
  INF_MIN,
  ObjectNotExistError,
  ServerBusyError,
  ServiceUnavailableError,
  systemRuntime,
  TablestoreError,
  TablestoreTimeoutError,
  type GetRangeRequest,
  type RetryRuntime,
  type TablestoreClient,
} from '../../../layers/core/src/store/index.ts';

/**
 * The client wrapper against the project's local Tablestore server, through the real `tablestore` SDK: no mock.
 * Runs once `infra/local/tablestore/server.ts` exists.
 */
const serverModule = new URL('../../../infra/local/tablestore/server.ts', import.meta.url);

/** The server's fault switch (`infra/local/tablestore/faults.ts`). */
interface TablestoreFaults {
  /** Fraction of requests answered with `errorCode`. */
  errorRate?: number;
  errorCode?: 'OTSServerBusy' | 'OTSTimeout' | 'OTSRowOperationConflict';
  /** Fraction of BatchWriteRow rows answered with `errorCode` inside the HTTP 200. */
  rowErrorRate?: number;
  latencyMs?: number;
  operations?: string[];
}

interface LocalTablestoreServer {
  url: string;
  close(): Promise<void>;
}

type StartTablestoreServer = (options: { port: number; faults?: TablestoreFaults }) => Promise<LocalTablestoreServer>;

interface LocalStore {
  store: TablestoreClient;
  /** How many backoff sleeps the client took: each one means a retry. */
  sleeps: number[];
  close(): Promise<void>;
}

const scanEventTable = 'scan_event';

/**
 * What a call that kept failing retryably until its deadline throws: normally the server's last answer (`code`);
 * when the machine is so loaded that the last attempt stalls past the deadline, the cut attempt's
 * TablestoreTimeoutError, whose outcome is unknown. Either way retryable, after more than one attempt.
 */
function expectRetriedUntilDeadline(error: unknown, code: string, outcomeUnknown: boolean): void {
  expect(error).toBeInstanceOf(TablestoreError);
  const { attempts } = error as TablestoreError;
  expect(attempts).toBeGreaterThan(1);
  if (error instanceof TablestoreTimeoutError) {
    expect(error).toMatchObject({ code: 'TimeoutError', retryable: true, outcomeUnknown: true });
  } else {
    expect(error).toMatchObject({ code, httpStatus: 503, retryable: true, outcomeUnknown });
  }
}

describe.skipIf(!existsSync(serverModule))('Tablestore client against the local Tablestore server', () => {
  let startTablestoreServer: StartTablestoreServer;
  const servers: LocalStore[] = [];

  /** A fresh server (faults optional) with the scan_event table, and a client on it with fast backoff. */
  async function startStore(faults?: TablestoreFaults): Promise<LocalStore> {
    const server = await startTablestoreServer(faults ? { port: 0, faults } : { port: 0 });
    const sleeps: number[] = [];
    const runtime: RetryRuntime = {
      ...systemRuntime,
      sleep: (ms) => {
        sleeps.push(ms);
        return systemRuntime.sleep(ms);
      },
    };
    const store = createTablestoreClient({
      endpoint: server.url,
      instanceName: 'parcelscan',
      accessKeyId: 'local',
      accessKeySecret: 'local-secret',
      retry: { baseDelayMs: 10, maxDelayMs: 100, maxAttempts: 50 },
      runtime,
    });
    await store.createTable({
      table: scanEventTable,
      primaryKey: [
        { name: 'waybillNo', type: 'STRING' },
        { name: 'scanTimeMs', type: 'INTEGER' },
      ],
    });
    const local: LocalStore = { store, sleeps, close: () => server.close() };
    servers.push(local);
    return local;
  }

  beforeAll(async () => {
    const loaded = (await import(serverModule.href)) as { startTablestoreServer: StartTablestoreServer };
    startTablestoreServer = loaded.startTablestoreServer;
  });

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });

  describe('without faults', () => {
    let store: TablestoreClient;

    beforeAll(async () => {
      ({ store } = await startStore());
    });

    it('writes a row and reads it back with INTEGER, DOUBLE, BOOLEAN, BINARY and int64 values intact', async () => {
      await store.putRow({
        table: scanEventTable,
        primaryKey: { waybillNo: 'SF0001', scanTimeMs: 1718000000000 },
        attributes: {
          facilityCode: 'SZX01',
          pieces: 3,
          weightKg: double(1.25),
          signed: true,
          photo: Buffer.from([1, 2, 3]),
          trace: 2n ** 60n + 1n,
        },
      });

      const row = await store.getRow({ table: scanEventTable, primaryKey: { waybillNo: 'SF0001', scanTimeMs: 1718000000000 } });

      expect(row?.primaryKey).toEqual({ waybillNo: 'SF0001', scanTimeMs: 1718000000000 });
      expect(row?.attributes).toEqual({
        facilityCode: 'SZX01',
        pieces: 3,
        weightKg: new Double(1.25),
        signed: true,
        photo: Buffer.from([1, 2, 3]),
        trace: 2n ** 60n + 1n,
      });
    });

    it('reads a missing row as undefined', async () => {
      await expect(
        store.getRow({ table: scanEventTable, primaryKey: { waybillNo: 'SF-none', scanTimeMs: 1 } }),
      ).resolves.toBeUndefined();
    });

    it('types a resent first-writer-wins PutRow as ConditionCheckFailedError', async () => {
      const scanEvent = {
        table: scanEventTable,
        primaryKey: { waybillNo: 'SF0002', scanTimeMs: 1718000000001 },
        attributes: { facilityCode: 'SZX01' },
        rowExistence: 'EXPECT_NOT_EXIST' as const,
      };
      await store.putRow(scanEvent);

      const resent = await store.putRow(scanEvent).catch((error: unknown) => error);

      expect(resent).toBeInstanceOf(ConditionCheckFailedError);
      expect(resent).toMatchObject({ code: 'OTSConditionCheckFail', httpStatus: 403, retryable: false, attempts: 1 });
      expect((resent as ConditionCheckFailedError).requestId).toEqual(expect.any(String));
    });

    it('types a missing table as ObjectNotExistError, for writes and reads', async () => {
      const put = await store
        .putRow({ table: 'no_such_table', primaryKey: { waybillNo: 'SF1', scanTimeMs: 1 } })
        .catch((error: unknown) => error);
      const get = await store
        .getRow({ table: 'no_such_table', primaryKey: { waybillNo: 'SF1', scanTimeMs: 1 } })
        .catch((error: unknown) => error);

      expect(put).toBeInstanceOf(ObjectNotExistError);
      expect(put).toMatchObject({ code: 'OTSObjectNotExist', httpStatus: 404, retryable: false });
      expect(get).toBeInstanceOf(ObjectNotExistError);
    });

    it('returns per-row BatchWriteRow outcomes, a conditional failure among them, and writes the rest', async () => {
      await store.putRow({
        table: scanEventTable,
        primaryKey: { waybillNo: 'SF0003', scanTimeMs: 2 },
        attributes: { facilityCode: 'SZX01' },
      });
      const scanEvents = [1, 2, 3].map((scanTimeMs) => ({
        type: 'PUT' as const,
        table: scanEventTable,
        primaryKey: { waybillNo: 'SF0003', scanTimeMs },
        attributes: { facilityCode: 'PEK02' },
        rowExistence: 'EXPECT_NOT_EXIST' as const,
      }));

      const { outcomes } = await store.batchWriteRow({ rows: scanEvents });

      expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, false, true]);
      const duplicate = outcomes[1];
      expect(duplicate?.ok === false && duplicate.error).toBeInstanceOf(ConditionCheckFailedError);
      expect(duplicate).toMatchObject({ index: 1, table: scanEventTable, primaryKey: { waybillNo: 'SF0003', scanTimeMs: 2 } });

      const { outcomes: reads } = await store.batchGetRow({
        tables: [{ table: scanEventTable, primaryKeys: [1, 2, 3].map((scanTimeMs) => ({ waybillNo: 'SF0003', scanTimeMs })) }],
      });
      expect(reads.map((read) => read.ok && read.row?.attributes['facilityCode'])).toEqual(['PEK02', 'SZX01', 'PEK02']);
    });

    it('reads a range page by page through nextStartPrimaryKey', async () => {
      const { outcomes } = await store.batchWriteRow({
        rows: [10, 20, 30, 40, 50].map((scanTimeMs) => ({
          type: 'PUT' as const,
          table: scanEventTable,
          primaryKey: { waybillNo: 'SF0004', scanTimeMs },
          attributes: { step: scanTimeMs / 10 },
        })),
      });
      expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
      const range: GetRangeRequest = {
        table: scanEventTable,
        start: { waybillNo: 'SF0004', scanTimeMs: INF_MIN },
        end: { waybillNo: 'SF0004', scanTimeMs: INF_MAX },
        limit: 2,
      };

      const firstPage = await store.getRange(range);
      const all = [];
      for await (const row of store.iterateRange(range)) all.push(row.attributes['step']);

      expect(firstPage.rows).toHaveLength(2);
      expect(firstPage.nextStartPrimaryKey).toEqual({ waybillNo: 'SF0004', scanTimeMs: 30 });
      expect(all).toEqual([1, 2, 3, 4, 5]);
    });

    it('increments a counter and returns the value after the change', async () => {
      const primaryKey = { waybillNo: 'SF0005', scanTimeMs: 0 };
      await store.updateRow({ table: scanEventTable, primaryKey, increment: { scans: 1 } });

      const { row } = await store.updateRow({ table: scanEventTable, primaryKey, increment: { scans: 2 }, returnColumns: ['scans'] });

      expect(row?.attributes['scans']).toBe(3);
    });

    it('describes, lists and deletes tables', async () => {
      await store.createTable({ table: 'scratch', primaryKey: [{ name: 'id', type: 'STRING' }] });

      const description = await store.describeTable({ table: scanEventTable });
      const tables = await store.listTable();
      await store.deleteTable({ table: 'scratch' });

      expect(description).toMatchObject({
        table: scanEventTable,
        primaryKey: [
          { name: 'waybillNo', type: 'STRING', autoIncrement: false },
          { name: 'scanTimeMs', type: 'INTEGER', autoIncrement: false },
        ],
        maxVersions: 1,
        timeToLiveSeconds: -1,
      });
      expect(tables).toEqual(expect.arrayContaining([scanEventTable, 'scratch']));
      expect(await store.listTable()).not.toContain('scratch');
    });
  });

  describe('with OTSServerBusy injected', () => {
    it('retries PutRow until it lands within the deadline', async () => {
      const { store, sleeps } = await startStore({ errorRate: 0.5, errorCode: 'OTSServerBusy', operations: ['PutRow'] });
      const deadline = Date.now() + 10_000;

      for (let scanTimeMs = 1; scanTimeMs <= 20; scanTimeMs += 1) {
        await store.putRow({ table: scanEventTable, primaryKey: { waybillNo: 'SF1000', scanTimeMs }, attributes: { n: scanTimeMs }, deadline });
      }

      // Each of 20 puts fails first with probability 1/2: no retry at all has probability 2^-20.
      expect(sleeps.length).toBeGreaterThan(0);
      const { outcomes } = await store.batchGetRow({
        tables: [{ table: scanEventTable, primaryKeys: [1, 20].map((scanTimeMs) => ({ waybillNo: 'SF1000', scanTimeMs })) }],
      });
      expect(outcomes.map((outcome) => outcome.ok && outcome.row?.attributes['n'])).toEqual([1, 20]);
    });

    it('throws a retryable ServerBusyError once the deadline leaves no time for another attempt', async () => {
      const { store } = await startStore({ errorRate: 1, errorCode: 'OTSServerBusy', operations: ['PutRow'] });
      const started = Date.now();
      const deadline = started + 300;

      const error = await store
        .putRow({ table: scanEventTable, primaryKey: { waybillNo: 'SF1001', scanTimeMs: 1 }, deadline })
        .catch((thrown: unknown) => thrown);

      expectRetriedUntilDeadline(error, 'OTSServerBusy', false);
      if (!(error instanceof TablestoreTimeoutError)) expect(error).toBeInstanceOf(ServerBusyError);
    });

    it('retries a whole BatchWriteRow the server shed, and writes every row', async () => {
      const { store } = await startStore({ errorRate: 0.5, errorCode: 'OTSServerBusy', operations: ['BatchWriteRow'] });

      const { outcomes } = await store.batchWriteRow({
        rows: [1, 2, 3].map((scanTimeMs) => ({
          type: 'PUT' as const,
          table: scanEventTable,
          primaryKey: { waybillNo: 'SF1002', scanTimeMs },
          attributes: { n: scanTimeMs },
        })),
        deadline: Date.now() + 10_000,
      });

      expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, true, true]);
    });
  });

  describe('with BatchWriteRow rows failing inside the HTTP 200', () => {
    it('re-sends only the rows that failed retryably, and leaves a duplicate as an outcome', async () => {
      const { store, sleeps } = await startStore({
        rowErrorRate: 0.5,
        errorCode: 'OTSRowOperationConflict',
        operations: ['BatchWriteRow'],
      });
      await store.putRow({ table: scanEventTable, primaryKey: { waybillNo: 'SF4000', scanTimeMs: 0 }, attributes: { n: -1 } });
      // First writer wins everywhere: a row re-sent after it was written would come back as a duplicate.
      const rows = Array.from({ length: 40 }, (_, scanTimeMs) => ({
        type: 'PUT' as const,
        table: scanEventTable,
        primaryKey: { waybillNo: 'SF4000', scanTimeMs },
        attributes: { n: scanTimeMs },
        rowExistence: 'EXPECT_NOT_EXIST' as const,
      }));

      const { outcomes } = await store.batchWriteRow({ rows, deadline: Date.now() + 10_000 });

      expect(sleeps.length).toBeGreaterThan(0);
      const duplicates = outcomes.filter((outcome) => !outcome.ok);
      expect(duplicates.map((outcome) => outcome.index)).toEqual([0]);
      expect(duplicates[0]?.ok === false && duplicates[0].error).toBeInstanceOf(ConditionCheckFailedError);
      const stored = await store.getRange({
        table: scanEventTable,
        start: { waybillNo: 'SF4000', scanTimeMs: INF_MIN },
        end: { waybillNo: 'SF4000', scanTimeMs: INF_MAX },
      });
      expect(stored.rows.map((row) => row.attributes['n'])).toEqual([-1, ...rows.slice(1).map((row) => row.attributes.n)]);
    });

    it('throws BatchWriteRowsFailedError with every outcome when rows still fail at the deadline', async () => {
      const { store } = await startStore({ rowErrorRate: 1, errorCode: 'OTSRowOperationConflict', operations: ['BatchWriteRow'] });

      const error = await store
        .batchWriteRow({
          rows: [1, 2].map((scanTimeMs) => ({
            type: 'PUT' as const,
            table: scanEventTable,
            primaryKey: { waybillNo: 'SF4001', scanTimeMs },
          })),
          deadline: Date.now() + 300,
        })
        .catch((thrown: unknown) => thrown);

      expect(error).toBeInstanceOf(BatchWriteRowsFailedError);
      const failed = error as BatchWriteRowsFailedError;
      expect(failed).toMatchObject({ code: 'BatchWriteRowsFailed', retryable: true });
      expect(failed.outcomes).toHaveLength(2);
      expect(failed.failedRows.map((row) => [row.index, row.error.code])).toEqual([
        [0, 'OTSRowOperationConflict'],
        [1, 'OTSRowOperationConflict'],
      ]);
    });
  });

  describe('with OTSTimeout injected', () => {
    it('re-sends an idempotent PutRow but never an INCREMENT whose outcome is unknown', async () => {
      const { store } = await startStore({ errorRate: 1, errorCode: 'OTSTimeout', operations: ['PutRow', 'UpdateRow', 'BatchWriteRow'] });

      const put = await store
        .putRow({ table: scanEventTable, primaryKey: { waybillNo: 'SF2000', scanTimeMs: 1 }, deadline: Date.now() + 500 })
        .catch((error: unknown) => error);
      const increment = await store
        .updateRow({
          table: scanEventTable,
          primaryKey: { waybillNo: 'SF2000', scanTimeMs: 1 },
          increment: { scans: 1 },
          deadline: Date.now() + 5000,
        })
        .catch((error: unknown) => error);
      const batch = await store
        .batchWriteRow({
          rows: [{ type: 'UPDATE', table: scanEventTable, primaryKey: { waybillNo: 'SF2000', scanTimeMs: 2 }, increment: { scans: 1 } }],
          deadline: Date.now() + 5000,
        })
        .catch((error: unknown) => error);

      expectRetriedUntilDeadline(put, 'OTSTimeout', true);
      if (!(put instanceof TablestoreTimeoutError)) expect(put).toBeInstanceOf(ServiceUnavailableError);
      expect(increment).toBeInstanceOf(ServiceUnavailableError);
      expect(increment).toMatchObject({ code: 'OTSTimeout', retryable: true, outcomeUnknown: true, attempts: 1 });
      expect(batch).toBeInstanceOf(BatchWriteRowsFailedError);
      expect((batch as BatchWriteRowsFailedError).failedRows.map((row) => row.error.code)).toEqual(['OTSTimeout']);
    });
  });

  describe('with latency injected', () => {
    it('abandons an attempt still in flight at the deadline with a TablestoreTimeoutError', async () => {
      const { store } = await startStore({ errorRate: 0, errorCode: 'OTSServerBusy', latencyMs: 2000, operations: ['GetRow'] });
      const started = Date.now();

      const error = await store
        .getRow({ table: scanEventTable, primaryKey: { waybillNo: 'SF3000', scanTimeMs: 1 }, deadline: started + 200 })
        .catch((thrown: unknown) => thrown);

      expect(error).toBeInstanceOf(TablestoreTimeoutError);
      expect(error).toMatchObject({ code: 'TimeoutError', outcomeUnknown: true });
    });
  });
});
