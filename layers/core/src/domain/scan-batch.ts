import { z } from 'zod';
import { type ErrorDetail, ParcelscanError } from '../errors.ts';
import { fieldErrors } from './field-errors.ts';
import { eventIdSchema, parseScanEvent, type ScanEvent } from './scan-event.ts';

/** The most events one webhook request or queue message may carry. */
export const maxScanEventsPerBatch = 500;

const envelopeRule = `must be an array of 1 to ${maxScanEventsPerBatch} scan events`;

/** An event that passed validation, with its position in the sender's `events` array. */
export interface AcceptedScanEvent {
  index: number;
  event: ScanEvent;
}

/** An event that did not, with every rule it broke; `eventId` is echoed when it was itself valid. */
export interface RejectedScanEvent {
  index: number;
  eventId?: string;
  errors: ErrorDetail[];
}

/** A webhook body split into the events to record and the events to report back as rejected. */
export interface ScanBatch {
  ok: true;
  accepted: AcceptedScanEvent[];
  rejected: RejectedScanEvent[];
}

/** The body is not `{"events": [...]}` at all: the whole request is answered 400 with this error. */
export interface InvalidScanEnvelope {
  ok: false;
  error: ParcelscanError;
}

/** The `events` array of a webhook body or queue message; its items are parsed one by one afterwards. */
export const scanEventArraySchema = z
  .array(z.unknown(), { error: envelopeRule })
  .min(1, envelopeRule)
  .max(maxScanEventsPerBatch, envelopeRule);

/**
 * `{"events": [1..500 items]}`; each item stays `unknown` here and is parsed on its own so one bad event does not
 * reject the others. Other top-level fields are dropped, as they are on events.
 */
export const scanEnvelopeSchema = z.object({ events: scanEventArraySchema }, { error: envelopeRule });

/**
 * Parses a webhook body (already `JSON.parse`d) into accepted and rejected events. Each event is validated on its
 * own: the valid ones are recorded even when others in the same request are rejected. A wrong envelope (not an
 * object, `events` missing, empty or longer than 500) is an `INVALID_REQUEST` error instead.
 *
 * @example
 * ```ts
 * const batch = parseScanBatch(JSON.parse(rawBody));
 * if (!batch.ok) return errorResponse(batch.error); // 400 "events must be an array of 1 to 500 scan events"
 * await recordScans(batch.accepted.map(({ event }) => event));
 * // batch.rejected: [{ index: 3, eventId: 'e-4', errors: [{ path: 'events[3].waybillNo', message: 'must be 15 digits' }] }]
 * ```
 */
export function parseScanBatch(json: unknown): ScanBatch | InvalidScanEnvelope {
  const envelope = scanEnvelopeSchema.safeParse(json);
  if (!envelope.success) return { ok: false, error: invalidEnvelopeError() };
  const { accepted, rejected } = parseScanEventList(envelope.data.events, 'events');
  return { ok: true, accepted, rejected };
}

/**
 * Parses each item of an `events` array on its own; paths read `${arrayPath}[index].field`. Shared by the
 * webhook body and the queue message, which put the same array in different envelopes.
 */
export function parseScanEventList(
  items: readonly unknown[],
  arrayPath: string,
): { accepted: AcceptedScanEvent[]; rejected: RejectedScanEvent[] } {
  const accepted: AcceptedScanEvent[] = [];
  const rejected: RejectedScanEvent[] = [];
  items.forEach((item, index) => {
    const parsed = parseScanEvent(item);
    if (parsed.success) accepted.push({ index, event: parsed.data });
    else rejected.push(rejection(item, index, fieldErrors(parsed.error, `${arrayPath}[${index}]`)));
  });
  return { accepted, rejected };
}

function rejection(item: unknown, index: number, errors: ErrorDetail[]): RejectedScanEvent {
  const eventId = eventIdOf(item);
  return eventId === undefined ? { index, errors } : { index, eventId, errors };
}

/** The item's `eventId` when it is a valid one, so the sender can match the rejection to its own record. */
function eventIdOf(item: unknown): string | undefined {
  if (typeof item !== 'object' || item === null || !('eventId' in item)) return undefined;
  const eventId = eventIdSchema.safeParse(item.eventId);
  return eventId.success ? eventId.data : undefined;
}

/** Whatever is wrong with the envelope (not an object, no `events`, empty, too long), one rule fixes it. */
function invalidEnvelopeError(): ParcelscanError {
  return new ParcelscanError('INVALID_REQUEST', {
    message: `events ${envelopeRule}`,
    details: [{ path: 'events', message: envelopeRule }],
  });
}
