import { z } from 'zod';
import { describeFieldError, fieldErrors } from './field-errors.ts';
import { parseScanEventList, type RejectedScanEvent, scanEventArraySchema } from './scan-batch.ts';
import { parseScanEvent, type ScanEvent, type ScanEventInput } from './scan-event.ts';
import { partnerIdSchema } from './scan-order.ts';

/**
 * The `source` of a message that carries one bare scan event: the hub scanners, which publish one scan per
 * message. It is a partner id (see `partnerIdPattern`), so hub scanners' `eventId`s live in their own namespace.
 */
export const defaultScanSource = 'hub-scanner';

/**
 * The W3C trace context a producer may put in a message body beside the scans, so the consumer's log lines and
 * rows carry the producer's trace id: `{"source": "demo", "traceparent": "00-…-01", "events": […]}`, or on a bare
 * event. MNS message properties would not reach the consumer: FC's MNS trigger hands it only the body
 * (observability/README.md, "Across the queue"). Kept as text here; observability/trace.ts `traceFromMessage`
 * validates it, and an invalid one is ignored, never a reason to dead-letter the scans.
 */
export interface ScanMessageTrace {
  traceparent?: string;
  tracestate?: string;
}

/** A message body as producers write it: one scan event, or a batch of them from one source; either with its trace. */
export type ScanMessage = (ScanEventInput | { source?: string; events: ScanEventInput[] }) & ScanMessageTrace;

/** An event of a batch message that broke a rule; `input` is the event as it was sent, for its dead-letter record. */
export interface RejectedQueueEvent extends RejectedScanEvent {
  input: unknown;
}

/**
 * A message that could be read. Its valid `events` are recorded; each of its `rejected` events goes to the
 * dead-letter queue as its own record. The message itself is then done: redelivering it would reject the same
 * events again, and since writes are idempotent the valid ones need no second delivery.
 */
export interface DecodedScanMessage extends ScanMessageTrace {
  ok: true;
  /** The partner id the `eventId`s belong to: the batch's `source`, or {@link defaultScanSource}. */
  source: string;
  events: ScanEvent[];
  rejected: RejectedQueueEvent[];
}

/** A message that could not be read at all: it goes whole to the dead-letter queue with these reasons. */
export interface UndecodableScanMessage {
  ok: false;
  reasons: string[];
}

const batchMessageSchema = z.object({ source: partnerIdSchema.optional(), events: scanEventArraySchema });

// Strict base64 (RFC 4648 §4, padded): Buffer.from(text, 'base64') skips characters outside the alphabet, which
// would turn a corrupted body into different JSON instead of a dead letter.
const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes an MNS message body: base64 of the UTF-8 JSON of ONE scan event, or of `{"source": "...", "events":
 * [...]}` (producers encode because `@alicloud/mns` sends bodies raw). Pass `isBase64Encoded: false` when the
 * trigger already decoded the body (`IsBase64Decode`). A body is a batch when its JSON object has an `events`
 * field, otherwise a single event.
 *
 * Not ok (the whole message is a dead letter): invalid base64, invalid UTF-8, invalid JSON, neither shape, or a
 * single-event message whose event is invalid. A batch message with some invalid events is ok: see
 * {@link DecodedScanMessage}.
 *
 * @example
 * ```ts
 * const message = decodeScanMessage(encodeScanMessage({ source: 'sto-hub-sh', events: [scanEvent] }), true);
 * if (!message.ok) await deadLetters.send({ body, reasons: message.reasons });
 * else await recordScans(message.source, message.events);
 * ```
 */
export function decodeScanMessage(body: string, isBase64Encoded: boolean): DecodedScanMessage | UndecodableScanMessage {
  let text = body;
  if (isBase64Encoded) {
    if (!base64Pattern.test(body)) return undecodable('body is not valid base64');
    const decoded = utf8(Buffer.from(body, 'base64'));
    if (decoded === undefined) return undecodable('body is not valid UTF-8');
    text = decoded;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return undecodable(`body is not valid JSON: ${(error as SyntaxError).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return undecodable('body must be a JSON object: one scan event, or {"source": "...", "events": [...]}');
  }
  const decoded = 'events' in json ? decodeBatch(json) : decodeSingleEvent(json);
  if (decoded.ok) addTrace(decoded, json);
  return decoded;
}

/**
 * Copies the body's trace fields that are text onto the message just decoded from it; anything else under those
 * names is ignored (trace context is best effort). Assigned rather than spread into a new object: this runs once
 * per message, and spreading costs more than the rest of a single-event message's decoding besides the parse.
 */
function addTrace(message: DecodedScanMessage, json: object): void {
  const { traceparent, tracestate } = json as Record<string, unknown>;
  if (typeof traceparent === 'string') message.traceparent = traceparent;
  if (typeof tracestate === 'string') message.tracestate = tracestate;
}

function decodeBatch(json: object): DecodedScanMessage | UndecodableScanMessage {
  const batch = batchMessageSchema.safeParse(json);
  if (!batch.success) return { ok: false, reasons: fieldErrors(batch.error, '').map(describeFieldError) };
  const { events: items, source = defaultScanSource } = batch.data;
  const { accepted, rejected } = parseScanEventList(items, 'events');
  return {
    ok: true,
    source,
    events: accepted.map(({ event }) => event),
    rejected: rejected.map((rejection) => ({ ...rejection, input: items[rejection.index] })),
  };
}

function decodeSingleEvent(json: object): DecodedScanMessage | UndecodableScanMessage {
  const event = parseScanEvent(json);
  if (!event.success) return { ok: false, reasons: fieldErrors(event.error, '').map(describeFieldError) };
  return { ok: true, source: defaultScanSource, events: [event.data], rejected: [] };
}

function undecodable(reason: string): UndecodableScanMessage {
  return { ok: false, reasons: [reason] };
}

// Stateless between calls (decode is never called with `stream`), so one serves every message.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function utf8(bytes: Buffer): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Encodes a message body as producers must send it: base64 of its UTF-8 JSON. It does not validate, so tests can
 * send invalid events on purpose.
 *
 * @example
 * ```ts
 * await queue.sendMessage(encodeScanMessage({ source: 'sto-hub-sh', events: [scanEvent] }));
 * ```
 */
export function encodeScanMessage(message: ScanMessage): string {
  return Buffer.from(JSON.stringify(message), 'utf8').toString('base64');
}
