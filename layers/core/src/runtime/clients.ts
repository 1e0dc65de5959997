import type { FcContext, FcCredentials } from '../http/fc-context.ts';
import { createQueueClient, type QueueClient } from '../queue/queue-client.ts';
import { createTablestoreClient } from '../store/tablestore-client.ts';
import type { TablestoreClient } from '../store/tablestore-client.ts';
import type { RuntimeConfig } from './config.ts';

/**
 * SDK clients, made once per instance and kept in module scope while the instance is warm. FC hands each
 * invocation the function role's STS credentials in `context.credentials`; they rotate, so a client is made
 * again only when they change. Nothing request-specific is kept here.
 */

let tablestore: { key: string; client: TablestoreClient } | undefined;
let queue: { key: string; client: QueueClient } | undefined;

const keyOf = (credentials: FcCredentials): string =>
  `${credentials.accessKeyId}\u0000${credentials.accessKeySecret}\u0000${credentials.securityToken}`;

export function tablestoreClientFor(context: FcContext, config: RuntimeConfig): TablestoreClient {
  const key = keyOf(context.credentials);
  if (tablestore?.key !== key) {
    const { accessKeyId, accessKeySecret, securityToken } = context.credentials;
    tablestore = {
      key,
      client: createTablestoreClient({
        endpoint: config.TABLESTORE_ENDPOINT,
        instanceName: config.TABLESTORE_INSTANCE,
        accessKeyId,
        accessKeySecret,
        ...(securityToken === '' ? {} : { stsToken: securityToken }),
      }),
    };
  }
  return tablestore.client;
}

export function queueClientFor(context: FcContext, config: RuntimeConfig): QueueClient {
  if (config.MNS_ENDPOINT === undefined) throw new Error('MNS_ENDPOINT is required by this function');
  const key = keyOf(context.credentials);
  if (queue?.key !== key) {
    const { accessKeyId, accessKeySecret, securityToken } = context.credentials;
    queue = {
      key,
      client: createQueueClient({
        endpoint: config.MNS_ENDPOINT,
        accountId: context.accountId,
        accessKeyId,
        accessKeySecret,
        ...(securityToken === '' ? {} : { securityToken }),
      }),
    };
  }
  return queue.client;
}

/** Time left for storage retries: the function's timeout less a margin to still answer (503) in time. */
export function deadlineOf(context: FcContext, startedAtMs: number, marginMs = 1000): number {
  return startedAtMs + context.function.timeout * 1000 - marginMs;
}
