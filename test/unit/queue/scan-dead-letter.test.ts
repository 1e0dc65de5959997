import { describe, expect, it } from 'vitest';
import type { RejectedQueueEvent } from '../../../layers/core/src/domain/index.ts';
import { deadLetterText, invalidEventDeadLetter, maxDeadLetterBytes, unreadableMessageDeadLetter } from '../../../layers/core/src/queue/scan-dead-letter.ts';
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

describe('the text of a dead-letter record', () => {
  const delivery = { messageId: 'M-big', triggerEventId: 'E-1', deadLetteredAt: '2026-11-25T10:00:00.000Z' };

  it('is the record as JSON when it fits an MNS message', () => {
    const record = unreadableMessageDeadLetter(delivery, 'not base64 at all', ['body is not valid base64']);
    expect(JSON.parse(deadLetterText(record))).toEqual(record);
  });

  it('cuts the body of a record too large for MNS, keeping its start and saying how large it was', () => {
    // Quotes and control characters are escaped, so the JSON is larger than the body itself.
    const body = '"\u0001漢'.repeat(20_000);
    const text = deadLetterText(unreadableMessageDeadLetter(delivery, body, ['body is not valid base64']));

    expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(maxDeadLetterBytes);
    expect(Buffer.byteLength(Buffer.from(text).toString('base64'))).toBeLessThan(64 * 1024);
    const sent = JSON.parse(text) as { deadLetterId: string; details: string[]; body: string; bodyTruncatedFromBytes: number };
    expect(sent).toMatchObject({ deadLetterId: 'M-big', details: ['body is not valid base64'], bodyTruncatedFromBytes: Buffer.byteLength(body, 'utf8') });
    expect(body.startsWith(sent.body)).toBe(true);
    expect(sent.body.length).toBeGreaterThan(1000);
  });
});
