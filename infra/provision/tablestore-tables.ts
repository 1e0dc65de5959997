import { createRequire } from 'node:module';
import type { TableDeclaration } from '../tables.ts';

/**
 * Creates the declared Tablestore tables that do not exist yet, and brings TTL and max versions of existing
 * ones in line; a second run changes nothing. Uses the official SDK directly: provisioning is an operator's
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
