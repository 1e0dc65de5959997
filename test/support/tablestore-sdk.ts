import { createRequire } from 'node:module';

/**
 * The official `tablestore` SDK as the tests drive it: untyped (the package has no types), called through
 * a promise so tests can await it. Conformance tests use it directly, never the project's wrapper, so
 * they show what any Tablestore client sees.
 */

const require = createRequire(import.meta.url);
export type Sdk = any;
export const TableStore: Sdk = require('tablestore');

export interface SdkClient {
  call(operation: string, params: object): Promise<Sdk>;
}

export function sdkClient(endpoint: string, options: { instance?: string; accessKeyId?: string; secret?: string } = {}): SdkClient {
  const client = new TableStore.Client({
    accessKeyId: options.accessKeyId ?? 'local',
    secretAccessKey: options.secret ?? 'local-secret',
    endpoint,
    instancename: options.instance ?? 'parcelscan',
    maxRetries: 0,
  });
  return {
    call: (operation, params) =>
      new Promise((resolve, reject) => {
        client[operation](params, (error: unknown, data: unknown) => (error ? reject(error) : resolve(data)));
      }),
  };
}

/** What the SDK reports for a failed call: the HTTP status in `code`, the raw protobuf Error in `message`. */
export async function failureOf(promise: Promise<unknown>): Promise<{ status: unknown; text: string }> {
  try {
    await promise;
  } catch (error) {
    const { code, message } = error as { code: unknown; message: string };
    return { status: code, text: message };
  }
  throw new Error('expected the call to fail');
}

export const ignore = () => new TableStore.Condition(TableStore.RowExistenceExpectation.IGNORE, null);
export const expectExist = (columnCondition: unknown = null) =>
  new TableStore.Condition(TableStore.RowExistenceExpectation.EXPECT_EXIST, columnCondition);
export const expectNotExist = () => new TableStore.Condition(TableStore.RowExistenceExpectation.EXPECT_NOT_EXIST, null);
export const long = (n: number | string) => (typeof n === 'number' ? TableStore.Long.fromNumber(n) : TableStore.Long.fromString(n));

export function tableParams(tableName: string, primaryKey: object[], tableOptions: object = {}) {
  return {
    tableMeta: { tableName, primaryKey },
    reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
    tableOptions: { timeToLive: -1, maxVersions: 1, ...tableOptions },
  };
}

/** A decoded row's attributes as `{name: value}` (latest version first wins). */
export function attributesOf(row: Sdk): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const attribute of row.attributes ?? []) {
    if (!(attribute.columnName in out)) {
      const value = attribute.columnValue;
      out[attribute.columnName] = value && typeof value.toNumber === 'function' && !Buffer.isBuffer(value) ? value.toNumber() : value;
    }
  }
  return out;
}
