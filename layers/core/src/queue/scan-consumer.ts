import { z } from 'zod';
import { eventJson } from '../runtime/event-json.ts';
import type { ScanEvent } from '../domain/index.ts';
import { recordScans, tallyRecordedScans } from '../ingest/record-scans.ts';
import type { Logger } from '../observability/logger.ts';
import { rejectionReason, type InvocationMetrics } from '../observability/metrics.ts';
import { traceFromMessage } from '../observability/trace.ts';
import type { TablestoreClient } from '../store/tablestore-client.ts';
import { readDeliveredScanMessage } from './delivered-body.ts';
import type { QueueClient } from './queue-client.ts';
import { deadLetterText, invalidEventDeadLetter, unreadableMessageDeadLetter, type ScanDeadLetter } from './scan-dead-letter.ts';

/**
 * scan-consumer: a batch of MNS messages from the `scan-events` queue, delivered by FC's MNS queue trigger
 * as an array of CloudEvents (event-streaming mode; https://www.alibabacloud.com/help/en/functioncompute/fc-3-0/user-guide/mns-queue-trigger).
 *
 * The trigger retries a failed invocation as a whole batch, so per-message outcomes are ours: a message that
 * can never be accepted (not base64, not JSON, invalid events) goes to the dead-letter queue with its reasons
 * and is not retried; a transient failure (storage, the dead-letter queue itself) fails the invocation so
 * the trigger redelivers, which is safe because every write is idempotent.
 *
 * Dead letters are sent last, once every valid scan of the batch is stored, and within the invocation's deadline
 * (the one the storage calls get). A storage failure therefore fails the invocation before any dead letter is
 * sent, and the redelivery sends each once. A dead-letter send that fails or times out fails the invocation too:
 * nothing accepted is lost (the redelivery records the valid scans again, as duplicates), but records sent before
 * the failure are sent again, so dead-lettering is at-least-once and each record carries a `deadLetterId` that
 * is the same on every delivery (scan-dead-letter.ts).
 *
 * Each message follows its own trace: a message whose envelope carries a `traceparent` (observability/trace.ts)
 * has its scan rows and its `scans recorded` line under the producer's trace id; the others under the
 * invocation's. The events are still written in one submission per partner, whatever their traces, so a batch of
 * 100 messages costs the same few BatchWriteRow calls as before.
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
  /** Absolute time, ms since the epoch, by which every storage call and dead-letter send is over. */
  deadline: number;
  /** The invocation's trace id: the trace of every message that brings none of its own. */
  traceId: string;
  /** The invocation's logger, bound to its trace. */
  log: Logger;
  /** The invocation's metrics: a `scans` tally per partner and the `queue-batch` line. */
  metrics: InvocationMetrics;
  /** When the scans count as written, for the lag metric; `Date.now` by default. */
  clock?: () => number;
}

export interface ScanConsumerSummary {
  messages: number;
  accepted: number;
  duplicates: number;
  deadLettered: number;
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

/** What became of one partner's scans of one trace in the batch. */
interface TraceGroup {
  partnerId: string;
  traceId: string;
  accepted: number;
  duplicates: number;
  rejectedReasons: Record<string, number>;
}

/**
 * The batch's scans by partner and trace: one `scans recorded` line each, under that trace, so a search by the
 * producer's trace id finds what the consumer did with its message (and, by `requestId`, the batch's own lines).
 */
class TraceGroups {
  private readonly groups = new Map<string, TraceGroup>();

  of(partnerId: string, traceId: string): TraceGroup {
    const key = `${partnerId}\u0000${traceId}`;
    let group = this.groups.get(key);
    if (group === undefined) {
      group = { partnerId, traceId, accepted: 0, duplicates: 0, rejectedReasons: {} };
      this.groups.set(key, group);
    }
    return group;
  }

  write(log: Logger): void {
    for (const { partnerId, traceId, accepted, duplicates, rejectedReasons } of this.groups.values()) {
      const rejected = Object.values(rejectedReasons).reduce((sum, n) => sum + n, 0);
      log.child({ partnerId, traceId }).info('scans recorded', { accepted, duplicates, rejected, rejectedReasons });
    }
  }
}

/** One partner's events of the batch, each with the trace of the message it came in. */
interface PartnerEvents {
  events: ScanEvent[];
  traceIds: string[];
}

export async function consumeScanMessages(event: Buffer | string | object, deps: ScanConsumerDeps): Promise<ScanConsumerSummary> {
  const messages = parseQueueBatch(event);
  const deadLetters: ScanDeadLetter[] = [];
  const bySource = new Map<string, PartnerEvents>();
  const groups = new TraceGroups();
  const deadLetteredAt = new Date(deps.nowMs).toISOString();
  let unreadable = 0;
  let eventCount = 0;

  for (const { id, data } of messages) {
    const decoded = readDeliveredScanMessage(data.messageBody);
    const delivery = { messageId: data.messageId, triggerEventId: id, deadLetteredAt };
    if (!decoded.ok) {
      unreadable += 1;
      deadLetters.push(unreadableMessageDeadLetter(delivery, data.messageBody, decoded.reasons));
      continue;
    }
    const traceId = traceFromMessage(decoded)?.traceId ?? deps.traceId;
    const received = decoded.events.length + decoded.rejected.length;
    eventCount += received;
    const tally = deps.metrics.scans(decoded.source).count({ batchSize: received });
    const group = groups.of(decoded.source, traceId);
    for (const rejected of decoded.rejected) {
      const reason = rejectionReason(rejected.errors);
      tally.reject(reason);
      group.rejectedReasons[reason] = (group.rejectedReasons[reason] ?? 0) + 1;
      deadLetters.push(invalidEventDeadLetter(delivery, rejected));
    }
    const partner = bySource.get(decoded.source) ?? { events: [], traceIds: [] };
    for (const scan of decoded.events) {
      partner.events.push(scan);
      partner.traceIds.push(traceId);
    }
    bySource.set(decoded.source, partner);
  }
  deps.metrics.countQueueBatch({ messages: messages.length, events: eventCount, unreadable });

  let accepted = 0;
  let duplicates = 0;
  for (const [source, { events, traceIds }] of bySource) {
    if (events.length === 0) continue;
    const tally = deps.metrics.scans(source);
    const result = await recordScans(
      deps.tablestore,
      { partnerId: source, channel: 'queue', events, receivedAtMs: deps.nowMs, traceId: deps.traceId, traceIds },
      deps.deadline,
      () => tally.count({ otsRetries: 1 }),
    );
    tallyRecordedScans(tally, events, result, (deps.clock ?? Date.now)());
    result.outcomes.forEach((outcome, index) => {
      const group = groups.of(source, traceIds[index] ?? deps.traceId);
      if (outcome === 'accepted') group.accepted += 1;
      else group.duplicates += 1;
    });
    accepted += result.accepted;
    duplicates += result.duplicates;
  }
  groups.write(deps.log);

  // Only now, with every valid scan stored (see the top of this file). A send that fails or outlasts the deadline
  // throws, so no bad message is ever acknowledged without its dead-letter record.
  if (deadLetters.length > 0) {
    await deps.deadLetters.sendAll(
      deps.deadLetterQueue,
      deadLetters.map(deadLetterText),
      { deadline: deps.deadline },
    );
    deps.metrics.countQueueBatch({ deadLettered: deadLetters.length });
    // Ids and reasons only: a body may hold personal data, and a JSON parse error quotes the body.
    deps.log.warn('messages dead-lettered', {
      deadLetterQueue: deps.deadLetterQueue,
      deadLettered: deadLetters.map(({ messageId, reason }) => ({ messageId, reason })),
    });
  }

  return { messages: messages.length, accepted, duplicates, deadLettered: deadLetters.length };
}
