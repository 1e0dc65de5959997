import { createHash, randomBytes } from 'node:crypto';

/**
 * One trace id from a partner's request to the rows it wrote.
 *
 * The id comes from the W3C `traceparent` header when the partner sends a valid one
 * (https://www.w3.org/TR/trace-context/#traceparent-header), so the partner's own traces join ours; otherwise
 * from FC's request id. Either way the id in every log line is a W3C trace-id (32 lower-case hex digits), so it
 * can travel on as a `traceparent`: a request id `1-65362416-68afb557d64a2e283eccebce` becomes
 * `6536241668afb557d64a2e283eccebce` (its version and dashes dropped, as X-Ray ids map to W3C ids), left-padded
 * with zeros to 32 digits when shorter; a request id of another shape is hashed (SHA-256, first 32 digits). The
 * request id itself is in every line's `requestId`.
 *
 * The queue hop carries the trace in our JSON message envelope, `{"source", "traceparent", "events"}`, not in MNS
 * message properties: MNS has user and system properties (`traceparent` is a system property of the 2025 SDKs) but
 * `@alicloud/mns@1.2.0` knows neither, and the FC MNS trigger's CloudEvent hands the function only
 * `data: {requestId, messageId, messageBody}` — properties would not reach the consumer. See README.md here.
 */

/** The trace a unit of work belongs to, and its place in it. */
export interface TraceContext {
  /** W3C trace-id: 32 lower-case hex digits, not all zero. What log lines carry as `traceId`. */
  traceId: string;
  /** This invocation's own span (parent-id of whatever it calls): 16 lower-case hex digits, not all zero. */
  spanId: string;
  /** The caller's span, when the trace came from a `traceparent`. */
  parentSpanId?: string;
  /** The caller's sampled flag; true when this invocation started the trace. */
  sampled: boolean;
  /** The caller's `tracestate`, passed on unchanged (https://www.w3.org/TR/trace-context/#tracestate-header). */
  tracestate?: string;
}

/** A `traceparent` value that passed validation. */
export interface Traceparent {
  version: string;
  traceId: string;
  parentId: string;
  /** The trace-flags byte. */
  flags: number;
  sampled: boolean;
}

const hex = (length: number): RegExp => new RegExp(`^[0-9a-f]{${length}}$`);
const versionPattern = hex(2);
const traceIdPattern = hex(32);
const parentIdPattern = hex(16);
const flagsPattern = hex(2);
const allZero = /^0+$/;

/** Where a traceparent's parts sit (version 00: `vv-<32>-<16>-ff`, 55 characters). */
const traceparentLength = 55;

/**
 * Parses a `traceparent` header value per W3C Trace Context: version 00 is exactly 55 characters
 * `00-<trace-id>-<parent-id>-<flags>` in lower-case hex; version `ff` is invalid; a higher version is read by its
 * first 55 characters when the next one, if any, is `-`. An all-zero trace-id or parent-id is invalid. Header
 * whitespace around the value is ignored. Anything invalid gives `undefined` (the header is then ignored, as is
 * `tracestate`).
 *
 * @example
 * ```ts
 * parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
 * // { version: '00', traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentId: '00f067aa0ba902b7', flags: 1, sampled: true }
 * parseTraceparent('00-00000000000000000000000000000000-00f067aa0ba902b7-01'); // undefined
 * ```
 */
export function parseTraceparent(value: string | undefined): Traceparent | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  const version = text.slice(0, 2);
  if (!versionPattern.test(version) || version === 'ff') return undefined;
  if (version === '00' ? text.length !== traceparentLength : text.length < traceparentLength) return undefined;
  if (text.length > traceparentLength && text[traceparentLength] !== '-') return undefined;
  if (text[2] !== '-' || text[35] !== '-' || text[52] !== '-') return undefined;
  const traceId = text.slice(3, 35);
  const parentId = text.slice(36, 52);
  const flagsText = text.slice(53, 55);
  if (!traceIdPattern.test(traceId) || allZero.test(traceId)) return undefined;
  if (!parentIdPattern.test(parentId) || allZero.test(parentId)) return undefined;
  if (!flagsPattern.test(flagsText)) return undefined;
  const flags = Number.parseInt(flagsText, 16);
  return { version, traceId, parentId, flags, sampled: (flags & 1) === 1 };
}

/**
 * Writes a version-00 `traceparent` naming `spanId` as the parent of whatever receives it.
 *
 * @example
 * ```ts
 * formatTraceparent({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', sampled: true });
 * // '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'
 * ```
 */
export function formatTraceparent(trace: Pick<TraceContext, 'traceId' | 'spanId' | 'sampled'>): string {
  return `00-${trace.traceId}-${trace.spanId}-${trace.sampled ? '01' : '00'}`;
}

/**
 * FC's request id as a W3C trace-id (see the module comment): the hex digits after the version, zero-padded;
 * or the first 32 hex digits of its SHA-256 when it has another shape.
 *
 * @example
 * ```ts
 * traceIdFromRequestId('1-65362416-68afb557d64a2e283eccebce'); // '6536241668afb557d64a2e283eccebce'
 * traceIdFromRequestId('1-65e571bc-158a59e8-b63f98cd471c');    // '000065e571bc158a59e8b63f98cd471c'
 * ```
 */
export function traceIdFromRequestId(requestId: string): string {
  const digits = requestId.toLowerCase().replace(/^1-/, '').replace(/-/g, '');
  if (/^[0-9a-f]{1,32}$/.test(digits) && !allZero.test(digits)) return digits.padStart(32, '0');
  return createHash('sha256').update(requestId).digest('hex').slice(0, 32);
}

/** A fresh span id: 8 random bytes as hex, never all zero. */
export function randomSpanId(): string {
  for (;;) {
    const id = randomBytes(8).toString('hex');
    if (!allZero.test(id)) return id;
  }
}

/** What {@link traceFromRequest} reads. */
export interface IncomingRequest {
  /** Header names lower-cased, as `HttpRequest.headers` has them. */
  headers: Readonly<Record<string, string | undefined>>;
  /** FC's request id (`context.requestId`). */
  requestId: string;
}

/**
 * The trace of an HTTP invocation: the partner's `traceparent` when valid (this invocation becomes a child span
 * of theirs), else a new trace whose id is FC's request id in W3C form.
 *
 * @param newSpanId makes this invocation's span id; injectable so tests are deterministic.
 *
 * @example
 * ```ts
 * const trace = traceFromRequest({ headers: request.headers, requestId: context.requestId });
 * const log = root.child({ requestId: context.requestId, traceId: trace.traceId });
 * ```
 */
export function traceFromRequest(request: IncomingRequest, newSpanId: () => string = randomSpanId): TraceContext {
  const parent = parseTraceparent(request.headers.traceparent);
  if (parent === undefined) return { traceId: traceIdFromRequestId(request.requestId), spanId: newSpanId(), sampled: true };
  const tracestate = request.headers.tracestate?.trim();
  return {
    traceId: parent.traceId,
    spanId: newSpanId(),
    parentSpanId: parent.parentId,
    sampled: parent.sampled,
    ...(tracestate === undefined || tracestate === '' ? {} : { tracestate }),
  };
}

/** The trace fields a message envelope (or outgoing HTTP request) carries. */
export interface TraceHeaders {
  traceparent: string;
  tracestate?: string;
}

/**
 * The fields to put in an outgoing message envelope (or HTTP headers) so the receiver continues this trace, with
 * this invocation's span as the parent.
 *
 * @example
 * ```ts
 * const body = JSON.stringify({ source: partnerId, ...traceHeaders(trace), events });
 * // {"source":"demo","traceparent":"00-6536241668afb557d64a2e283eccebce-00f067aa0ba902b7-01","events":[…]}
 * ```
 */
export function traceHeaders(trace: TraceContext): TraceHeaders {
  return { traceparent: formatTraceparent(trace), ...(trace.tracestate === undefined ? {} : { tracestate: trace.tracestate }) };
}

/**
 * The trace a queue message continues: read from the `traceparent` (and `tracestate`) fields of its decoded JSON
 * envelope; `undefined` when the message has none or an invalid one (a hub scanner's bare event), in which case
 * the consumer's own invocation trace applies.
 *
 * @param envelope the message body after base64 and JSON decoding.
 * @param newSpanId makes the span id of the work done for this message; injectable for tests.
 *
 * @example
 * ```ts
 * const trace = traceFromMessage(JSON.parse(messageBody)) ?? invocationTrace;
 * const log = invocationLog.child({ traceId: trace.traceId });
 * ```
 */
export function traceFromMessage(envelope: unknown, newSpanId: () => string = randomSpanId): TraceContext | undefined {
  if (typeof envelope !== 'object' || envelope === null) return undefined;
  const { traceparent, tracestate } = envelope as { traceparent?: unknown; tracestate?: unknown };
  const parent = parseTraceparent(typeof traceparent === 'string' ? traceparent : undefined);
  if (parent === undefined) return undefined;
  return {
    traceId: parent.traceId,
    spanId: newSpanId(),
    parentSpanId: parent.parentId,
    sampled: parent.sampled,
    ...(typeof tracestate === 'string' && tracestate.trim() !== '' ? { tracestate: tracestate.trim() } : {}),
  };
}
