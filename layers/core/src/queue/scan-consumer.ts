import { z } from 'zod';
import { eventJson } from '../runtime/event-json.ts';
import { decodeScanMessage, type ScanEvent } from '../domain/index.ts';
import { recordScans } from '../ingest/record-scans.ts';
import type { TablestoreClient } from '../store/tablestore-client.ts';
import type { QueueClient } from './queue-client.ts';

/**
 * scan-consumer: a batch of MNS messages from the `scan-events` queue, delivered by FC's MNS queue trigger
 * as an array of CloudEvents (event-streaming mode; https://www.alibabacloud.com/help/en/functioncompute/fc-3-0/user-guide/mns-queue-trigger).
 *
 * The trigger retries a failed invocation as a whole batch, so per-message outcomes are ours: a message that
 * can never be accepted (not base64, not JSON, invalid events) goes to the dead-letter queue with its reasons
 * and is not retried; a transient failure (storage, the dead-letter queue itself) fails the invocation so
 * the trigger redelivers, which is safe because every write is idempotent.
 */

const mnsCloudEventSchema = z.object({
  id: z.string(),
  data: z.object({
    messageId: z.string(),
    messageBody: z.string(),
  }),
});
const mnsBatchSchema = z.array(mnsCloudEventSchema);

export class NotAQueueEventError extends Error {
  constructor(detail: string) {
    super(`the function was invoked with something other than an MNS queue trigger batch: ${detail}`);
    this.name = 'NotAQueueEventError';
  }
}

export interface ScanConsumerDeps {
  tablestore: TablestoreClient;
  deadLetters: QueueClient;
  deadLetterQueue: string;
  nowMs: number;
  deadline: number;
  traceId?: string;
}

export interface ScanConsumerSummary {
  messages: number;
  accepted: number;
  duplicates: number;
  deadLettered: number;
}

/** What a dead-letter record says: enough to fix and replay the message by hand. */
export interface ScanDeadLetter {
  reason: 'UNREADABLE_MESSAGE' | 'INVALID_EVENT';
  messageId: string;
  details: string[];
  /** The message body as delivered, or the one rejected event of a batch message. */
  body: unknown;
  deadLetteredAt: string;
}

export function parseQueueBatch(event: Buffer | string | object): z.infer<typeof mnsBatchSchema> {
  let json: unknown;
  try {
    json = eventJson(event);
  } catch {
    throw new NotAQueueEventError('the event is not JSON');
  }
  const parsed = mnsBatchSchema.safeParse(json);
  if (!parsed.success) throw new NotAQueueEventError(parsed.error.issues.map((issue) => issue.path.join('.')).join(', '));
  return parsed.data;
}

/** With IsBase64Decode (the default) the trigger hands over the decoded JSON; otherwise still base64. */
const isStillBase64 = (body: string): boolean => !body.trimStart().startsWith('{');

export async function consumeScanMessages(event: Buffer | string | object, deps: ScanConsumerDeps): Promise<ScanConsumerSummary> {
  const messages = parseQueueBatch(event);
  const deadLetters: ScanDeadLetter[] = [];
  const eventsBySource = new Map<string, ScanEvent[]>();
  const deadLetteredAt = new Date(deps.nowMs).toISOString();

  for (const { data } of messages) {
    const decoded = decodeScanMessage(data.messageBody, isStillBase64(data.messageBody));
    if (!decoded.ok) {
      deadLetters.push({ reason: 'UNREADABLE_MESSAGE', messageId: data.messageId, details: decoded.reasons, body: data.messageBody, deadLetteredAt });
      continue;
    }
    for (const rejected of decoded.rejected) {
      deadLetters.push({
        reason: 'INVALID_EVENT',
        messageId: data.messageId,
        details: rejected.errors.map((error) => `${error.path}: ${error.message}`),
        body: rejected.input,
        deadLetteredAt,
      });
    }
    const events = eventsBySource.get(decoded.source) ?? [];
    events.push(...decoded.events);
    eventsBySource.set(decoded.source, events);
  }

  let accepted = 0;
  let duplicates = 0;
  for (const [source, events] of eventsBySource) {
    if (events.length === 0) continue;
    const result = await recordScans(
      deps.tablestore,
      {
        partnerId: source,
        channel: 'queue',
        events,
        receivedAtMs: deps.nowMs,
        ...(deps.traceId === undefined ? {} : { traceId: deps.traceId }),
      },
      deps.deadline,
    );
    accepted += result.accepted;
    duplicates += result.duplicates;
  }
  // Dead letters go last: if sending one fails, the redelivered batch records its valid scans again as
  // duplicates, and no bad message is ever acknowledged without its dead-letter record.
  for (const deadLetter of deadLetters) await deps.deadLetters.send(deps.deadLetterQueue, JSON.stringify(deadLetter));

  return { messages: messages.length, accepted, duplicates, deadLettered: deadLetters.length };
}
