import { createRequire } from 'node:module';
import type { TableDeclaration } from '../tables.ts';
import { TableKeyMismatchError } from './errors.ts';

/**
 * Creates the declared Tablestore tables that do not exist yet, and brings TTL and max versions of existing
 * ones in line; a second run changes nothing. An existing table keyed otherwise than declared stops the run with
 * a {@link TableKeyMismatchError}: its key cannot be changed in place. Uses the official SDK directly: provisioning is an operator's
 * tool, not a function's hot path.
 */

export interface TablestoreTarget {
  endpoint: string;
  instanceName: string;
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

export interface ProvisionOutcome {
  name: string;
  action: 'created' | 'updated' | 'unchanged';
}

interface SdkClient {
  [operation: string]: (params: object, callback: (error: unknown, data: SdkData) => void) => void;
}
interface SdkData {
  tableNames?: string[];
  tableOptions?: { timeToLive?: number; maxVersions?: number };
  tableMeta?: { primaryKey?: { name: string; type: unknown }[] };
}

const require = createRequire(import.meta.url);

export async function provisionTables(target: TablestoreTarget, declared: readonly TableDeclaration[]): Promise<ProvisionOutcome[]> {
  const TableStore = require('tablestore') as { Client: new (config: object) => SdkClient };
  const client = new TableStore.Client({
    endpoint: target.endpoint,
    instancename: target.instanceName,
    accessKeyId: target.accessKeyId,
    secretAccessKey: target.accessKeySecret,
    ...(target.securityToken === undefined ? {} : { stsToken: target.securityToken }),
  });
  const call = (operation: string, params: object) =>
    new Promise<SdkData>((resolve, reject) => client[operation]!(params, (error, data) => (error ? reject(error) : resolve(data))));

  const existing = new Set((await call('listTable', {})).tableNames ?? []);
  const outcomes: ProvisionOutcome[] = [];
  for (const table of declared) {
    const tableOptions = { timeToLive: table.timeToLive, maxVersions: table.maxVersions };
    if (!existing.has(table.name)) {
      await call('createTable', {
        tableMeta: {
          tableName: table.name,
          primaryKey: table.primaryKey.map((column) => ({
            name: column.name,
            type: column.type,
            ...(column.autoIncrement ? { option: 'AUTO_INCREMENT' } : {}),
          })),
        },
        reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
        tableOptions,
      });
      outcomes.push({ name: table.name, action: 'created' });
      continue;
    }
    const described = await call('describeTable', { tableName: table.name });
    const existingKey = (described.tableMeta?.primaryKey ?? []).map((column) => `${column.name} ${keyTypeName(column.type)}`);
    const declaredKey = table.primaryKey.map((column) => `${column.name} ${column.type}`);
    if (existingKey.join() !== declaredKey.join()) throw new TableKeyMismatchError(table.name, declaredKey, existingKey);
    const current = described.tableOptions ?? {};
    if (current.timeToLive === table.timeToLive && current.maxVersions === table.maxVersions) {
      outcomes.push({ name: table.name, action: 'unchanged' });
    } else {
      await call('updateTable', { tableName: table.name, tableOptions });
      outcomes.push({ name: table.name, action: 'updated' });
    }
  }
  return outcomes;
}

/** The SDK describes a key column's type as the protobuf enum's number (1 INTEGER, 2 STRING, 3 BINARY). */
function keyTypeName(type: unknown): string {
  const names: Record<number, string> = { 1: 'INTEGER', 2: 'STRING', 3: 'BINARY' };
  return typeof type === 'number' ? (names[type] ?? String(type)) : String(type);
}
