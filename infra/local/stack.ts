import { join } from 'node:path';
import { layerPackages } from '../layer-packages.ts';
import { queues } from '../queues.ts';
import { tables } from '../tables.ts';
import { provisionQueues } from '../provision/mns-queues.ts';
import { provisionTables } from '../provision/tablestore-tables.ts';
import { startFcRuntime, LOCAL_ACCOUNT_ID, type FcRuntime } from './fc/runtime.ts';
import type { LogSink } from './fc/logs.ts';
import { startMnsServer } from './mns/server.ts';
import { startTablestoreServer } from './tablestore/server.ts';

/**
 * The whole suite on one machine: the local Tablestore and MNS servers, the tables and queues of infra/,
 * and the FC runtime serving every function of s.yaml. What `parcelscan start` (npm start) runs, and what
 * end-to-end tests start on ephemeral ports.
 */

export const LOCAL_INSTANCE = 'parcelscan';
export const LOCAL_KEY = { accessKeyId: 'local', accessKeySecret: 'local-secret' } as const;
export const DEMO_PARTNER = { partnerId: 'demo', secret: 'demo-secret' } as const;

export interface LocalStackOptions {
  yamlPath: string;
  /** Keep Tablestore and MNS data under this directory; in memory when absent. */
  dataDir?: string;
  gatewayPort?: number;
  tablestorePort?: number;
  mnsPort?: number;
  log?: LogSink;
  idleTimeoutMs?: number;
}

export interface LocalStack {
  gatewayUrl: string;
  tablestoreUrl: string;
  mnsUrl: string;
  runtime: FcRuntime;
  close(): Promise<void>;
}

/** What the functions' environment points at locally, over the cloud endpoints s.yaml declares. */
export function localFunctionEnvironment(tablestoreUrl: string, mnsUrl: string): Record<string, string> {
  return {
    TABLESTORE_ENDPOINT: tablestoreUrl,
    TABLESTORE_INSTANCE: LOCAL_INSTANCE,
    MNS_ENDPOINT: mnsUrl,
    PARTNERS: JSON.stringify({ [DEMO_PARTNER.partnerId]: { name: 'Demo partner', secrets: [DEMO_PARTNER.secret] } }),
  };
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const tablestore = await startTablestoreServer({
    port: options.tablestorePort ?? 9001,
    ...(options.dataDir === undefined ? {} : { dataDir: join(options.dataDir, 'tablestore') }),
  });
  const mns = await startMnsServer({
    port: options.mnsPort ?? 9002,
    ...(options.dataDir === undefined ? {} : { dataDir: join(options.dataDir, 'mns') }),
  });
  try {
    await provisionTables({ endpoint: tablestore.url, instanceName: LOCAL_INSTANCE, ...LOCAL_KEY }, tables);
    await provisionQueues({ endpoint: mns.url, accountId: LOCAL_ACCOUNT_ID, ...LOCAL_KEY }, queues);
    const runtime = await startFcRuntime({
      yamlPath: options.yamlPath,
      gateway: { port: options.gatewayPort ?? 9000 },
      external: layerPackages,
      env: localFunctionEnvironment(tablestore.url, mns.url),
      mns: { endpoint: mns.url, ...LOCAL_KEY },
      ...(options.log === undefined ? {} : { log: options.log }),
      ...(options.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: options.idleTimeoutMs }),
    });
    return {
      gatewayUrl: runtime.url ?? '',
      tablestoreUrl: tablestore.url,
      mnsUrl: mns.url,
      runtime,
      // Functions drain first, so nothing they acknowledged is cut off from its storage.
      close: async () => {
        await runtime.close();
        await mns.close();
        await tablestore.close();
      },
    };
  } catch (error) {
    await mns.close();
    await tablestore.close();
    throw error;
  }
}
