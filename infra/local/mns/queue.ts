import { createHash, randomBytes as cryptoRandomBytes } from 'node:crypto';
import {
  defaultQueueAttributes,
  messageLimits,
  sameQueueAttributes,
  validateQueueName,
  type QueueAttributes,
} from './attributes.ts';
import { MnsError } from './errors.ts';
import type { MessageCounts, MnsStore, StoredMessage, StoredQueue } from './storage.ts';

/**
 * The queue model: what each queue operation does to queues and messages, independent of HTTP.
 * Semantics follow the MNS API reference:
 * - receive makes a message Inactive for VisibilityTimeout, returns a new receipt handle, increments
 *   DequeueCount and sets FirstDequeueTime once (https://help.aliyun.com/en/mns/developer-reference/receivemessage);
 * - a handle is valid only for its own delivery and only until NextVisibleTime; after that, or after a newer
 *   delivery, deleting with it answers MessageNotExist
 *   (https://help.aliyun.com/en/mns/developer-reference/deletemessage,
 *   https://alibabacloud.com/help/en/mns/message-not-exist-appears-when-you-delete-a-message-in-mns);
 *   a handle that is not of this server's form answers ReceiptHandleError
 *   (https://www.alibabacloud.com/help/zh/doc-detail/35138.htm error table);
 * - messages are delivered by Priority (1 = highest), then in enqueue order
 *   (https://www.alibabacloud.com/help/doc-detail/35134.htm);
 * - ChangeMessageVisibility counts the new timeout from the call and issues a new handle
 *   (https://www.alibabacloud.com/help/doc-detail/35142.htm).
 * Time and randomness come in through the constructor.
 */

/** A queue with its message counts, as GetQueueAttributes reports it. */
export interface QueueSummary extends StoredQueue {
  counts: MessageCounts;
}

/** One message of a SendMessage or BatchSendMessage request. Absent fields take the queue's defaults. */
export interface MessageInput {
  body: string;
  delaySeconds?: number;
  priority?: number;
}

export interface SentMessage {
  messageId: string;
  bodyMd5: string;
}

/** A message as peek shows it: no receipt handle, state unchanged. */
export interface PeekedMessage {
  messageId: string;
  bodyMd5: string;
  body: string;
  enqueueTime: number;
  firstDequeueTime: number;
  dequeueCount: number;
  priority: number;
}

/** A message as a receive delivers it. */
export interface ReceivedMessage extends PeekedMessage {
  receiptHandle: string;
  nextVisibleTime: number;
}

/** A receipt handle that BatchDeleteMessage could not use, and why. */
export interface ReceiptHandleFailure {
  receiptHandle: string;
  error: MnsError;
}

export interface VisibilityChange {
  receiptHandle: string;
  nextVisibleTime: number;
}

export interface ListQueuesRequest {
  prefix: string;
  /** The NextMarker of the previous page, or '' for the first page. */
  marker: string;
  limit: number;
}

export interface QueuePage {
  names: string[];
  /** Present when more queues follow; pass it back as `marker`. */
  nextMarker?: string;
}

export interface MnsQueuesOptions {
  store: MnsStore;
  now: () => number;
  /** Source of message ids and receipt handles; crypto.randomBytes unless a test needs repeatability. */
  randomBytes?: (size: number) => Buffer;
}

/** Receipt handles are `{MessageId}-{nonce}`: only letters, digits and '-', safe unencoded in a URL. */
const RECEIPT_HANDLE = /^([0-9A-F]{32})-([0-9a-f]{16})$/;

/** Upper-case hex MD5 of the body as received, as MNS reports MessageBodyMD5. */
export function messageBodyMd5(body: string): string {
  return createHash('md5').update(body, 'utf8').digest('hex').toUpperCase();
}

function toPeeked(message: StoredMessage): PeekedMessage {
  return {
    messageId: message.id,
    bodyMd5: message.bodyMd5,
    body: message.body,
    enqueueTime: message.enqueueTime,
    firstDequeueTime: message.firstDequeueTime,
    dequeueCount: message.dequeueCount,
    priority: message.priority,
  };
}

/**
 * The queues of one server. Every method is synchronous and commits before it returns.
 *
 * @example
 * const queues = new MnsQueues({ store: MnsStore.open(), now: Date.now });
 * queues.createQueue('scans', { visibilityTimeout: 60 });
 * queues.sendMessages('scans', [{ body: 'eyJ3YXliaWxsTm8iOiJQUzEifQ==' }]);
 * const [message] = queues.receiveMessages('scans', 1);
 */
export class MnsQueues {
  private readonly store: MnsStore;
  private readonly now: () => number;
  private readonly randomBytes: (size: number) => Buffer;

  constructor({ store, now, randomBytes = cryptoRandomBytes }: MnsQueuesOptions) {
    this.store = store;
    this.now = now;
    this.randomBytes = randomBytes;
  }

  /**
   * Creates a queue. Creating an existing queue with the same attributes changes nothing ('unchanged',
   * answered 204); with different ones → QueueAlreadyExist.
   */
  createQueue(name: string, requested: Partial<QueueAttributes>): 'created' | 'unchanged' {
    validateQueueName(name);
    const attributes = { ...defaultQueueAttributes, ...requested };
    return this.store.transaction(() => {
      const existing = this.store.getQueue(name);
      if (existing !== undefined) {
        if (sameQueueAttributes(existing.attributes, attributes)) return 'unchanged';
        throw new MnsError('QueueAlreadyExist');
      }
      const now = this.now();
      this.store.insertQueue({ name, attributes, createTime: now, lastModifyTime: now });
      return 'created';
    });
  }

  /** Changes the given attributes of a queue and leaves the others. */
  setQueueAttributes(name: string, changes: Partial<QueueAttributes>): void {
    this.store.transaction(() => {
      const queue = this.requireQueue(name);
      this.store.updateQueue({
        ...queue,
        attributes: { ...queue.attributes, ...changes },
        lastModifyTime: this.now(),
      });
    });
  }

  /** A queue's attributes, without counting its messages. */
  attributesOf(name: string): QueueAttributes {
    return this.requireQueue(name).attributes;
  }

  getQueue(name: string): QueueSummary {
    const queue = this.requireQueue(name);
    const now = this.now();
    this.store.purgeExpired(name, now);
    return { ...queue, counts: this.store.countMessages(name, now) };
  }

  deleteQueue(name: string): void {
    this.requireQueue(name);
    this.store.deleteQueue(name);
  }

  /** One page of queue names in name order. The marker is the first name of the next page. */
  listQueues({ prefix, marker, limit }: ListQueuesRequest): QueuePage {
    const names = this.store.listQueueNames(prefix, marker, limit + 1);
    const nextMarker = names.length > limit ? names[limit] : undefined;
    return nextMarker === undefined ? { names } : { names: names.slice(0, limit), nextMarker };
  }

  /**
   * Enqueues messages, all or none: a body over the queue's MaximumMessageSize, or a batch over 64 KB in
   * total, rejects the whole request with InvalidArgument.
   */
  sendMessages(name: string, inputs: readonly MessageInput[]): SentMessage[] {
    const queue = this.requireQueue(name);
    const { maximumMessageSize, delaySeconds, messageRetentionPeriod } = queue.attributes;
    let totalBytes = 0;
    for (const input of inputs) {
      const bytes = Buffer.byteLength(input.body, 'utf8');
      if (bytes < 1 || bytes > maximumMessageSize) {
        throw MnsError.outOfRange('MessageBody', 1, maximumMessageSize, 'bytes');
      }
      totalBytes += bytes;
    }
    if (totalBytes > messageLimits.batchBodyBytes) {
      throw MnsError.outOfRange('Messages', 1, messageLimits.batchBodyBytes, 'bytes');
    }
    const now = this.now();
    return this.store.transaction(() =>
      inputs.map((input) => {
        const id = this.newMessageId();
        const bodyMd5 = messageBodyMd5(input.body);
        this.store.insertMessage({
          queue: name,
          id,
          body: input.body,
          bodyMd5,
          priority: input.priority ?? messageLimits.defaultPriority,
          enqueueTime: now,
          nextVisibleTime: now + (input.delaySeconds ?? delaySeconds) * 1000,
          firstDequeueTime: 0,
          dequeueCount: 0,
          receiptHandle: null,
          expireTime: now + messageRetentionPeriod * 1000,
        });
        return { messageId: id, bodyMd5 };
      }),
    );
  }

  /** Delivers up to `count` receivable messages (possibly none), each with a new receipt handle. */
  receiveMessages(name: string, count: number): ReceivedMessage[] {
    const queue = this.requireQueue(name);
    const now = this.now();
    return this.store.transaction(() => {
      this.store.purgeExpired(name, now);
      return this.store.readyMessages(name, now, count).map((message) => {
        const delivery = {
          id: message.id,
          nextVisibleTime: now + queue.attributes.visibilityTimeout * 1000,
          firstDequeueTime: message.firstDequeueTime === 0 ? now : message.firstDequeueTime,
          dequeueCount: message.dequeueCount + 1,
          receiptHandle: this.newReceiptHandle(message.id),
        };
        this.store.recordDelivery(delivery);
        return {
          ...toPeeked({ ...message, ...delivery }),
          receiptHandle: delivery.receiptHandle,
          nextVisibleTime: delivery.nextVisibleTime,
        };
      });
    });
  }

  /** Shows up to `count` receivable messages without changing them. */
  peekMessages(name: string, count: number): PeekedMessage[] {
    this.requireQueue(name);
    const now = this.now();
    this.store.purgeExpired(name, now);
    return this.store.readyMessages(name, now, count).map(toPeeked);
  }

  /** Deletes the message of a current delivery. */
  deleteMessage(name: string, receiptHandle: string): void {
    this.requireQueue(name);
    this.store.deleteMessage(this.requireDelivered(name, receiptHandle).id);
  }

  /** Deletes every message whose handle is current; reports the others. */
  deleteMessages(name: string, receiptHandles: readonly string[]): ReceiptHandleFailure[] {
    this.requireQueue(name);
    return this.store.transaction(() =>
      receiptHandles.flatMap((receiptHandle) => {
        try {
          this.store.deleteMessage(this.requireDelivered(name, receiptHandle).id);
          return [];
        } catch (error) {
          if (error instanceof MnsError) return [{ receiptHandle, error }];
          throw error;
        }
      }),
    );
  }

  /** Keeps a delivered message invisible for `seconds` from now, under a new receipt handle. */
  changeVisibility(name: string, receiptHandle: string, seconds: number): VisibilityChange {
    this.requireQueue(name);
    return this.store.transaction(() => {
      const message = this.requireDelivered(name, receiptHandle);
      const change = {
        receiptHandle: this.newReceiptHandle(message.id),
        nextVisibleTime: this.now() + seconds * 1000,
      };
      this.store.recordDelivery({
        id: message.id,
        firstDequeueTime: message.firstDequeueTime,
        dequeueCount: message.dequeueCount,
        ...change,
      });
      return change;
    });
  }

  /** When a message of the queue next becomes receivable (end of a delay or visibility timeout), if ever. */
  nextVisibleTime(name: string): number | undefined {
    return this.store.nextVisibleTime(name, this.now());
  }

  private requireQueue(name: string): StoredQueue {
    const queue = this.store.getQueue(name);
    if (queue === undefined) throw new MnsError('QueueNotExist');
    return queue;
  }

  /** The message a receipt handle currently stands for → ReceiptHandleError or MessageNotExist. */
  private requireDelivered(name: string, receiptHandle: string): StoredMessage {
    const messageId = RECEIPT_HANDLE.exec(receiptHandle)?.[1];
    if (messageId === undefined) throw new MnsError('ReceiptHandleError');
    const message = this.store.findMessage(name, messageId);
    const now = this.now();
    const current =
      message !== undefined &&
      message.receiptHandle === receiptHandle &&
      message.nextVisibleTime > now &&
      message.expireTime > now;
    if (!current) throw new MnsError('MessageNotExist');
    return message;
  }

  private newMessageId(): string {
    return this.randomBytes(16).toString('hex').toUpperCase();
  }

  private newReceiptHandle(messageId: string): string {
    return `${messageId}-${this.randomBytes(8).toString('hex')}`;
  }
}
