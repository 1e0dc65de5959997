import type { FunctionDefinition, QueueTrigger } from './deployment.ts';
import { buildQueueTriggerEvent, type ReceivedQueueMessage } from './events.ts';
import type { InvocationOutcome } from './instances.ts';
import type { LogRecord, LogSink } from './logs.ts';
import { isMnsError, type MnsClient } from './mns-client.ts';

/**
 * One MNS queue trigger, played locally as EventBridge's event stream plays it on FC: receive from the
 * queue, gather a batch up to `CountBasedWindow` messages or `TimeBasedWindow` seconds, invoke the function
 * once with the batch as an array of CloudEvents (https://www.alibabacloud.com/help/en/functioncompute/fc/mns-queue-triggers).
 * `runOptions.maximumTasks` consumers do this side by side ("the concurrency quota … the number of consumers",
 * RunOptions, https://www.alibabacloud.com/help/en/functioncompute/fc-2-0/developer-reference/api-fc-open-2021-04-06-struct-runoptions),
 * as many as the local machine runs (`consumers`), each with a batch of its own in flight, so each batch runs on an
 * instance of its own; a consumer invokes synchronously and waits for the answer before it gathers its next batch
 * (Sync Invocation, MNS queue triggers page).
 * A batch succeeds or fails as a whole. On success its messages are deleted; on failure they are left to
 * come back after the queue's visibility timeout; a message that has had `MaximumRetryAttempts` retries
 * (DequeueCount > MaximumRetryAttempts) goes to the dead-letter queue of `runOptions.deadLetterQueue` and is
 * deleted — with no dead-letter queue it is dropped when `errorsTolerance` is ALL and kept when NONE.
 * Retries are paced by the queue's visibility timeout, not by `PushRetryStrategy` (EventBridge retries
 * inside the stream); keep that timeout longer than `TimeBasedWindow`, or a message can come back while its
 * batch is still gathering.
 */
export interface QueueTriggerOptions {
  fn: FunctionDefinition;
  trigger: QueueTrigger;
  client: MnsClient;
  accountId: string;
  invoke: (event: Buffer, requestId: string) => Promise<InvocationOutcome>;
  newRequestId: () => string;
  newEventId: () => string;
  log: LogSink;
  /** Long-poll wait while the batch is empty, 1–30 s (MNS `waitseconds`). */
  pollWaitSeconds: number;
  /**
   * Consumers run at once: the trigger's `maximumTasks`, within what the local machine can run (runtime.ts) — never
   * past the function's instance limit, where a batch would be throttled and count as a failed delivery.
   */
  consumers: number;
}

export interface QueueTriggerPoller {
  /** Stops receiving; the batches being invoked finish and are acknowledged first. */
  stop(): Promise<void>;
}

/** ReceiveMessage returns at most 16 messages (BatchReceiveMessage `numOfMessages`). */
const MAX_RECEIVE = 16;
const ERROR_BACKOFF_MS = 1000;

/** Waits `ms`, or less when `stopping` is aborted. */
function pause(ms: number, stopping: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      stopping.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    stopping.addEventListener('abort', done, { once: true });
  });
}

export function startQueueTrigger(options: QueueTriggerOptions): QueueTriggerPoller {
  const { fn, trigger, client } = options;
  const stopping = new AbortController();
  let stopped = false;

  function log(level: LogRecord['level'], message: string, requestId?: string): void {
    options.log({ source: 'runtime', functionName: fn.name, level, message: `queue trigger ${trigger.triggerName} (${trigger.queueName}): ${message}`, time: new Date(), ...(requestId === undefined ? {} : { requestId }) });
  }

  async function receive(count: number, waitSeconds: number): Promise<ReceivedQueueMessage[]> {
    try {
      const response = await client.batchReceiveMessage(trigger.queueName, Math.min(count, MAX_RECEIVE), waitSeconds);
      return response.body;
    } catch (error) {
      if (isMnsError(error, 'MessageNotExist')) return [];
      throw error;
    }
  }

  /**
   * Gathers one batch: waits for a first message, then fills up until the count or the time window closes.
   * It never polls past the window, and a message seen twice (its visibility timeout ran out inside the
   * window) is kept once, with its newest receipt handle — older handles are no longer valid.
   */
  async function gatherBatch(): Promise<ReceivedQueueMessage[]> {
    const batch = new Map<string, ReceivedQueueMessage>();
    const add = (messages: readonly ReceivedQueueMessage[]): void => {
      for (const message of messages) {
        batch.delete(message.MessageId);
        batch.set(message.MessageId, message);
      }
    };
    add(await receive(trigger.batchSize, options.pollWaitSeconds));
    if (batch.size === 0) return [];
    const windowEnds = Date.now() + trigger.batchWindowSeconds * 1000;
    while (!stopped && batch.size < trigger.batchSize) {
      const remainingMs = windowEnds - Date.now();
      if (remainingMs <= 0) break;
      // MNS long polls in whole seconds; under a second left, ask without waiting and pause briefly.
      const waitSeconds = Math.min(30, Math.floor(remainingMs / 1000));
      const received = await receive(trigger.batchSize - batch.size, waitSeconds);
      add(received);
      if (received.length === 0 && waitSeconds === 0) await pause(Math.min(remainingMs, 100), stopping.signal);
    }
    return [...batch.values()];
  }

  async function deleteAll(handles: string[], requestId: string): Promise<void> {
    for (let start = 0; start < handles.length; start += MAX_RECEIVE) {
      const response = await client.batchDeleteMessage(trigger.queueName, handles.slice(start, start + MAX_RECEIVE));
      for (const failure of response.body ?? []) log('warn', `could not delete a message (${failure.ErrorCode}: ${failure.ErrorMessage})`, requestId);
    }
  }

  async function handleFailure(batch: ReceivedQueueMessage[], requestId: string, reason: string): Promise<void> {
    const { maximumRetryAttempts } = trigger.retry;
    for (const message of batch) {
      const attempts = Number(message.DequeueCount);
      if (attempts <= maximumRetryAttempts) {
        log('warn', `message ${message.MessageId} failed (attempt ${attempts} of ${maximumRetryAttempts + 1}): ${reason}; it returns after the visibility timeout`, requestId);
        continue;
      }
      // One message's trouble (say its receipt handle expired during a long invocation, so the delete is refused)
      // must not leave the rest of the batch unhandled; that message is simply seen again.
      try {
        if (trigger.deadLetterQueueName !== undefined) {
          await client.sendMessage(trigger.deadLetterQueueName, { MessageBody: message.MessageBody });
          await client.deleteMessage(trigger.queueName, message.ReceiptHandle);
          log('error', `message ${message.MessageId} failed ${attempts} times; moved to dead-letter queue ${trigger.deadLetterQueueName}`, requestId);
        } else if (trigger.errorsTolerance === 'ALL') {
          await client.deleteMessage(trigger.queueName, message.ReceiptHandle);
          log('error', `message ${message.MessageId} failed ${attempts} times and there is no dead-letter queue; dropped (errorsTolerance ALL)`, requestId);
        } else {
          log('error', `message ${message.MessageId} failed ${attempts} times; kept for retry (errorsTolerance NONE)`, requestId);
        }
      } catch (error) {
        log('error', `message ${message.MessageId}: giving up on it failed (${error instanceof Error ? error.message : String(error)}); it returns after the visibility timeout`, requestId);
      }
    }
  }

  async function deliver(batch: ReceivedQueueMessage[]): Promise<void> {
    const requestId = options.newRequestId();
    const event = buildQueueTriggerEvent(batch, {
      region: fn.region,
      accountId: options.accountId,
      queueName: trigger.queueName,
      isBase64Decode: trigger.isBase64Decode,
      eventBusName: trigger.triggerName,
      publishedAt: new Date(),
      newEventId: options.newEventId,
      newRequestId: options.newRequestId,
    });
    const outcome = await options.invoke(Buffer.from(JSON.stringify(event)), requestId);
    if (outcome.ok) {
      await deleteAll(batch.map((message) => message.ReceiptHandle), requestId);
      log('info', `delivered ${batch.length} message(s)`, requestId);
    } else {
      await handleFailure(batch, requestId, outcome.error.errorMessage);
    }
  }

  const deliveries = new Set<Promise<void>>();

  /** One consumer: gathers a batch, delivers it and waits for the outcome, then gathers the next. */
  async function consume(): Promise<void> {
    while (!stopped) {
      try {
        const batch = await gatherBatch();
        // Messages received while stopping are not invoked: they come back after the visibility timeout.
        if (stopped || batch.length === 0) continue;
        const delivery = deliver(batch);
        deliveries.add(delivery);
        try {
          await delivery;
        } finally {
          deliveries.delete(delivery);
        }
      } catch (error) {
        if (stopped) break;
        log('error', `polling failed: ${error instanceof Error ? error.message : String(error)}`);
        await pause(ERROR_BACKOFF_MS, stopping.signal);
      }
    }
  }

  for (let consumer = 0; consumer < Math.max(1, options.consumers); consumer++) void consume();
  return {
    async stop() {
      stopped = true;
      stopping.abort();
      // Long polls in progress are not waited for; batches being delivered are, so their messages get acknowledged.
      await Promise.all([...deliveries].map((delivery) => delivery.catch(() => undefined)));
    },
  };
}
