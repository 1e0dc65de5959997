import type { FunctionDefinition, QueueTrigger } from './deployment.ts';
import { buildQueueTriggerEvent, type ReceivedQueueMessage } from './events.ts';
import type { InvocationOutcome } from './instances.ts';
import type { LogRecord, LogSink } from './logs.ts';
import { isMnsError, type MnsClient } from './mns-client.ts';

/**
 * One MNS queue trigger, played locally as EventBridge's event stream plays it on FC: receive from the
 * queue, gather a batch up to `CountBasedWindow` messages or `TimeBasedWindow` seconds, invoke the function
 * once with the batch as an array of CloudEvents (https://www.alibabacloud.com/help/en/functioncompute/fc/mns-queue-triggers).
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
}

export interface QueueTriggerPoller {
  /** Stops receiving; a batch being invoked finishes and is acknowledged first. */
  stop(): Promise<void>;
}

/** ReceiveMessage returns at most 16 messages (BatchReceiveMessage `numOfMessages`). */
const MAX_RECEIVE = 16;
const ERROR_BACKOFF_MS = 1000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function startQueueTrigger(options: QueueTriggerOptions): QueueTriggerPoller {
  const { fn, trigger, client } = options;
  let stopped = false;
  let wakeSleep: () => void = () => undefined;

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
      if (received.length === 0 && waitSeconds === 0) await sleep(Math.min(remainingMs, 100));
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

  let inFlightDelivery: Promise<void> | undefined;

  async function loop(): Promise<void> {
    while (!stopped) {
      try {
        const batch = await gatherBatch();
        // Messages received while stopping are not invoked: they come back after the visibility timeout.
        if (stopped || batch.length === 0) continue;
        inFlightDelivery = deliver(batch);
        await inFlightDelivery;
      } catch (error) {
        if (stopped) break;
        log('error', `polling failed: ${error instanceof Error ? error.message : String(error)}`);
        await new Promise<void>((resolve) => {
          wakeSleep = resolve;
          void sleep(ERROR_BACKOFF_MS).then(resolve);
        });
      } finally {
        inFlightDelivery = undefined;
      }
    }
  }

  void loop();
  return {
    async stop() {
      stopped = true;
      wakeSleep();
      // A long poll in progress is not waited for; a batch being delivered is, so its messages get acknowledged.
      await inFlightDelivery?.catch(() => undefined);
    },
  };
}
