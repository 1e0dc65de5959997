import type { FcContext, FcCredentials } from '../http/fc-context.ts';
import { createTablestoreClient } from '../store/tablestore-client.ts';
import type { TablestoreClient } from '../store/tablestore-client.ts';
import type { RuntimeConfig } from './config.ts';

/**
 * SDK clients, made once per instance and kept in module scope while the instance is warm. FC hands each
 * invocation the function role's STS credentials in `context.credentials`; they rotate, so a client is made
 * again only when they change. Nothing request-specific is kept here. The MNS client lives in
 * queue-clients.ts so that functions which never send to a queue do not load its SDK at cold start.
 */

const keyOf = (credentials: FcCredentials): string =>
  `${credentials.accessKeyId}\u0000${credentials.accessKeySecret}\u0000${credentials.securityToken}`;

/** Keeps one client made from the latest credentials; makes a new one when they change. */
export function perCredentials<Client>(make: (credentials: FcCredentials, context: FcContext) => Client) {
  let cached: { key: string; client: Client } | undefined;
  return (context: FcContext): Client => {
    const key = keyOf(context.credentials);
    if (cached?.key !== key) cached = { key, client: make(context.credentials, context) };
    return cached.client;
  };
}

export const stsToken = (credentials: FcCredentials) =>
  credentials.securityToken === '' ? undefined : credentials.securityToken;

let tablestore: ((context: FcContext) => TablestoreClient) | undefined;

export function tablestoreClientFor(context: FcContext, config: RuntimeConfig): TablestoreClient {
  tablestore ??= perCredentials((credentials) => {
    const token = stsToken(credentials);
    return createTablestoreClient({
      endpoint: config.TABLESTORE_ENDPOINT,
      instanceName: config.TABLESTORE_INSTANCE,
      accessKeyId: credentials.accessKeyId,
      accessKeySecret: credentials.accessKeySecret,
      ...(token === undefined ? {} : { stsToken: token }),
    });
  });
  return tablestore(context);
}

/** Time left for storage retries: the function's timeout less a margin to still answer (503) in time. */
export function deadlineOf(context: FcContext, startedAtMs: number, marginMs = 1000): number {
  return startedAtMs + context.function.timeout * 1000 - marginMs;
}
