import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMnsServer, type MnsServerHandle } from '../../../infra/local/mns/index.ts';
import { expectMnsError, field, mnsClient } from './fixtures/mns-sdk.ts';

/**
 * The local MNS server driven only through the official `@alicloud/mns` SDK, as the functions will drive the
 * cloud service. The server's clock runs `skewMs` ahead of the wall clock so delays, visibility timeouts and
 * retention can be crossed without sleeping; the one real-time case is the visibility timeout the brief
 * asks to see expire for real.
 */
let skewMs = 0;
let server: MnsServerHandle;
let client: ReturnType<typeof mnsClient>;
let queueSerial = 0;

beforeAll(async () => {
  server = await startMnsServer({ port: 0, now: () => Date.now() + skewMs });
  client = mnsClient(server.url);
});

afterAll(async () => {
  await server.close();
});

/** Moves the server's clock forward (stays well inside MNS's 15-minute Date tolerance). */
function advanceClock(seconds: number): void {
  skewMs += seconds * 1000;
}

/** A fresh queue per test, so tests never see each other's messages. */
async function newQueue(attributes: Parameters<typeof client.createQueue>[1] = {}): Promise<string> {
  queueSerial += 1;
  const name = `scans-${queueSerial}`;
  await client.createQueue(name, attributes);
  return name;
}

function md5Hex(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex').toUpperCase();
}

describe('queue management', () => {
  it('creates a queue with 201 and a Location, answers 204 to the same attributes and QueueAlreadyExist to others', async () => {
    const created = await client.createQueue('hub-arrivals', { VisibilityTimeout: 60 });
    expect(created.code).toBe(201);
    expect(created.headers['location']).toBe(`${server.url}/queues/hub-arrivals`);

    const again = await client.createQueue('hub-arrivals', { VisibilityTimeout: 60 });
    expect(again.code).toBe(204);

    const message = await expectMnsError(client.createQueue('hub-arrivals', { VisibilityTimeout: 61 }), 'QueueAlreadyExist');
    expect(message).toContain('failed with 409');
  });

  it('reports the attributes a queue was created with, defaults for the rest, and its message counts', async () => {
    const before = Math.floor((Date.now() + skewMs) / 1000);
    const queue = await newQueue({ VisibilityTimeout: 45, DelaySeconds: 2 });
    const { body } = await client.getQueueAttributes(queue);
    expect(body).toMatchObject({
      QueueName: queue,
      VisibilityTimeout: '45',
      DelaySeconds: '2',
      MaximumMessageSize: '65536',
      MessageRetentionPeriod: '345600',
      PollingWaitSeconds: '0',
      LoggingEnabled: 'False',
      ActiveMessages: '0',
      InactiveMessages: '0',
      DelayMessages: '0',
    });
    expect(Number(field(body, 'CreateTime'))).toBeGreaterThanOrEqual(before);
    expect(field(body, 'LastModifyTime')).toBe(field(body, 'CreateTime'));
  });

  it('changes only the given attributes with SetQueueAttributes and moves LastModifyTime', async () => {
    const queue = await newQueue({ VisibilityTimeout: 45 });
    advanceClock(2);
    const response = await client.setQueueAttributes(queue, { PollingWaitSeconds: 3, LoggingEnabled: true });
    expect(response.code).toBe(204);
    const { body } = await client.getQueueAttributes(queue);
    expect(body).toMatchObject({ VisibilityTimeout: '45', PollingWaitSeconds: '3', LoggingEnabled: 'True' });
    expect(Number(field(body, 'LastModifyTime'))).toBeGreaterThan(Number(field(body, 'CreateTime')));
  });

  it('rejects out-of-range attributes with InvalidArgument naming the element and its range', async () => {
    const message = await expectMnsError(client.createQueue('too-quick', { VisibilityTimeout: 0 }), 'InvalidArgument');
    expect(message).toContain('VisibilityTimeout should between 1 and 43200 seconds');
    const queue = await newQueue();
    await expectMnsError(client.setQueueAttributes(queue, { PollingWaitSeconds: 31 }), 'InvalidArgument');
    await expectMnsError(client.createQueue('small', { MaximumMessageSize: 1023 }), 'InvalidArgument');
  });

  it('rejects queue names that are not letters, digits and hyphens', async () => {
    await expectMnsError(client.createQueue('hub_arrivals'), 'InvalidQueueName');
    await expectMnsError(client.createQueue('-hub'), 'InvalidQueueName');
    await expectMnsError(client.createQueue('h'.repeat(121)), 'QueueNameLengthError');
  });

  it('lists queues by prefix, up to x-mns-ret-number, from x-mns-marker', async () => {
    for (const name of ['list-a', 'list-b', 'list-c']) await client.createQueue(name);
    const all = await client.listQueue('', 1000, 'list-');
    expect(all.body?.map((queue) => queue['QueueURL'])).toEqual([
      `${server.url}/queues/list-a`,
      `${server.url}/queues/list-b`,
      `${server.url}/queues/list-c`,
    ]);
    const firstTwo = await client.listQueue('', 2, 'list-');
    expect(firstTwo.body).toHaveLength(2);
    const fromB = await client.listQueue('list-b', 1000, 'list-');
    expect(fromB.body?.map((queue) => queue['QueueURL'])).toEqual([
      `${server.url}/queues/list-b`,
      `${server.url}/queues/list-c`,
    ]);
    await expectMnsError(client.listQueue('', 1001, ''), 'InvalidArgument');
  });

  it('deletes a queue with its messages; the queue is gone afterwards', async () => {
    const queue = await newQueue();
    await client.sendMessage(queue, { MessageBody: 'PS773061155005900' });
    expect((await client.deleteQueue(queue)).code).toBe(204);
    await expectMnsError(client.getQueueAttributes(queue), 'QueueNotExist');
    await expectMnsError(client.deleteQueue(queue), 'QueueNotExist');
  });

  it('answers QueueNotExist for every operation on an unknown queue', async () => {
    await expectMnsError(client.getQueueAttributes('no-such-queue'), 'QueueNotExist');
    await expectMnsError(client.setQueueAttributes('no-such-queue', { DelaySeconds: 1 }), 'QueueNotExist');
    await expectMnsError(client.sendMessage('no-such-queue', { MessageBody: 'x' }), 'QueueNotExist');
    await expectMnsError(client.receiveMessage('no-such-queue', 1), 'QueueNotExist');
    await expectMnsError(client.peekMessage('no-such-queue'), 'QueueNotExist');
  });
});

describe('sending', () => {
  it('answers 201 with a MessageId and the upper-case hex MD5 of the body', async () => {
    const queue = await newQueue();
    const body = 'eyJ3YXliaWxsTm8iOiJQUzc3MzA2MTE1NTAwNTkwMyIsInN0YXR1cyI6IkFSUklWRUQifQ==';
    const sent = await client.sendMessage(queue, { MessageBody: body });
    expect(sent.code).toBe(201);
    expect(field(sent.body, 'MessageId')).toMatch(/^[0-9A-F]{32}$/);
    expect(field(sent.body, 'MessageBodyMD5')).toBe(md5Hex(body));
    const received = await client.receiveMessage(queue);
    expect(field(received.body, 'MessageBody')).toBe(body);
    expect(field(received.body, 'MessageId')).toBe(field(sent.body, 'MessageId'));
  });

  it('decodes XML entities the sender escaped and escapes them again on delivery', async () => {
    const queue = await newQueue();
    const sent = await client.sendMessage(queue, { MessageBody: 'hub &lt;SZX&gt; &amp; "gate" 7' });
    expect(field(sent.body, 'MessageBodyMD5')).toBe(md5Hex('hub <SZX> & "gate" 7'));
    const received = await client.receiveMessage(queue);
    expect(field(received.body, 'MessageBody')).toBe('hub <SZX> & "gate" 7');
  });

  it('rejects a body the SDK sent unescaped as MalformedXML', async () => {
    const queue = await newQueue();
    await expectMnsError(client.sendMessage(queue, { MessageBody: 'a<b&c' }), 'MalformedXML');
  });

  it('accepts a body of exactly 64 KiB and rejects a larger one with InvalidArgument', async () => {
    const queue = await newQueue();
    expect((await client.sendMessage(queue, { MessageBody: 'x'.repeat(65_536) })).code).toBe(201);
    const message = await expectMnsError(client.sendMessage(queue, { MessageBody: 'x'.repeat(65_537) }), 'InvalidArgument');
    expect(message).toContain('MessageBody should between 1 and 65536 bytes');
  });

  it("holds bodies to the queue's MaximumMessageSize", async () => {
    const queue = await newQueue({ MaximumMessageSize: 1024 });
    expect((await client.sendMessage(queue, { MessageBody: 'x'.repeat(1024) })).code).toBe(201);
    await expectMnsError(client.sendMessage(queue, { MessageBody: 'x'.repeat(1025) }), 'InvalidArgument');
  });

  it('rejects Priority and DelaySeconds outside their ranges', async () => {
    const queue = await newQueue();
    await expectMnsError(client.sendMessage(queue, { MessageBody: 'x', Priority: 0 }), 'InvalidArgument');
    await expectMnsError(client.sendMessage(queue, { MessageBody: 'x', Priority: 17 }), 'InvalidArgument');
    await expectMnsError(client.sendMessage(queue, { MessageBody: 'x', DelaySeconds: 604_801 }), 'InvalidArgument');
  });

  it('batch-sends up to 16 messages and rejects 17 with InvalidArgument', async () => {
    const queue = await newQueue();
    const sixteen = Array.from({ length: 16 }, (_, index) => ({ MessageBody: `scan-${index}` }));
    const sent = await client.batchSendMessage(queue, sixteen);
    expect(sent.code).toBe(201);
    expect(sent.body.map((message) => field(message, 'MessageBodyMD5'))).toEqual(
      sixteen.map((message) => md5Hex(message.MessageBody)),
    );
    await expectMnsError(client.batchSendMessage(queue, [...sixteen, { MessageBody: 'scan-16' }]), 'InvalidArgument');
    expect((await client.getQueueAttributes(queue)).body['ActiveMessages']).toBe('16');
  });

  it('rejects a batch over 64 KiB in total, sending none of it', async () => {
    const queue = await newQueue();
    const batch = Array.from({ length: 2 }, () => ({ MessageBody: 'x'.repeat(40_000) }));
    await expectMnsError(client.batchSendMessage(queue, batch), 'InvalidArgument');
    expect((await client.getQueueAttributes(queue)).body['ActiveMessages']).toBe('0');
  });
});

describe('receiving', () => {
  it('delivers with a new URL-safe receipt handle, NextVisibleTime, FirstDequeueTime, DequeueCount and Priority', async () => {
    const queue = await newQueue({ VisibilityTimeout: 30 });
    await client.sendMessage(queue, { MessageBody: 'PS773061155005900', Priority: 5 });
    const { code, body } = await client.receiveMessage(queue);
    expect(code).toBe(200);
    expect(field(body, 'ReceiptHandle')).toMatch(/^[A-Za-z0-9-]+$/);
    expect(field(body, 'DequeueCount')).toBe('1');
    expect(field(body, 'Priority')).toBe('5');
    expect(Number(field(body, 'FirstDequeueTime'))).toBeGreaterThanOrEqual(Number(field(body, 'EnqueueTime')));
    expect(Number(field(body, 'NextVisibleTime')) - Number(field(body, 'FirstDequeueTime'))).toBe(30_000);
  });

  it('delivers by priority (1 first), then in the order messages were sent', async () => {
    const queue = await newQueue();
    await client.batchSendMessage(queue, [
      { MessageBody: 'low-1', Priority: 16 },
      { MessageBody: 'normal-1' },
      { MessageBody: 'urgent-1', Priority: 1 },
      { MessageBody: 'normal-2' },
      { MessageBody: 'urgent-2', Priority: 1 },
    ]);
    const { body } = await client.batchReceiveMessage(queue, 16);
    expect(body.map((message) => field(message, 'MessageBody'))).toEqual([
      'urgent-1',
      'urgent-2',
      'normal-1',
      'normal-2',
      'low-1',
    ]);
  });

  it('answers MessageNotExist at once from an empty queue with no wait', async () => {
    const queue = await newQueue();
    await expectMnsError(client.receiveMessage(queue), 'MessageNotExist');
    await expectMnsError(client.batchReceiveMessage(queue, 4), 'MessageNotExist');
  });

  it('batch-receives at most numOfMessages and rejects numOfMessages or waitseconds out of range', async () => {
    const queue = await newQueue();
    await client.batchSendMessage(queue, Array.from({ length: 5 }, (_, index) => ({ MessageBody: `scan-${index}` })));
    expect((await client.batchReceiveMessage(queue, 3)).body).toHaveLength(3);
    expect((await client.batchReceiveMessage(queue, 16)).body).toHaveLength(2);
    await expectMnsError(client.batchReceiveMessage(queue, 17), 'InvalidArgument');
    await expectMnsError(client.batchReceiveMessage(queue, 0), 'InvalidArgument');
    await expectMnsError(client.receiveMessage(queue, 31), 'InvalidArgument');
  });

  it('redelivers after the visibility timeout with DequeueCount 2 and a new handle, and rejects the old handle', async () => {
    const queue = await newQueue({ VisibilityTimeout: 1 });
    await client.sendMessage(queue, { MessageBody: 'PS773061155005900' });
    const first = await client.receiveMessage(queue);
    await expectMnsError(client.receiveMessage(queue), 'MessageNotExist');

    await sleep(1_100);
    const second = await client.receiveMessage(queue);
    expect(field(second.body, 'MessageId')).toBe(field(first.body, 'MessageId'));
    expect(field(second.body, 'DequeueCount')).toBe('2');
    expect(field(second.body, 'FirstDequeueTime')).toBe(field(first.body, 'FirstDequeueTime'));
    expect(field(second.body, 'ReceiptHandle')).not.toBe(field(first.body, 'ReceiptHandle'));

    await expectMnsError(client.deleteMessage(queue, field(first.body, 'ReceiptHandle')), 'MessageNotExist');
    expect((await client.deleteMessage(queue, field(second.body, 'ReceiptHandle'))).code).toBe(204);
  });

  it('holds a delayed message until its DelaySeconds pass, counting it under DelayMessages', async () => {
    const queue = await newQueue();
    await client.sendMessage(queue, { MessageBody: 'later', DelaySeconds: 5 });
    await expectMnsError(client.receiveMessage(queue), 'MessageNotExist');
    expect((await client.getQueueAttributes(queue)).body).toMatchObject({ DelayMessages: '1', ActiveMessages: '0' });

    advanceClock(5);
    expect(field((await client.receiveMessage(queue)).body, 'MessageBody')).toBe('later');
  });

  it("applies the queue's DelaySeconds unless the message sets its own", async () => {
    const queue = await newQueue({ DelaySeconds: 60 });
    await client.sendMessage(queue, { MessageBody: 'queue-delay' });
    await client.sendMessage(queue, { MessageBody: 'no-delay', DelaySeconds: 0 });
    expect(field((await client.receiveMessage(queue)).body, 'MessageBody')).toBe('no-delay');
    await expectMnsError(client.receiveMessage(queue), 'MessageNotExist');
    advanceClock(60);
    expect(field((await client.receiveMessage(queue)).body, 'MessageBody')).toBe('queue-delay');
  });

  it('counts active, inactive and delayed messages', async () => {
    const queue = await newQueue();
    await client.batchSendMessage(queue, [
      { MessageBody: 'a' },
      { MessageBody: 'b' },
      { MessageBody: 'c', DelaySeconds: 100 },
    ]);
    await client.receiveMessage(queue);
    expect((await client.getQueueAttributes(queue)).body).toMatchObject({
      ActiveMessages: '1',
      InactiveMessages: '1',
      DelayMessages: '1',
    });
  });

  it('drops messages once their MessageRetentionPeriod is over', async () => {
    const queue = await newQueue({ MessageRetentionPeriod: 60 });
    await client.sendMessage(queue, { MessageBody: 'stale scan' });
    advanceClock(61);
    await expectMnsError(client.receiveMessage(queue), 'MessageNotExist');
    expect((await client.getQueueAttributes(queue)).body['ActiveMessages']).toBe('0');
  });
});

describe('long polling', () => {
  it('wakes a waiting receive as soon as a message is sent, long before its waitseconds end', async () => {
    const queue = await newQueue();
    const waiting = client.receiveMessage(queue, 10);
    await sleep(200);
    await client.sendMessage(queue, { MessageBody: 'woken' });
    expect(field((await waiting).body, 'MessageBody')).toBe('woken');
  });

  it('wakes a batch receive when a delayed message becomes due during the wait', async () => {
    const queue = await newQueue();
    await client.sendMessage(queue, { MessageBody: 'due-soon', DelaySeconds: 1 });
    const { body } = await client.batchReceiveMessage(queue, 16, 5);
    expect(body.map((message) => field(message, 'MessageBody'))).toEqual(['due-soon']);
  });

  it("waits for the queue's PollingWaitSeconds when the request gives no waitseconds", async () => {
    const queue = await newQueue({ PollingWaitSeconds: 10 });
    const waiting = client.receiveMessage(queue);
    await sleep(200);
    await client.sendMessage(queue, { MessageBody: 'polled' });
    expect(field((await waiting).body, 'MessageBody')).toBe('polled');
  });

  it('answers MessageNotExist when the wait ends with nothing to receive', async () => {
    const queue = await newQueue();
    await expectMnsError(client.receiveMessage(queue, 1), 'MessageNotExist');
  });
});

describe('peeking', () => {
  it('shows messages without a receipt handle and without consuming them', async () => {
    const queue = await newQueue();
    await client.batchSendMessage(queue, [{ MessageBody: 'first', Priority: 2 }, { MessageBody: 'second' }]);
    const peeked = await client.peekMessage(queue);
    expect(peeked.body).toMatchObject({ MessageBody: 'first', DequeueCount: '0', Priority: '2' });
    expect(peeked.body).not.toHaveProperty('ReceiptHandle');
    expect(peeked.body).toHaveProperty('EnqueueTime');
    expect(peeked.body).toHaveProperty('FirstDequeueTime');

    const batch = await client.batchPeekMessage(queue, 16);
    expect(batch.body.map((message) => field(message, 'MessageBody'))).toEqual(['first', 'second']);

    const received = await client.receiveMessage(queue);
    expect(field(received.body, 'DequeueCount')).toBe('1');
    expect(field((await client.peekMessage(queue)).body, 'MessageBody')).toBe('second');
  });

  it('answers MessageNotExist when nothing is receivable', async () => {
    const queue = await newQueue();
    await expectMnsError(client.peekMessage(queue), 'MessageNotExist');
    await expectMnsError(client.batchPeekMessage(queue, 2), 'MessageNotExist');
  });
});

describe('deleting', () => {
  it('deletes with the current handle; the message is gone', async () => {
    const queue = await newQueue({ VisibilityTimeout: 1 });
    await client.sendMessage(queue, { MessageBody: 'done' });
    const received = await client.receiveMessage(queue);
    expect((await client.deleteMessage(queue, field(received.body, 'ReceiptHandle'))).code).toBe(204);
    advanceClock(2);
    await expectMnsError(client.receiveMessage(queue), 'MessageNotExist');
  });

  it('answers MessageNotExist for a handle used twice and ReceiptHandleError for one it never issued', async () => {
    const queue = await newQueue();
    await client.sendMessage(queue, { MessageBody: 'once' });
    const handle = field((await client.receiveMessage(queue)).body, 'ReceiptHandle');
    await client.deleteMessage(queue, handle);
    await expectMnsError(client.deleteMessage(queue, handle), 'MessageNotExist');
    await expectMnsError(client.deleteMessage(queue, 'not-a-handle'), 'ReceiptHandleError');
  });

  it('answers MessageNotExist for a handle whose visibility timeout is over', async () => {
    const queue = await newQueue({ VisibilityTimeout: 10 });
    await client.sendMessage(queue, { MessageBody: 'slow consumer' });
    const handle = field((await client.receiveMessage(queue)).body, 'ReceiptHandle');
    advanceClock(11);
    await expectMnsError(client.deleteMessage(queue, handle), 'MessageNotExist');
  });

  it('batch-deletes with 204 when every handle is current', async () => {
    const queue = await newQueue();
    await client.batchSendMessage(queue, [{ MessageBody: 'a' }, { MessageBody: 'b' }]);
    const handles = (await client.batchReceiveMessage(queue, 2)).body.map((message) => field(message, 'ReceiptHandle'));
    const response = await client.batchDeleteMessage(queue, handles);
    expect(response.code).toBe(204);
    expect(response.body).toBeUndefined();
  });

  it('batch-deletes the current handles and reports each failed one without throwing', async () => {
    const queue = await newQueue();
    await client.batchSendMessage(queue, [{ MessageBody: 'a' }, { MessageBody: 'b' }, { MessageBody: 'c' }]);
    const [a, b, c] = (await client.batchReceiveMessage(queue, 3)).body.map((message) => field(message, 'ReceiptHandle'));
    if (a === undefined || b === undefined || c === undefined) throw new Error('expected three deliveries');
    await client.deleteMessage(queue, b);

    const response = await client.batchDeleteMessage(queue, [a, b, 'not-a-handle', c]);
    expect(response.code).toBe(404);
    expect(response.body).toEqual([
      { ErrorCode: 'MessageNotExist', ErrorMessage: 'Message not exist.', ReceiptHandle: b },
      {
        ErrorCode: 'ReceiptHandleError',
        ErrorMessage: 'The receipt handle you provide is not valid.',
        ReceiptHandle: 'not-a-handle',
      },
    ]);
    expect((await client.getQueueAttributes(queue)).body).toMatchObject({ ActiveMessages: '0', InactiveMessages: '0' });
  });

  it('rejects a batch delete of more than 16 handles', async () => {
    const queue = await newQueue();
    const handles = Array.from({ length: 17 }, (_, index) => `handle-${index}`);
    await expectMnsError(client.batchDeleteMessage(queue, handles), 'InvalidArgument');
  });
});

describe('changing visibility', () => {
  it('issues a new handle and NextVisibleTime counted from the call, and retires the old handle', async () => {
    const queue = await newQueue({ VisibilityTimeout: 30 });
    await client.sendMessage(queue, { MessageBody: 'long job' });
    const received = await client.receiveMessage(queue);
    const oldHandle = field(received.body, 'ReceiptHandle');

    advanceClock(10);
    const changed = await client.changeMessageVisibility(queue, oldHandle, 100);
    expect(changed.code).toBe(200);
    const newHandle = field(changed.body, 'ReceiptHandle');
    expect(newHandle).toMatch(/^[A-Za-z0-9-]+$/);
    expect(newHandle).not.toBe(oldHandle);
    const extendedBy = Number(field(changed.body, 'NextVisibleTime')) - Number(field(received.body, 'FirstDequeueTime'));
    expect(extendedBy).toBeGreaterThanOrEqual(110_000);
    expect(extendedBy).toBeLessThan(111_000);
    await expectMnsError(client.deleteMessage(queue, oldHandle), 'MessageNotExist');

    advanceClock(25);
    await expectMnsError(client.receiveMessage(queue), 'MessageNotExist');
    advanceClock(76);
    const again = await client.receiveMessage(queue);
    expect(field(again.body, 'DequeueCount')).toBe('2');
  });

  it('rejects timeouts outside 1-43200 s and handles that are not current', async () => {
    const queue = await newQueue();
    await client.sendMessage(queue, { MessageBody: 'x' });
    const handle = field((await client.receiveMessage(queue)).body, 'ReceiptHandle');
    await expectMnsError(client.changeMessageVisibility(queue, handle, 0), 'InvalidArgument');
    await expectMnsError(client.changeMessageVisibility(queue, handle, 43_201), 'InvalidArgument');
    await expectMnsError(client.changeMessageVisibility(queue, 'not-a-handle', 10), 'ReceiptHandleError');
    await client.deleteMessage(queue, handle);
    await expectMnsError(client.changeMessageVisibility(queue, handle, 10), 'MessageNotExist');
  });
});

describe('authentication', () => {
  it('rejects a wrong secret with SignatureDoesNotMatch', async () => {
    const intruder = mnsClient(server.url, { accessKeyId: 'local', accessKeySecret: 'not-the-secret' });
    const message = await expectMnsError(intruder.listQueue(), 'SignatureDoesNotMatch');
    expect(message).toContain('failed with 403');
  });

  it('rejects an unknown AccessKey id with InvalidAccessKeyId', async () => {
    const stranger = mnsClient(server.url, { accessKeyId: 'someone-else', accessKeySecret: 'local-secret' });
    await expectMnsError(stranger.listQueue(), 'InvalidAccessKeyId');
  });

  it('accepts any account id and serves every account the same queues', async () => {
    const queue = await newQueue();
    await client.sendMessage(queue, { MessageBody: 'shared' });
    const otherAccount = mnsClient(server.url, undefined, '1234567890123456');
    expect(field((await otherAccount.receiveMessage(queue)).body, 'MessageBody')).toBe('shared');
  });
});
