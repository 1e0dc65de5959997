import type { FcContext } from '../http/fc-context.ts';
import { createQueueClient, type QueueClient } from '../queue/queue-client.ts';
import { perCredentials, stsToken } from './clients.ts';
import type { RuntimeConfig } from './config.ts';

/** The MNS producer of a function that sends to queues, made once per instance like the Tablestore client. */

let queue: ((context: FcContext) => QueueClient) | undefined;

export function queueClientFor(context: FcContext, config: RuntimeConfig): QueueClient {
  const endpoint = config.MNS_ENDPOINT;
  if (endpoint === undefined) throw new Error('MNS_ENDPOINT is required by this function');
  queue ??= perCredentials((credentials, { accountId }) => {
    const token = stsToken(credentials);
    return createQueueClient({
      endpoint,
      accountId,
      accessKeyId: credentials.accessKeyId,
      accessKeySecret: credentials.accessKeySecret,
      ...(token === undefined ? {} : { securityToken: token }),
    });
  });
  return queue(context);
}
