import { describeFieldError, type RejectedQueueEvent } from '../domain/index.ts';

/**
 * The records scan-consumer puts on `scan-events-dlq`: enough to fix and replay a message by hand.
 *
 * Dead-lettering is at-least-once. A record is sent only after the batch's valid scans are stored, but a send that
 * fails or outlasts the invocation's deadline fails the invocation, and the trigger then delivers the whole batch
 * again, which sends its records again (some may have reached the queue the first time). So every record carries a
 * `deadLetterId` that is the same on every delivery of its message, and whoever drains the queue drops a record
 * whose `deadLetterId` it has already seen.
 */
export interface ScanDeadLetter {
  /**
   * The record's identity, the same on every delivery: the MNS message id for a whole message
   * (`UNREADABLE_MESSAGE`), the message id and the event's place in it for one rejected event
   * (`<messageId>/events[1]`). Two records with the same id are the same record sent twice.
   */
  deadLetterId: string;
  reason: 'UNREADABLE_MESSAGE' | 'INVALID_EVENT';
  /** The MNS message id of the original message on `scan-events`. */
  messageId: string;
  /** The id of the trigger's CloudEvent that delivered the message this time; a redelivery has another. */
  triggerEventId: string;
  details: string[];
  /** The message body as delivered, or the one rejected event of a batch message (cut short: see deadLetterText). */
  body: unknown;
  /** Present when `body` is only the start of the body, as text: how many UTF-8 bytes the whole had. */
  bodyTruncatedFromBytes?: number;
  deadLetteredAt: string;
}

/** One delivery of a message, as the trigger's CloudEvent names it, and when its records are made. */
export interface MessageDelivery {
  messageId: string;
  triggerEventId: string;
  deadLetteredAt: string;
}

/**
 * The record of a message that could not be read at all, with the reasons it cannot be a scan message.
 *
 * @example
 * ```ts
 * unreadableMessageDeadLetter({ messageId: 'M1', triggerEventId: 'E1', deadLetteredAt }, '42', ['body must be a JSON object: …']);
 * // { deadLetterId: 'M1', reason: 'UNREADABLE_MESSAGE', messageId: 'M1', triggerEventId: 'E1', details: [...], body: '42', deadLetteredAt }
 * ```
 */
export function unreadableMessageDeadLetter(delivery: MessageDelivery, body: string, reasons: string[]): ScanDeadLetter {
  return {
    deadLetterId: delivery.messageId,
    reason: 'UNREADABLE_MESSAGE',
    messageId: delivery.messageId,
    triggerEventId: delivery.triggerEventId,
    details: reasons,
    body,
    deadLetteredAt: delivery.deadLetteredAt,
  };
}

/**
 * The record of one invalid event of a batch message, with every rule it breaks.
 *
 * @example
 * ```ts
 * invalidEventDeadLetter({ messageId: 'M1', triggerEventId: 'E1', deadLetteredAt }, rejected);
 * // { deadLetterId: 'M1/events[1]', reason: 'INVALID_EVENT', details: ['events[1].waybillNo: check digit does not match'], body: rejected.input, … }
 * ```
 */
export function invalidEventDeadLetter(delivery: MessageDelivery, rejected: RejectedQueueEvent): ScanDeadLetter {
  return {
    deadLetterId: `${delivery.messageId}/events[${rejected.index}]`,
    reason: 'INVALID_EVENT',
    messageId: delivery.messageId,
    triggerEventId: delivery.triggerEventId,
    details: rejected.errors.map(describeFieldError),
    body: rejected.input,
    deadLetteredAt: delivery.deadLetteredAt,
  };
}

/**
 * The most UTF-8 bytes of a record's JSON: its base64 (4/3 larger) must stay under MNS's 64 KB message limit
 * (https://www.alibabacloud.com/help/en/mns/developer-reference/sendmessage), with a little room.
 */
export const maxDeadLetterBytes = 48 * 1024 - 256;

/**
 * A record as the JSON text put on the dead-letter queue. A record whose body would make the message too large
 * for MNS (an unreadable message of over ~36 KB, escaped) carries the start of its body as text instead, with
 * `bodyTruncatedFromBytes`: MNS would refuse the whole record, the invocation would fail on every delivery, and the
 * trigger would in the end dead-letter the raw batch without its reasons. The original message's id is in the
 * record, and its scans were never accepted, so nothing accepted is lost.
 *
 * @example
 * ```ts
 * deadLetterText(unreadableMessageDeadLetter(delivery, hugeBody, reasons)); // ≤ maxDeadLetterBytes, body cut
 * ```
 */
export function deadLetterText(record: ScanDeadLetter): string {
  const text = JSON.stringify(record);
  if (Buffer.byteLength(text, 'utf8') <= maxDeadLetterBytes) return text;
  const body = typeof record.body === 'string' ? record.body : (JSON.stringify(record.body) ?? '');
  const bodyTruncatedFromBytes = Buffer.byteLength(body, 'utf8');
  // Escaping makes a character up to 6 bytes of JSON, so the cut is found by shrinking until the record fits.
  let keep = body.length;
  for (;;) {
    keep = Math.floor(keep * 0.9);
    const cut = JSON.stringify({ ...record, body: body.slice(0, keep), bodyTruncatedFromBytes });
    if (Buffer.byteLength(cut, 'utf8') <= maxDeadLetterBytes || keep === 0) return cut;
  }
}
