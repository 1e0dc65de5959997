import { MnsError } from './errors.ts';
import { childElements, optionalText, rejectUnknownElements, type XmlValue } from './xml.ts';

/**
 * Queue attributes, their ranges and defaults, and message limits.
 * Sources: CreateQueue https://www.alibabacloud.com/help/en/doc-detail/35129.htm (ranges, defaults; queue
 * names of at most 120 letters, digits and hyphens starting with a letter or digit),
 * SendMessage https://www.alibabacloud.com/help/doc-detail/35134.htm (Priority 1-16, default 8),
 * BatchSendMessage https://help.aliyun.com/en/mns/developer-reference/batchsendmessage (16 messages, 64 KB),
 * ReceiveMessage https://help.aliyun.com/en/mns/developer-reference/receivemessage (waitseconds 0-30),
 * ChangeMessageVisibility https://www.alibabacloud.com/help/doc-detail/35142.htm (1-43200 s).
 */
export interface QueueAttributes {
  delaySeconds: number;
  maximumMessageSize: number;
  messageRetentionPeriod: number;
  visibilityTimeout: number;
  pollingWaitSeconds: number;
  loggingEnabled: boolean;
}

type NumericAttribute = Exclude<keyof QueueAttributes, 'loggingEnabled'>;

interface Range {
  element: string;
  low: number;
  high: number;
  unit: 'seconds' | 'bytes' | '';
}

/** The numeric queue attributes: XML element name and documented range. */
export const queueAttributeRanges = {
  delaySeconds: { element: 'DelaySeconds', low: 0, high: 604_800, unit: 'seconds' },
  maximumMessageSize: { element: 'MaximumMessageSize', low: 1024, high: 65_536, unit: 'bytes' },
  messageRetentionPeriod: { element: 'MessageRetentionPeriod', low: 60, high: 604_800, unit: 'seconds' },
  visibilityTimeout: { element: 'VisibilityTimeout', low: 1, high: 43_200, unit: 'seconds' },
  pollingWaitSeconds: { element: 'PollingWaitSeconds', low: 0, high: 30, unit: 'seconds' },
} as const satisfies Record<NumericAttribute, Range>;

export const defaultQueueAttributes: QueueAttributes = {
  delaySeconds: 0,
  maximumMessageSize: 65_536,
  messageRetentionPeriod: 345_600,
  visibilityTimeout: 30,
  pollingWaitSeconds: 0,
  loggingEnabled: false,
};

/** Per-request and per-message limits. */
export const messageLimits = {
  priority: { element: 'Priority', low: 1, high: 16, unit: '' },
  defaultPriority: 8,
  batchSize: { element: 'numOfMessages', low: 1, high: 16, unit: '' },
  batchBodyBytes: 65_536,
  waitSeconds: { element: 'waitseconds', low: 0, high: 30, unit: 'seconds' },
  visibilityTimeout: queueAttributeRanges.visibilityTimeout,
  delaySeconds: queueAttributeRanges.delaySeconds,
  queueNameLength: 120,
  listQueueRetNumber: { element: 'x-mns-ret-number', low: 1, high: 1000, unit: '' },
} as const;

/**
 * Parses a whole-number argument and checks it against its range → InvalidArgument naming the element
 * and the range when it is not an integer in range.
 */
export function parseIntegerInRange(text: string, range: Range): number {
  const trimmed = text.trim();
  const value = /^-?[0-9]+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < range.low || value > range.high) {
    throw MnsError.outOfRange(range.element, range.low, range.high, range.unit);
  }
  return value;
}

function parseBoolean(text: string, element: string): boolean {
  const normalized = text.trim().toLowerCase();
  if (normalized === 'true') return true;
  if (normalized === 'false') return false;
  throw MnsError.schema(element);
}

const QUEUE_ELEMENTS = [
  ...Object.values(queueAttributeRanges).map((range) => range.element),
  'LoggingEnabled',
] as const;

/** The attributes a `<Queue>` request body sets (CreateQueue and SetQueueAttributes); absent ones are left out. */
export function parseQueueAttributes(content: XmlValue): Partial<QueueAttributes> {
  const children = childElements(content, 'Queue');
  rejectUnknownElements(children, QUEUE_ELEMENTS);
  const attributes: Partial<QueueAttributes> = {};
  for (const [key, range] of Object.entries(queueAttributeRanges) as Array<[NumericAttribute, Range]>) {
    const text = optionalText(children, range.element);
    if (text !== undefined) attributes[key] = parseIntegerInRange(text, range);
  }
  const logging = optionalText(children, 'LoggingEnabled');
  if (logging !== undefined) attributes.loggingEnabled = parseBoolean(logging, 'LoggingEnabled');
  return attributes;
}

/** Whether two complete attribute sets are the same (CreateQueue on an existing queue answers 204 if so). */
export function sameQueueAttributes(a: QueueAttributes, b: QueueAttributes): boolean {
  return (Object.keys(defaultQueueAttributes) as Array<keyof QueueAttributes>).every((key) => a[key] === b[key]);
}

/** Checks a queue name → InvalidQueueName or QueueNameLengthError. */
export function validateQueueName(name: string): void {
  if (name.length < 1 || name.length > messageLimits.queueNameLength) throw new MnsError('QueueNameLengthError');
  if (!/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(name)) throw new MnsError('InvalidQueueName');
}
