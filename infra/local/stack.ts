import { createServer } from 'node:net';
import { join } from 'node:path';
import { layerPackages } from '../layer-packages.ts';
import { queues } from '../queues.ts';
import { tables } from '../tables.ts';
import { provisionQueues } from '../provision/mns-queues.ts';
import { provisionTables } from '../provision/tablestore-tables.ts';
import { startFcRuntime, LOCAL_ACCOUNT_ID, type FcRuntime } from './fc/runtime.ts';
import type { LogSink } from './fc/logs.ts';
import { startMnsServer, type MnsServerHandle } from './mns/server.ts';
import { startTablestoreServer } from './tablestore/server.ts';

/**
 * The whole suite on one machine: the local Tablestore and MNS servers, the tables and queues of infra/,
 * and the FC runtime serving every function of s.yaml. What `parcelscan start` (npm start) runs, and what
 * end-to-end tests start on ephemeral ports.
 */

export const LOCAL_INSTANCE = 'parcelscan';
export const LOCAL_KEY = { accessKeyId: 'local', accessKeySecret: 'local-secret' } as const;
export const DEMO_PARTNER = { partnerId: 'demo', secret: 'demo-secret' } as const;

/** The three servers of the stack, as `PortUnavailableError` names them. */
export type LocalService = 'gateway' | 'tablestore' | 'mns';

export const LOCAL_SERVICE_NAMES: Readonly<Record<LocalService, string>> = { gateway: 'FC gateway', tablestore: 'Tablestore', mns: 'MNS' };

const LOCAL_HOST = '127.0.0.1';

export interface PortConflict {
  service: LocalService;
  port: number;
  /** `EADDRINUSE`, `EACCES`, …; `DUPLICATE` when two services were given the same port. */
  code: string;
  /** For `DUPLICATE`: the service the port was given to first. */
  sharedWith?: LocalService;
}

/** A port of the stack cannot be listened on: nothing was started. */
export class PortUnavailableError extends Error {
  constructor(readonly conflicts: readonly PortConflict[]) {
    super(conflicts.map(describeConflict).join('; '));
    this.name = 'PortUnavailableError';
  }
}

function describeConflict({ service, port, code, sharedWith }: PortConflict): string {
  const where = `port ${port} (${LOCAL_SERVICE_NAMES[service]})`;
  if (code === 'EADDRINUSE') return `${where} is already in use on ${LOCAL_HOST}`;
  if (code === 'EACCES') return `${where} may not be listened on by this user`;
  if (code === 'DUPLICATE') return `${where} is also the ${sharedWith === undefined ? 'port of another service' : `${LOCAL_SERVICE_NAMES[sharedWith]} port`}`;
  return `${where} cannot be listened on (${code})`;
}

/** The error code listening on `port` fails with now, or undefined when it is free. */
function probePort(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    probe.listen({ port, host: LOCAL_HOST, exclusive: true }, () => probe.close(() => resolve(undefined)));
  });
}

/**
 * Checks every fixed port before anything starts, so a taken port is reported by name (with all the others
 * taken) instead of surfacing as an EADDRINUSE stack trace halfway through start-up. Port 0 is always free.
 */
async function checkPorts(ports: Readonly<Record<LocalService, number>>): Promise<void> {
  const conflicts: PortConflict[] = [];
  const claimed = new Map<number, LocalService>();
  for (const [service, port] of Object.entries(ports) as [LocalService, number][]) {
    if (port === 0) continue;
    const sharedWith = claimed.get(port);
    if (sharedWith !== undefined) {
      conflicts.push({ service, port, code: 'DUPLICATE', sharedWith });
      continue;
    }
    claimed.set(port, service);
    const code = await probePort(port);
    if (code !== undefined) conflicts.push({ service, port, code });
  }
  if (conflicts.length > 0) throw new PortUnavailableError(conflicts);
}

/** A listen failure of one server (a port taken between the check and the start) as a PortUnavailableError. */
async function listening<T>(service: LocalService, port: number, start: Promise<T>): Promise<T> {
  try {
    return await start;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if ((error as NodeJS.ErrnoException).syscall === 'listen' && code !== undefined) throw new PortUnavailableError([{ service, port, code }]);
    throw error;
  }
}

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

/**
 * Starts the stack; with `dataDir`, Tablestore keeps its data in `<dataDir>/tablestore` and MNS in
 * `<dataDir>/mns`. Ports default to 9000 (gateway), 9001 (Tablestore) and 9002 (MNS); 0 picks free ones, and
 * the URLs of the result carry the real ports. A port that cannot be listened on fails with
 * {@link PortUnavailableError} before anything starts.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const ports: Record<LocalService, number> = {
    gateway: options.gatewayPort ?? 9000,
    tablestore: options.tablestorePort ?? 9001,
    mns: options.mnsPort ?? 9002,
  };
  await checkPorts(ports);
  const tablestore = await startTablestoreServer({
    port: ports.tablestore,
    host: LOCAL_HOST,
    ...(options.dataDir === undefined ? {} : { dataDir: join(options.dataDir, 'tablestore') }),
  });
  let mns: MnsServerHandle;
  try {
    mns = await listening(
      'mns',
      ports.mns,
      startMnsServer({
        port: ports.mns,
        host: LOCAL_HOST,
        ...(options.dataDir === undefined ? {} : { dataDir: join(options.dataDir, 'mns') }),
      }),
    );
  } catch (error) {
    await tablestore.close();
    throw error;
  }
  try {
    await provisionTables({ endpoint: tablestore.url, instanceName: LOCAL_INSTANCE, ...LOCAL_KEY }, tables);
    await provisionQueues({ endpoint: mns.url, accountId: LOCAL_ACCOUNT_ID, ...LOCAL_KEY }, queues);
    const runtime = await listening(
      'gateway',
      ports.gateway,
      startFcRuntime({
        yamlPath: options.yamlPath,
        gateway: { host: LOCAL_HOST, port: ports.gateway },
        external: layerPackages,
        env: localFunctionEnvironment(tablestore.url, mns.url),
        mns: { endpoint: mns.url, ...LOCAL_KEY },
        ...(options.log === undefined ? {} : { log: options.log }),
        ...(options.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: options.idleTimeoutMs }),
      }),
    );
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
