import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { MnsError } from '../../../infra/local/mns/errors.ts';
import { MnsQueues } from '../../../infra/local/mns/queue.ts';
import { MnsStore } from '../../../infra/local/mns/storage.ts';

const START = Date.UTC(2026, 10, 25, 3, 16, 19);

let clock = START;
let queues: MnsQueues;

/** Repeatable ids: the n-th call returns bytes derived from n. */
function countingRandomBytes(): (size: number) => Buffer {
  let calls = 0;
  return (size) => {
    calls += 1;
    return createHash('sha256').update(String(calls)).digest().subarray(0, size);
  };
}

function advance(seconds: number): void {
  clock += seconds * 1000;
}

function errorCodeOf(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    if (error instanceof MnsError) return error.code;
    throw error;
  }
  return undefined;
}

beforeEach(() => {
  clock = START;
  queues = new MnsQueues({ store: MnsStore.open(), now: () => clock, randomBytes: countingRandomBytes() });
});

describe('queues', () => {
  it('creates a queue once, accepts the same attributes again and refuses different ones', () => {
    expect(queues.createQueue('scans', { visibilityTimeout: 60 })).toBe('created');
    expect(queues.createQueue('scans', { visibilityTimeout: 60 })).toBe('unchanged');
    expect(errorCodeOf(() => queues.createQueue('scans', {}))).toBe('QueueAlreadyExist');
  });

  it('fills in the documented defaults', () => {
    queues.createQueue('scans', {});
    expect(queues.getQueue('scans').attributes).toEqual({
      delaySeconds: 0,
      maximumMessageSize: 65_536,
      messageRetentionPeriod: 345_600,
      visibilityTimeout: 30,
      pollingWaitSeconds: 0,
      loggingEnabled: false,
    });
  });

  it('refuses names that are too long or not letters, digits and hyphens', () => {
    expect(errorCodeOf(() => queues.createQueue('', {}))).toBe('QueueNameLengthError');
    expect(errorCodeOf(() => queues.createQueue('a'.repeat(121), {}))).toBe('QueueNameLengthError');
    expect(errorCodeOf(() => queues.createQueue('hub.scans', {}))).toBe('InvalidQueueName');
    expect(queues.createQueue('7-hub', {})).toBe('created');
  });

  it('pages through queue names with a marker', () => {
    for (const name of ['b', 'a', 'c', 'other']) queues.createQueue(name === 'other' ? 'x-other' : `q-${name}`, {});
    expect(queues.listQueues({ prefix: 'q-', marker: '', limit: 2 })).toEqual({ names: ['q-a', 'q-b'], nextMarker: 'q-c' });
    expect(queues.listQueues({ prefix: 'q-', marker: 'q-c', limit: 2 })).toEqual({ names: ['q-c'] });
  });

  it('answers QueueNotExist for a queue that was deleted', () => {
    queues.createQueue('scans', {});
    queues.sendMessages('scans', [{ body: 'x' }]);
    queues.deleteQueue('scans');
    expect(errorCodeOf(() => queues.getQueue('scans'))).toBe('QueueNotExist');
    expect(errorCodeOf(() => queues.receiveMessages('scans', 1))).toBe('QueueNotExist');
    queues.createQueue('scans', {});
    expect(queues.receiveMessages('scans', 16)).toEqual([]);
  });
});

describe('messages', () => {
  beforeEach(() => {
    queues.createQueue('scans', { visibilityTimeout: 30 });
  });

  it('delivers by priority, then in enqueue order', () => {
    queues.sendMessages('scans', [
      { body: 'normal-1' },
      { body: 'low', priority: 16 },
      { body: 'urgent', priority: 1 },
      { body: 'normal-2' },
    ]);
    expect(queues.receiveMessages('scans', 16).map((message) => message.body)).toEqual([
      'urgent',
      'normal-1',
      'normal-2',
      'low',
    ]);
  });

  it('hides a received message for the visibility timeout, then redelivers it under a new handle', () => {
    queues.sendMessages('scans', [{ body: 'PS773061155005900' }]);
    advance(1);
    const [first] = queues.receiveMessages('scans', 1);
    expect(first).toMatchObject({
      enqueueTime: START,
      firstDequeueTime: START + 1000,
      nextVisibleTime: START + 31_000,
      dequeueCount: 1,
    });
    expect(first?.receiptHandle).toMatch(/^[A-Za-z0-9-]+$/);

    advance(29);
    expect(queues.receiveMessages('scans', 1)).toEqual([]);
    advance(1);
    const [second] = queues.receiveMessages('scans', 1);
    expect(second).toMatchObject({ messageId: first?.messageId, dequeueCount: 2, firstDequeueTime: START + 1000 });
    expect(second?.receiptHandle).not.toBe(first?.receiptHandle);
    expect(errorCodeOf(() => queues.deleteMessage('scans', first?.receiptHandle ?? ''))).toBe('MessageNotExist');
    queues.deleteMessage('scans', second?.receiptHandle ?? '');
    advance(60);
    expect(queues.receiveMessages('scans', 1)).toEqual([]);
  });

  it('tells a handle it never issued (ReceiptHandleError) from one that is no longer current (MessageNotExist)', () => {
    queues.sendMessages('scans', [{ body: 'x' }]);
    const [message] = queues.receiveMessages('scans', 1);
    const handle = message?.receiptHandle ?? '';
    expect(errorCodeOf(() => queues.deleteMessage('scans', 'MbZj6wDWli+QEauMZc8ZRv37sIW2iJKq'))).toBe('ReceiptHandleError');
    const forged = `${handle.slice(0, -1)}${handle.endsWith('0') ? '1' : '0'}`;
    expect(errorCodeOf(() => queues.deleteMessage('scans', forged))).toBe('MessageNotExist');
    advance(30);
    expect(errorCodeOf(() => queues.deleteMessage('scans', handle))).toBe('MessageNotExist');
  });

  it("delays by the message's DelaySeconds, else by the queue's", () => {
    queues.setQueueAttributes('scans', { delaySeconds: 10 });
    queues.sendMessages('scans', [{ body: 'queue-delay' }, { body: 'own-delay', delaySeconds: 5 }]);
    expect(queues.getQueue('scans').counts).toEqual({ active: 0, inactive: 0, delayed: 2 });
    expect(queues.nextVisibleTime('scans')).toBe(START + 5000);
    advance(5);
    expect(queues.receiveMessages('scans', 16).map((message) => message.body)).toEqual(['own-delay']);
    expect(queues.getQueue('scans').counts).toEqual({ active: 0, inactive: 1, delayed: 1 });
    advance(5);
    expect(queues.receiveMessages('scans', 16).map((message) => message.body)).toEqual(['queue-delay']);
  });

  it('drops messages at the end of the retention period', () => {
    queues.setQueueAttributes('scans', { messageRetentionPeriod: 60 });
    queues.sendMessages('scans', [{ body: 'x' }]);
    advance(59);
    expect(queues.peekMessages('scans', 1)).toHaveLength(1);
    advance(1);
    expect(queues.peekMessages('scans', 1)).toEqual([]);
    expect(queues.getQueue('scans').counts.active).toBe(0);
  });

  it('peeks without changing a message', () => {
    queues.sendMessages('scans', [{ body: 'x', priority: 2 }]);
    expect(queues.peekMessages('scans', 16)).toEqual([
      expect.objectContaining({ body: 'x', dequeueCount: 0, firstDequeueTime: 0, priority: 2 }),
    ]);
    expect(queues.receiveMessages('scans', 1)[0]?.dequeueCount).toBe(1);
  });

  it('sends all messages of a batch or none', () => {
    queues.setQueueAttributes('scans', { maximumMessageSize: 1024 });
    expect(errorCodeOf(() => queues.sendMessages('scans', [{ body: 'ok' }, { body: 'x'.repeat(1025) }]))).toBe(
      'InvalidArgument',
    );
    expect(errorCodeOf(() => queues.sendMessages('scans', [{ body: '' }]))).toBe('InvalidArgument');
    expect(queues.getQueue('scans').counts.active).toBe(0);
  });

  it('measures bodies in UTF-8 bytes', () => {
    queues.setQueueAttributes('scans', { maximumMessageSize: 1024 });
    expect(errorCodeOf(() => queues.sendMessages('scans', [{ body: '包'.repeat(342) }]))).toBe('InvalidArgument');
    expect(queues.sendMessages('scans', [{ body: '包'.repeat(341) }])).toHaveLength(1);
  });

  it('reports MessageBodyMD5 as the upper-case hex MD5 of the body', () => {
    const [sent] = queues.sendMessages('scans', [{ body: 'hello' }]);
    expect(sent?.bodyMd5).toBe('5D41402ABC4B2A76B9719D911017C592');
  });

  it('batch-deletes current handles and reports the others', () => {
    queues.sendMessages('scans', [{ body: 'a' }, { body: 'b' }]);
    const [a, b] = queues.receiveMessages('scans', 2).map((message) => message.receiptHandle);
    const failures = queues.deleteMessages('scans', [a ?? '', 'bogus', a ?? '', b ?? '']);
    expect(failures.map(({ receiptHandle, error }) => [receiptHandle, error.code])).toEqual([
      ['bogus', 'ReceiptHandleError'],
      [a, 'MessageNotExist'],
    ]);
    expect(queues.getQueue('scans').counts).toEqual({ active: 0, inactive: 0, delayed: 0 });
  });

  it('changes visibility from the moment of the call, under a new handle', () => {
    queues.sendMessages('scans', [{ body: 'x' }]);
    const [message] = queues.receiveMessages('scans', 1);
    advance(20);
    const change = queues.changeVisibility('scans', message?.receiptHandle ?? '', 5);
    expect(change.nextVisibleTime).toBe(START + 25_000);
    expect(change.receiptHandle).not.toBe(message?.receiptHandle);
    expect(errorCodeOf(() => queues.changeVisibility('scans', message?.receiptHandle ?? '', 5))).toBe('MessageNotExist');
    advance(5);
    expect(queues.receiveMessages('scans', 1)[0]).toMatchObject({ body: 'x', dequeueCount: 2 });
  });
});
