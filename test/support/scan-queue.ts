import MNS from '@alicloud/mns';
import { scanEventsDeadLetterQueue, scanEventsQueue } from '../../infra/queues.ts';
import { encodeScanMessage, type ScanMessage } from '../../layers/core/src/domain/index.ts';
import type { ScanDeadLetter } from '../../layers/core/src/queue/scan-dead-letter.ts';

/**
 * The MNS side of scan ingestion as a hub scanner and an operator see it: the official `@alicloud/mns` SDK,
 * bodies base64-encoded by the producer (the SDK sends them raw), dead letters read back from the DLQ.
 */

/** The account id the local stack reports; any id works against the local server. */
export const LOCAL_ACCOUNT_ID = '1234567890123456';
export const SCAN_QUEUE = 'scan-events';
export const SCAN_DEAD_LETTER_QUEUE = 'scan-events-dlq';

export function mnsProducer(mnsUrl: string): MNS {
  return new MNS(LOCAL_ACCOUNT_ID, { accessKeyId: 'local', accessKeySecret: 'local-secret', endpoint: mnsUrl });
}

/** Sends a scan message as producers must (base64 of its JSON) and resolves with its MessageId. */
export async function sendScanMessage(client: MNS, message: ScanMessage): Promise<string> {
  return sendRawBody(client, encodeScanMessage(message));
}

/** Sends a body exactly as given (for malformed messages). Keep it free of '<' and '&': the SDK does not escape. */
export async function sendRawBody(client: MNS, body: string): Promise<string> {
  const sent = await client.sendMessage(SCAN_QUEUE, { MessageBody: body });
  const messageId = sent.body.MessageId;
  if (messageId === undefined) throw new Error(`SendMessage answered no MessageId: ${JSON.stringify(sent.body)}`);
  return messageId;
}

function isMessageNotExist(error: unknown): boolean {
  return error instanceof Error && error.name === 'MNSMessageNotExistError';
}

/** Dead-letter records read from the DLQ, decoded, kept for whichever test asks for them. */
export interface DeadLetterInbox {
  /**
   * Resolves with `count` records that `wanted` accepts (removing them from the inbox), receiving and deleting
   * DLQ messages meanwhile; fails after `timeoutMs`. Records of other messages stay in the inbox.
   */
  take(wanted: (record: ScanDeadLetter) => boolean, count: number, timeoutMs?: number): Promise<ScanDeadLetter[]>;
  /** Receives what is in the DLQ now and returns every record not taken yet. */
  drain(): Promise<ScanDeadLetter[]>;
}

export function deadLetterInbox(client: MNS): DeadLetterInbox {
  const pool: ScanDeadLetter[] = [];

  async function receiveOnce(waitSeconds: number): Promise<void> {
    let messages: Record<string, string>[];
    try {
      messages = (await client.batchReceiveMessage(SCAN_DEAD_LETTER_QUEUE, 16, waitSeconds)).body;
    } catch (error) {
      if (isMessageNotExist(error)) return;
      throw error;
    }
    for (const message of messages) {
      // The consumer sends each record as base64 of its JSON, like every producer of the project.
      pool.push(JSON.parse(Buffer.from(message.MessageBody ?? '', 'base64').toString('utf8')) as ScanDeadLetter);
      await client.deleteMessage(SCAN_DEAD_LETTER_QUEUE, message.ReceiptHandle ?? '');
    }
  }

  return {
    async take(wanted, count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const matching = pool.filter(wanted);
        if (matching.length >= count) {
          for (const record of matching) pool.splice(pool.indexOf(record), 1);
          return matching;
        }
        if (Date.now() > deadline) {
          throw new Error(`timed out waiting for ${count} dead letter(s) in ${SCAN_DEAD_LETTER_QUEUE}; have ${JSON.stringify(pool)}`);
        }
        await receiveOnce(1);
      }
    },
    async drain() {
      await receiveOnce(0);
      return [...pool];
    },
  };
}

/**
 * Sets scan-events' visibility timeout on the running local queue (how soon a message of a failed invocation is
 * delivered again), or puts back the value infra/queues.ts declares.
 */
export async function setScanQueueVisibilityTimeout(client: MNS, seconds: number | 'declared'): Promise<void> {
  const visibilityTimeout = seconds === 'declared' ? scanEventsQueue.visibilityTimeout : seconds;
  await client.setQueueAttributes(SCAN_QUEUE, { VisibilityTimeout: visibilityTimeout });
}

/**
 * Deletes scan-events-dlq from the running local server, so every dead-letter send fails with QueueNotExist
 * until {@link restoreDeadLetterQueue} creates it again (its messages go with it).
 */
export async function removeDeadLetterQueue(client: MNS): Promise<void> {
  await client.deleteQueue(SCAN_DEAD_LETTER_QUEUE);
}

/** Creates scan-events-dlq again with the attributes infra/queues.ts declares. */
export async function restoreDeadLetterQueue(client: MNS): Promise<void> {
  await client.createQueue(SCAN_DEAD_LETTER_QUEUE, {
    VisibilityTimeout: scanEventsDeadLetterQueue.visibilityTimeout,
    MessageRetentionPeriod: scanEventsDeadLetterQueue.messageRetentionPeriod,
    MaximumMessageSize: scanEventsDeadLetterQueue.maximumMessageSize,
  });
}
