import MnsClient from '@alicloud/mns';

/**
 * The project's MNS producer: what functions use to put messages on a queue (the scan consumer's own
 * dead-letter queue, the webhook's hand-off). Bodies are base64 of UTF-8 text: `@alicloud/mns` sends bodies
 * raw and unescaped inside XML, and the docs ask producers to base64-encode
 * (https://www.alibabacloud.com/help/en/mns/developer-reference/sendmessage); FC's MNS trigger decodes them
 * again when `IsBase64Decode` is true.
 */

export interface QueueClientConfig {
  endpoint: string;
  accountId: string;
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

/** A message the queue did not take; `code` is the MNS error code (e.g. QueueNotExist). */
export class QueueSendError extends Error {
  constructor(
    readonly queue: string,
    readonly code: string,
    message: string,
  ) {
    super(`sending to queue ${queue} failed: ${code}: ${message}`);
    this.name = 'QueueSendError';
  }
}

export interface QueueClient {
  /** Sends text (base64-encoded on the wire) and resolves with the message id. */
  send(queue: string, text: string, options?: { delaySeconds?: number; priority?: number }): Promise<string>;
}

const MNS_ERROR_NAME = /^MNS(\w+)Error$/;

export function createQueueClient(config: QueueClientConfig): QueueClient {
  const client = new MnsClient(config.accountId, {
    endpoint: config.endpoint,
    accessKeyId: config.accessKeyId,
    accessKeySecret: config.accessKeySecret,
    ...(config.securityToken === undefined ? {} : { securityToken: config.securityToken }),
  });
  return {
    async send(queue, text, options = {}) {
      try {
        const response = await client.sendMessage(queue, {
          MessageBody: Buffer.from(text, 'utf8').toString('base64'),
          ...(options.delaySeconds === undefined ? {} : { DelaySeconds: options.delaySeconds }),
          ...(options.priority === undefined ? {} : { Priority: options.priority }),
        });
        return response.body.MessageId ?? '';
      } catch (error) {
        const err = error as Error;
        const code = MNS_ERROR_NAME.exec(err.name)?.[1] ?? 'NetworkError';
        throw new QueueSendError(queue, code, err.message);
      }
    },
  };
}
