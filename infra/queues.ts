/**
 * The MNS queues of parcelscan, declared once for the local stack and for `parcelscan provision`.
 * Attribute ranges: https://www.alibabacloud.com/help/en/mns/developer-reference/basic-concepts-queue
 */

export interface QueueDeclaration {
  name: string;
  /** Seconds a received message stays invisible before it is delivered again. */
  visibilityTimeout: number;
  /** Seconds a message is kept. */
  messageRetentionPeriod: number;
  maximumMessageSize: number;
  purpose: string;
}

export const scanEventsQueue = {
  name: 'scan-events',
  // Longer than the consumer's FC timeout, so a batch still being written is not delivered twice at once.
  visibilityTimeout: 60,
  messageRetentionPeriod: 4 * 24 * 3600,
  maximumMessageSize: 65_536,
  purpose: 'Scan events from hub scanners; consumed by scan-consumer through an FC MNS queue trigger.',
} as const satisfies QueueDeclaration;

export const scanEventsDeadLetterQueue = {
  name: 'scan-events-dlq',
  visibilityTimeout: 30,
  messageRetentionPeriod: 7 * 24 * 3600,
  maximumMessageSize: 65_536,
  purpose: 'Messages scan-consumer could not accept (malformed, invalid) with their reasons, and batches past the retry policy.',
} as const satisfies QueueDeclaration;

export const queues: readonly QueueDeclaration[] = [scanEventsQueue, scanEventsDeadLetterQueue];
