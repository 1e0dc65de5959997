import MnsClient from '@alicloud/mns';
import { batchSendGroups } from './batch-send.ts';
import { QueueSendError, QueueSendTimeoutError } from './errors.ts';

/**
 * The project's MNS producer: what functions use to put messages on a queue (the scan consumer's dead-letter
 * queue). Bodies are base64 of UTF-8 text: `@alicloud/mns` sends bodies raw and unescaped inside XML, and the
 * docs ask producers to base64-encode (https://www.alibabacloud.com/help/en/mns/developer-reference/sendmessage);
 * FC's MNS trigger decodes them again when `IsBase64Decode` is true. Messages go out with BatchSendMessage only,
 * which is a RAM action of its own: the role needs `mns:BatchSendMessage` on the queue, not `mns:SendMessage`
 * (https://www.alibabacloud.com/help/en/mns/developer-reference/batchsendmessage, "Authorization").
 *
 * Every send is bounded by the caller's deadline. `@alicloud/mns` has no cancellation and takes its timeouts only
 * in its constructor (`readTimeout`, `connectTimeout`; node_modules/@alicloud/mns/lib/client.js), so each call gets
 * an SDK client whose timeouts end at the deadline, and the SDK closes the socket itself; the caller is answered at
 * the deadline at the latest (connect and read timeouts add up, so a timer settles the call first).
 */

export interface QueueClientConfig {
  endpoint: string;
  accountId: string;
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
  /** Milliseconds since the epoch, like `Date.now` (the default); what deadlines are measured against. */
  now?: () => number;
}

export interface SendAllOptions {
  /**
   * Absolute time, ms since the epoch, by which the sends are over: no call starts after it and the one in flight
   * is abandoned at it (a {@link QueueSendTimeoutError}). An FC handler passes the deadline its storage calls get.
   */
  deadline: number;
}

export interface QueueClient {
  /**
   * Puts every text on `queue` (base64-encoded on the wire), in as few BatchSendMessage calls as its limits allow
   * (batch-send.ts), one call after the other, and resolves with the message ids in the order of `texts`. Throws at
   * the first call that fails: a {@link QueueSendError} if MNS refused any message of it, a
   * {@link QueueSendTimeoutError} at the deadline. The messages of the calls before it are on the queue, and some of
   * the failed call's may be: sending again may put a message there twice.
   *
   * @example
   * ```ts
   * const ids = await queue.sendAll('scan-events-dlq', records.map((record) => JSON.stringify(record)), { deadline });
   * ```
   */
  sendAll(queue: string, texts: readonly string[], options: SendAllOptions): Promise<string[]>;
}

const MNS_ERROR_NAME = /^MNS(\w+)Error$/;

/** setTimeout fires at once for delays past 2^31 - 1 ms, so a longer wait is cut to that. */
const maxTimerDelayMs = 2 ** 31 - 1;

/**
 * Makes the MNS producer for one set of credentials.
 *
 * @example
 * ```ts
 * const queue = createQueueClient({ endpoint: 'http://127.0.0.1:9002', accountId: '1234567890123456', accessKeyId: 'local', accessKeySecret: 'local-secret' });
 * await queue.sendAll('scan-events-dlq', ['{"reason":"INVALID_EVENT"}'], { deadline: Date.now() + 5_000 });
 * ```
 */
export function createQueueClient(config: QueueClientConfig): QueueClient {
  const now = config.now ?? Date.now;

  function sdkClient(timeoutMs: number): MnsClient {
    return new MnsClient(config.accountId, {
      endpoint: config.endpoint,
      accessKeyId: config.accessKeyId,
      accessKeySecret: config.accessKeySecret,
      ...(config.securityToken === undefined ? {} : { securityToken: config.securityToken }),
      readTimeout: timeoutMs,
      connectTimeout: timeoutMs,
    });
  }

  async function sendBatch(queue: string, bodies: readonly string[], deadline: number): Promise<string[]> {
    const remainingMs = Math.min(Math.ceil(deadline - now()), maxTimerDelayMs);
    if (remainingMs <= 0) throw new QueueSendTimeoutError(queue, `the deadline passed before ${bodies.length} message(s) were sent`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new QueueSendTimeoutError(queue, `no answer within ${remainingMs} ms`)), remainingMs);
    });
    try {
      const sent = sdkClient(remainingMs).batchSendMessage(
        queue,
        bodies.map((body) => ({ MessageBody: body })),
      );
      const response = await Promise.race([sent, timeout]);
      return messageIdsOf(queue, response.body);
    } catch (error) {
      throw asQueueSendError(queue, error);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async sendAll(queue, texts, { deadline }) {
      const bodies = texts.map((text) => Buffer.from(text, 'utf8').toString('base64'));
      const ids: string[] = [];
      for (const group of batchSendGroups(bodies)) ids.push(...(await sendBatch(queue, group, deadline)));
      return ids;
    },
  };
}

/**
 * The message ids of a BatchSendMessage answer. When MNS refuses some messages of a batch it answers their items
 * with `ErrorCode` and `ErrorMessage` instead of `MessageId`, and the SDK returns them without throwing
 * (https://help.aliyun.com/en/mns/developer-reference/batchsendmessage).
 */
function messageIdsOf(queue: string, items: ReadonlyArray<Record<string, string>> | undefined): string[] {
  if (items === undefined) throw new QueueSendError(queue, 'InvalidResponse', 'BatchSendMessage answered without a <Messages> document');
  const refused = items.filter((item) => item.ErrorCode !== undefined);
  const [first] = refused;
  if (first !== undefined) {
    throw new QueueSendError(queue, first.ErrorCode ?? 'Unknown', `${refused.length} of ${items.length} message(s) refused: ${first.ErrorMessage ?? ''}`);
  }
  return items.map((item) => item.MessageId ?? '');
}

/** SDK errors as {@link QueueSendError}s: `MNS<Code>Error` carries the MNS code; httpx names its timeouts `RequestTimeoutError`. */
function asQueueSendError(queue: string, error: unknown): QueueSendError {
  if (error instanceof QueueSendError) return error;
  const err = error instanceof Error ? error : new Error(String(error));
  if (err.name === 'RequestTimeoutError') return new QueueSendTimeoutError(queue, err.message, { cause: err });
  const code = MNS_ERROR_NAME.exec(err.name)?.[1] ?? 'NetworkError';
  return new QueueSendError(queue, code, err.message, { cause: err });
}
