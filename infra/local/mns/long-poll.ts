import { MnsError } from './errors.ts';
import type { MnsQueues, ReceivedMessage } from './queue.ts';

/**
 * Long polling for ReceiveMessage and BatchReceiveMessage: a receive on an empty queue waits up to
 * `waitseconds` and answers as soon as a message is receivable, whether it was just sent, its delay ended
 * or its visibility timeout ran out (https://help.aliyun.com/en/mns/developer-reference/receivemessage,
 * "Long polling behavior"). Waiters are served first come, first served.
 */

interface Waiter {
  queue: string;
  count: number;
  resolve: (messages: ReceivedMessage[]) => void;
  reject: (error: unknown) => void;
  deadline: NodeJS.Timeout;
  recheck?: NodeJS.Timeout;
}

/** Re-checks never fire more often than this, whatever the queue's next visibility time. */
const MIN_RECHECK_MS = 5;

/**
 * Parks receives until a message arrives or their wait ends.
 *
 * @example
 * const poller = new LongPoller(queues, Date.now);
 * const messages = await poller.receive('scans', 16, 20, request.signal); // [] after 20 s of nothing
 * poller.notify('scans'); // after a send: wakes the waiters of 'scans'
 */
export class LongPoller {
  private readonly queues: MnsQueues;
  private readonly now: () => number;
  private readonly waiters = new Set<Waiter>();

  constructor(queues: MnsQueues, now: () => number) {
    this.queues = queues;
    this.now = now;
  }

  /**
   * Receives up to `count` messages, waiting up to `waitSeconds` for the first. Resolves `[]` when the wait
   * ends empty or `signal` aborts (the client went away, so nothing must be delivered to it).
   */
  receive(queue: string, count: number, waitSeconds: number, signal: AbortSignal): Promise<ReceivedMessage[]> {
    const immediate = this.queues.receiveMessages(queue, count);
    if (immediate.length > 0 || waitSeconds === 0 || signal.aborted) return Promise.resolve(immediate);
    return new Promise<ReceivedMessage[]>((resolve, reject) => {
      const waiter: Waiter = {
        queue,
        count,
        resolve,
        reject,
        deadline: setTimeout(() => this.settle(waiter, []), waitSeconds * 1000),
      };
      this.waiters.add(waiter);
      signal.addEventListener('abort', () => this.settle(waiter, []), { once: true });
      this.scheduleRecheck(waiter);
    });
  }

  /** Tells the waiters of a queue that messages may be receivable (a send) or the queue is gone (a delete). */
  notify(queue: string): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.queue === queue) this.attempt(waiter);
    }
  }

  /** Ends every wait with no messages (server shutdown). */
  close(): void {
    for (const waiter of [...this.waiters]) this.settle(waiter, []);
  }

  private attempt(waiter: Waiter): void {
    if (!this.waiters.has(waiter)) return;
    let messages: ReceivedMessage[];
    try {
      messages = this.queues.receiveMessages(waiter.queue, waiter.count);
    } catch (error) {
      this.settle(waiter, error instanceof MnsError ? error : new MnsError('InternalError'));
      return;
    }
    if (messages.length > 0) this.settle(waiter, messages);
    else this.scheduleRecheck(waiter);
  }

  /** Wakes the waiter when the queue's next delayed or in-flight message becomes receivable. */
  private scheduleRecheck(waiter: Waiter): void {
    clearTimeout(waiter.recheck);
    const next = this.queues.nextVisibleTime(waiter.queue);
    if (next === undefined) return;
    const delay = Math.max(MIN_RECHECK_MS, next - this.now());
    waiter.recheck = setTimeout(() => this.attempt(waiter), delay);
  }

  private settle(waiter: Waiter, outcome: ReceivedMessage[] | MnsError): void {
    if (!this.waiters.delete(waiter)) return;
    clearTimeout(waiter.deadline);
    clearTimeout(waiter.recheck);
    if (outcome instanceof MnsError) waiter.reject(outcome);
    else waiter.resolve(outcome);
  }
}
