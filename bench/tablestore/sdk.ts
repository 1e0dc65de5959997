import { createRequire } from 'node:module';
import type { ScanEvent } from './scan-dataset.ts';

/**
 * The official `tablestore` SDK exactly as an application uses it, typed for the four calls the benchmark
 * makes (the package has no types). Request shapes follow the SDK's samples and lib/protocol/encoder.js.
 */

interface Int64 {
  toNumber(): number;
}
type PrimaryKeyValue = string | Int64 | object;
type PrimaryKey = Record<string, PrimaryKeyValue>[];
type Condition = object;

interface SdkRow {
  primaryKey?: { name: string; value: unknown }[];
  attributes?: { columnName: string; columnValue: unknown }[];
}

interface Sdk {
  Client: new (config: {
    accessKeyId: string;
    secretAccessKey: string;
    endpoint: string;
    instancename: string;
    maxRetries: number;
  }) => Record<string, (params: object, callback: (error: unknown, data: unknown) => void) => void>;
  Long: { fromNumber(value: number): Int64 };
  Condition: new (rowExistence: string, columnCondition: null) => Condition;
  RowExistenceExpectation: { IGNORE: string };
  Direction: { FORWARD: 'FORWARD' };
  INF_MIN: object;
  INF_MAX: object;
}

const TableStore = createRequire(import.meta.url)('tablestore') as Sdk;

export const TABLE_NAME = 'scans';
export const INSTANCE_NAME = 'parcelscan';

const ignore = new TableStore.Condition(TableStore.RowExistenceExpectation.IGNORE, null);

function primaryKeyOf(scan: ScanEvent): PrimaryKey {
  return [{ partition: scan.partition }, { waybillNo: scan.waybillNo }, { seq: TableStore.Long.fromNumber(scan.seq) }];
}

function attributesOf(scan: ScanEvent): Record<string, string | number>[] {
  return [{ scanType: scan.scanType }, { facilityCode: scan.facilityCode }, { courierId: scan.courierId }, { lat: scan.lat }, { lng: scan.lng }];
}

/** A failed or unexpected answer: the benchmark stops rather than time errors. */
export class UnexpectedAnswerError extends Error {
  override name = 'UnexpectedAnswerError';
}

/** The SDK's client with one promise per operation the benchmark times; each checks its answer. */
export class ScanTableClient {
  private readonly client: InstanceType<Sdk['Client']>;

  constructor(endpoint: string) {
    this.client = new TableStore.Client({
      accessKeyId: 'local',
      secretAccessKey: 'local-secret',
      endpoint,
      instancename: INSTANCE_NAME,
      maxRetries: 0,
    });
  }

  private call(operation: string, params: object): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const method = this.client[operation];
      if (method === undefined) throw new Error(`the SDK has no ${operation}`);
      method.call(this.client, params, (error, data) => (error ? reject(asError(operation, error)) : resolve(data)));
    });
  }

  async createScanTable(): Promise<void> {
    await this.call('createTable', {
      tableMeta: {
        tableName: TABLE_NAME,
        primaryKey: [
          { name: 'partition', type: 'STRING' },
          { name: 'waybillNo', type: 'STRING' },
          { name: 'seq', type: 'INTEGER' },
        ],
      },
      reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
      tableOptions: { timeToLive: -1, maxVersions: 1 },
    });
  }

  async putRow(scan: ScanEvent): Promise<number> {
    await this.call('putRow', { tableName: TABLE_NAME, condition: ignore, primaryKey: primaryKeyOf(scan), attributeColumns: attributesOf(scan) });
    return 1;
  }

  async batchWriteRow(scans: readonly ScanEvent[]): Promise<number> {
    const rows = scans.map((scan) => ({ type: 'PUT', condition: ignore, primaryKey: primaryKeyOf(scan), attributeColumns: attributesOf(scan) }));
    const answer = (await this.call('batchWriteRow', { tables: [{ tableName: TABLE_NAME, rows }] })) as { tables: { isOk: boolean; errorCode: string | null }[] };
    const failed = answer.tables.find((row) => !row.isOk);
    if (failed !== undefined || answer.tables.length !== scans.length) {
      throw new UnexpectedAnswerError(`batchWriteRow: ${answer.tables.length} row results for ${scans.length} rows, first failure ${failed?.errorCode ?? 'none'}`);
    }
    return scans.length;
  }

  /** Reads one row that exists, and checks that it came back with its five columns. */
  async getRow(scan: ScanEvent): Promise<number> {
    const answer = (await this.call('getRow', { tableName: TABLE_NAME, primaryKey: primaryKeyOf(scan), maxVersions: 1 })) as { row: SdkRow };
    if (answer.row.attributes?.length !== 5) throw new UnexpectedAnswerError(`getRow: no row for ${scan.waybillNo}/${scan.seq}`);
    return 1;
  }

  /** Up to `limit` rows from `start` onward (to the end of the table); resolves to how many came back. */
  async getRange(start: ScanEvent, limit: number): Promise<number> {
    const answer = (await this.call('getRange', {
      tableName: TABLE_NAME,
      direction: TableStore.Direction.FORWARD,
      inclusiveStartPrimaryKey: primaryKeyOf(start),
      exclusiveEndPrimaryKey: [{ partition: TableStore.INF_MAX }, { waybillNo: TableStore.INF_MAX }, { seq: TableStore.INF_MAX }],
      limit,
      maxVersions: 1,
    })) as { rows: SdkRow[] };
    return answer.rows.length;
  }
}

/** The SDK reports the HTTP status in `code` and the raw protobuf error body in `message`. */
function asError(operation: string, error: unknown): Error {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return new UnexpectedAnswerError(`${operation} failed: ${String(code)} ${String(message)}`);
}
