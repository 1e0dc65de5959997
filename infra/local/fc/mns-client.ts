import { createRequire } from 'node:module';
import type { ReceivedQueueMessage } from './events.ts';

/**
 * The part of the official `@alicloud/mns` client (1.2.x, no type declarations) the queue triggers use.
 * Bodies are XML values; every field comes back as a string. Batch delete reports partial failures in
 * `body` instead of throwing (lib/client.js `batchDeleteMessage`).
 */
export interface MnsClient {
  batchReceiveMessage(queueName: string, numOfMessages: number, waitSeconds?: number): Promise<{ code: number; body: ReceivedQueueMessage[] }>;
  batchDeleteMessage(queueName: string, receiptHandles: string[]): Promise<{ code: number; body?: { ErrorCode: string; ErrorMessage: string; ReceiptHandle: string }[] }>;
  deleteMessage(queueName: string, receiptHandle: string): Promise<{ code: number }>;
  sendMessage(queueName: string, params: { MessageBody: string; DelaySeconds?: number; Priority?: number }): Promise<{ code: number; body: { MessageId: string; MessageBodyMD5: string } }>;
}

export interface MnsConnection {
  /** `http://127.0.0.1:9002`; the SDK derives the host (port included) from it. */
  endpoint: string;
  accountId: string;
  accessKeyId: string;
  accessKeySecret: string;
}

type MnsClientConstructor = new (accountId: string, options: { accessKeyId: string; accessKeySecret: string; endpoint: string }) => MnsClient;

const requireCjs = createRequire(import.meta.url);

export function createMnsClient(connection: MnsConnection): MnsClient {
  const Client = requireCjs('@alicloud/mns') as MnsClientConstructor;
  return new Client(connection.accountId, { accessKeyId: connection.accessKeyId, accessKeySecret: connection.accessKeySecret, endpoint: connection.endpoint });
}

/** The SDK names errors `MNS<Code>Error`; an empty queue after the long poll is `MNSMessageNotExistError`. */
export function isMnsError(error: unknown, code: string): boolean {
  return error instanceof Error && error.name === `MNS${code}Error`;
}
