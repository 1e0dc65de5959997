import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createLogger,
  formatTraceparent,
  parseTraceparent,
  randomSpanId,
  traceFromMessage,
  traceFromRequest,
  traceHeaders,
  traceIdFromRequestId,
} from '../../../layers/core/src/observability/index.ts';
import { decodeScanMessage, encodeScanMessage } from '../../../layers/core/src/domain/index.ts';
import { scanEventInput } from '../domain/scan-fixtures.ts';

/** The W3C spec's own example. */
const example = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const hexDigits = fc.constantFrom(...'0123456789abcdef');
const hexOf = (length: number) => fc.string({ unit: hexDigits, minLength: length, maxLength: length }).filter((text) => !/^0+$/.test(text));

describe('parseTraceparent', () => {
  it('reads a version-00 traceparent', () => {
    expect(parseTraceparent(example)).toEqual({ version: '00', traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentId: '00f067aa0ba902b7', flags: 1, sampled: true });
    expect(parseTraceparent(' 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00 ')?.sampled).toBe(false);
  });

  it.each([
    ['an all-zero trace-id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['an all-zero parent-id', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'],
    ['upper-case hex', '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01'],
    ['version ff', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ['version 00 longer than 55 characters', `${example}-extra`],
    ['a short trace-id', '00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01'],
    ['wrong separators', '00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01'],
    ['non-hex flags', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0x'],
    ['two headers joined by a comma', `${example},${example}`],
    ['an empty value', ''],
  ])('rejects %s', (_, value) => {
    expect(parseTraceparent(value)).toBeUndefined();
  });

  it('reads a higher version by its first 55 characters, when what follows starts with a dash', () => {
    expect(parseTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future')).toMatchObject({ version: '01', traceId: '4bf92f3577b34da6a3ce929d0e0e4736' });
    expect(parseTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01future')).toBeUndefined();
  });

  it('reads back every traceparent it writes (property)', () => {
    fc.assert(
      fc.property(hexOf(32), hexOf(16), fc.boolean(), (traceId, spanId, sampled) => {
        expect(parseTraceparent(formatTraceparent({ traceId, spanId, sampled }))).toEqual({ version: '00', traceId, parentId: spanId, flags: sampled ? 1 : 0, sampled });
      }),
    );
  });
});

describe('traceFromRequest', () => {
  const span = () => 'a1a1a1a1a1a1a1a1';

  it("continues the partner's trace when the request carries a valid traceparent", () => {
    const trace = traceFromRequest({ headers: { traceparent: example, tracestate: 'vendor=abc' }, requestId: '1-65362416-68afb557d64a2e283eccebce' }, span);
    expect(trace).toEqual({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: 'a1a1a1a1a1a1a1a1', parentSpanId: '00f067aa0ba902b7', sampled: true, tracestate: 'vendor=abc' });
  });

  it("starts a trace named after FC's request id otherwise, ignoring an invalid traceparent and its tracestate", () => {
    const trace = traceFromRequest({ headers: { traceparent: 'garbage', tracestate: 'vendor=abc' }, requestId: '1-65362416-68afb557d64a2e283eccebce' }, span);
    expect(trace).toEqual({ traceId: '6536241668afb557d64a2e283eccebce', spanId: 'a1a1a1a1a1a1a1a1', sampled: true });
  });
});

describe("FC's request id as a trace id", () => {
  it('keeps the digits of FC 3.0 request ids, zero-padded to 32', () => {
    expect(traceIdFromRequestId('1-65362416-68afb557d64a2e283eccebce')).toBe('6536241668afb557d64a2e283eccebce');
    expect(traceIdFromRequestId('1-65e571bc-158a59e8-b63f98cd471c')).toBe('000065e571bc158a59e8b63f98cd471c');
    expect(traceIdFromRequestId('db72ce53-ccbe-4216-af55-642622e01494')).toBe('db72ce53ccbe4216af55642622e01494');
  });

  it('hashes any other shape into a valid trace id (property)', () => {
    fc.assert(
      fc.property(fc.string(), (requestId) => {
        const traceId = traceIdFromRequestId(requestId);
        expect(traceId).toMatch(/^[0-9a-f]{32}$/);
        expect(traceId).not.toMatch(/^0+$/);
      }),
    );
  });

  it('makes span ids of 16 hex digits', () => {
    expect(randomSpanId()).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('the trace across the queue hop', () => {
  it('survives webhook → message envelope → consumer, so every line of both shares one trace id', () => {
    const lines: string[] = [];
    const root = createLogger({ sink: (line) => lines.push(line), clock: () => 0 });

    const webhookTrace = traceFromRequest({ headers: {}, requestId: '1-65362416-68afb557d64a2e283eccebce' }, () => 'b2b2b2b2b2b2b2b2');
    const webhookLog = root.child({ function: 'scan-webhook', requestId: '1-65362416-68afb557d64a2e283eccebce', traceId: webhookTrace.traceId });
    webhookLog.info('scans queued', { partnerId: 'demo' });
    const body = Buffer.from(JSON.stringify({ source: 'demo', ...traceHeaders(webhookTrace), events: [] })).toString('base64');

    const envelope: unknown = JSON.parse(Buffer.from(body, 'base64').toString('utf8'));
    const consumerTrace = traceFromMessage(envelope, () => 'c3c3c3c3c3c3c3c3');
    expect(consumerTrace).toEqual({ traceId: webhookTrace.traceId, spanId: 'c3c3c3c3c3c3c3c3', parentSpanId: 'b2b2b2b2b2b2b2b2', sampled: true });
    const consumerLog = root.child({ function: 'scan-consumer', requestId: '1-65362417-00000000000000000000000a', traceId: consumerTrace?.traceId });
    consumerLog.info('scans recorded', { partnerId: 'demo' });

    const traceIds = lines.map((line) => (JSON.parse(line) as { traceId: string }).traceId);
    expect(traceIds).toEqual([webhookTrace.traceId, webhookTrace.traceId]);
  });

  it("rides in the envelope without disturbing the consumer's decoding of the events", () => {
    const trace = traceFromRequest({ headers: {}, requestId: '1-65362416-68afb557d64a2e283eccebce' }, () => 'b2b2b2b2b2b2b2b2');
    const body = encodeScanMessage({ source: 'demo', ...traceHeaders(trace), events: [scanEventInput()] } as Parameters<typeof encodeScanMessage>[0]);
    const decoded = decodeScanMessage(body, true);
    expect(decoded).toMatchObject({ ok: true, source: 'demo', rejected: [] });
    expect(decoded.ok && decoded.events).toHaveLength(1);
    expect(traceFromMessage(JSON.parse(Buffer.from(body, 'base64').toString('utf8')))?.traceId).toBe(trace.traceId);
  });

  it('finds no trace in a message without a valid traceparent (a bare hub-scanner event)', () => {
    expect(traceFromMessage({ eventId: 'e-1', waybillNo: '773061155005903' })).toBeUndefined();
    expect(traceFromMessage({ traceparent: 'nonsense', events: [] })).toBeUndefined();
    expect(traceFromMessage('not an object')).toBeUndefined();
  });

  it('passes tracestate on', () => {
    const trace = traceFromMessage({ traceparent: example, tracestate: 'vendor=abc' }, () => 'd4d4d4d4d4d4d4d4');
    expect(trace && traceHeaders(trace)).toEqual({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-d4d4d4d4d4d4d4d4-01', tracestate: 'vendor=abc' });
  });
});
