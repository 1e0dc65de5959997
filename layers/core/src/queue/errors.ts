/**
 * What can go wrong putting messages on an MNS queue: one class per failure, each naming the queue and the MNS
 * error code (https://www.alibabacloud.com/help/doc-detail/27501.html), so a handler can fail its invocation
 * with an error an operator can act on.
 */

/**
 * MNS did not take a message: it answered an error (`code` is its error code, e.g. `QueueNotExist`,
 * `InvalidArgument`), or the request failed on the way (`NetworkError`).
 *
 * @example
 * ```ts
 * try {
 *   await queue.sendAll('scan-events-dlq', records, { deadline });
 * } catch (error) {
 *   if (error instanceof QueueSendError && error.code === 'QueueNotExist') log.error('the dead-letter queue is missing');
 *   throw error;
 * }
 * ```
 */
export class QueueSendError extends Error {
  override name = 'QueueSendError';

  constructor(
    readonly queue: string,
    readonly code: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`sending to queue ${queue} failed: ${code}: ${detail}`, options);
  }
}

/**
 * The deadline came before MNS answered (`code: 'Timeout'`). The messages of the call in flight may or may not
 * be on the queue, so whoever sends them again must expect the queue to hold some twice.
 *
 * @example
 * ```ts
 * await queue.sendAll('scan-events-dlq', records, { deadline: Date.now() - 1 }); // throws QueueSendTimeoutError
 * ```
 */
export class QueueSendTimeoutError extends QueueSendError {
  override name = 'QueueSendTimeoutError';

  constructor(queue: string, detail: string, options?: { cause?: unknown }) {
    super(queue, 'Timeout', detail, options);
  }
}
