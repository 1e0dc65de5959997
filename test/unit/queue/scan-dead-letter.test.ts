import { describe, expect, it } from 'vitest';
import type { RejectedQueueEvent } from '../../../layers/core/src/domain/index.ts';
import { invalidEventDeadLetter, unreadableMessageDeadLetter } from '../../../layers/core/src/queue/scan-dead-letter.ts';
import { scanEventInput } from '../domain/scan-fixtures.ts';

const firstDelivery = { messageId: 'M-1', triggerEventId: 'event-1', deadLetteredAt: '2025-11-25T06:03:00.000Z' };
const redelivery = { messageId: 'M-1', triggerEventId: 'event-9', deadLetteredAt: '2025-11-25T06:04:00.000Z' };

const rejectedSecondEvent: RejectedQueueEvent = {
  index: 1,
  eventId: 'e-2',
  errors: [{ path: 'events[1].waybillNo', message: 'check digit does not match' }],
  input: scanEventInput({ eventId: 'e-2', waybillNo: '773061155005901' }),
};

describe('a dead-letter record', () => {
  it('of an unreadable message is the whole body as delivered, with its reasons, named by the message id', () => {
    expect(unreadableMessageDeadLetter(firstDelivery, '42', ['body must be a JSON object'])).toEqual({
      deadLetterId: 'M-1',
      reason: 'UNREADABLE_MESSAGE',
      messageId: 'M-1',
      triggerEventId: 'event-1',
      details: ['body must be a JSON object'],
      body: '42',
      deadLetteredAt: '2025-11-25T06:03:00.000Z',
    });
  });

  it('of an invalid event is that event as sent, with every rule it breaks, named by the message id and its place', () => {
    expect(invalidEventDeadLetter(firstDelivery, rejectedSecondEvent)).toEqual({
      deadLetterId: 'M-1/events[1]',
      reason: 'INVALID_EVENT',
      messageId: 'M-1',
      triggerEventId: 'event-1',
      details: ['events[1].waybillNo: check digit does not match'],
      body: rejectedSecondEvent.input,
      deadLetteredAt: '2025-11-25T06:03:00.000Z',
    });
  });

  it('keeps its identity when the message is delivered again, so a repeat can be dropped', () => {
    expect(invalidEventDeadLetter(redelivery, rejectedSecondEvent).deadLetterId).toBe(invalidEventDeadLetter(firstDelivery, rejectedSecondEvent).deadLetterId);
    expect(unreadableMessageDeadLetter(redelivery, '42', []).deadLetterId).toBe(unreadableMessageDeadLetter(firstDelivery, '42', []).deadLetterId);
  });

  it('tells the deliveries apart by the trigger event id', () => {
    expect(invalidEventDeadLetter(redelivery, rejectedSecondEvent).triggerEventId).not.toBe(invalidEventDeadLetter(firstDelivery, rejectedSecondEvent).triggerEventId);
  });

  it('of two invalid events of one message has two identities', () => {
    const third = { ...rejectedSecondEvent, index: 2 };
    expect(invalidEventDeadLetter(firstDelivery, third).deadLetterId).not.toBe(invalidEventDeadLetter(firstDelivery, rejectedSecondEvent).deadLetterId);
  });
});
