import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LongPoller } from '../../../infra/local/mns/long-poll.ts';
import { MnsQueues } from '../../../infra/local/mns/queue.ts';
import { MnsStore } from '../../../infra/local/mns/storage.ts';

let queues: MnsQueues;
let poller: LongPoller;

beforeEach(() => {
  vi.useFakeTimers({ now: Date.UTC(2026, 10, 25) });
  queues = new MnsQueues({ store: MnsStore.open(), now: () => Date.now() });
  poller = new LongPoller(queues, () => Date.now());
  queues.createQueue('scans', {});
});

afterEach(() => {
  poller.close();
  vi.useRealTimers();
});

function bodies(messages: ReadonlyArray<{ body: string }>): string[] {
  return messages.map((message) => message.body);
}

describe('long polling', () => {
  it('answers at once when a message is already there', async () => {
    queues.sendMessages('scans', [{ body: 'ready' }]);
    expect(bodies(await poller.receive('scans', 16, 30, new AbortController().signal))).toEqual(['ready']);
  });

  it('wakes a waiting receive when a send notifies the queue', async () => {
    const waiting = poller.receive('scans', 16, 30, new AbortController().signal);
    await vi.advanceTimersByTimeAsync(1_000);
    queues.sendMessages('scans', [{ body: 'arrived' }]);
    poller.notify('scans');
    expect(bodies(await waiting)).toEqual(['arrived']);
  });

  it('serves waiters first come, first served', async () => {
    const first = poller.receive('scans', 1, 30, new AbortController().signal);
    const second = poller.receive('scans', 1, 30, new AbortController().signal);
    queues.sendMessages('scans', [{ body: 'one' }]);
    poller.notify('scans');
    expect(bodies(await first)).toEqual(['one']);
    queues.sendMessages('scans', [{ body: 'two' }]);
    poller.notify('scans');
    expect(bodies(await second)).toEqual(['two']);
  });

  it('ends with no messages when the wait runs out', async () => {
    const waiting = poller.receive('scans', 16, 3, new AbortController().signal);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(await waiting).toEqual([]);
  });

  it('wakes when a delayed message becomes due, without a send', async () => {
    queues.sendMessages('scans', [{ body: 'due', delaySeconds: 2 }]);
    const waiting = poller.receive('scans', 16, 10, new AbortController().signal);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(bodies(await waiting)).toEqual(['due']);
  });

  it('wakes when an in-flight message comes back after its visibility timeout', async () => {
    queues.setQueueAttributes('scans', { visibilityTimeout: 4 });
    queues.sendMessages('scans', [{ body: 'retry me' }]);
    queues.receiveMessages('scans', 1);
    const waiting = poller.receive('scans', 16, 10, new AbortController().signal);
    await vi.advanceTimersByTimeAsync(4_000);
    expect((await waiting)[0]).toMatchObject({ body: 'retry me', dequeueCount: 2 });
  });

  it('takes nothing for a client that went away', async () => {
    const gone = new AbortController();
    const waiting = poller.receive('scans', 16, 30, gone.signal);
    gone.abort();
    expect(await waiting).toEqual([]);
    queues.sendMessages('scans', [{ body: 'kept' }]);
    poller.notify('scans');
    expect(queues.peekMessages('scans', 16)).toHaveLength(1);
  });

  it('fails with QueueNotExist when the queue is deleted during the wait', async () => {
    const waiting = poller.receive('scans', 16, 30, new AbortController().signal);
    queues.deleteQueue('scans');
    poller.notify('scans');
    await expect(waiting).rejects.toMatchObject({ code: 'QueueNotExist' });
  });
});
