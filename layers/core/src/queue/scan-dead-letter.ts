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
  /** The message body as delivered, or the one rejected event of a batch message. */
  body: unknown;
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
