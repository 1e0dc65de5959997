import { describe, expect, it } from 'vitest';
import {
  decodeScanMessage,
  defaultScanSource,
  encodeScanMessage,
  scanEventSchema,
} from '../../../layers/core/src/domain/index.ts';
import { scanEventInput } from './scan-fixtures.ts';

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

describe('an MNS scan message', () => {
  it('decodes one base64-encoded scan event, from the hub scanners by default', () => {
    const message = decodeScanMessage(encodeScanMessage(scanEventInput()), true);
    expect(message).toEqual({
      ok: true,
      source: defaultScanSource,
      events: [scanEventSchema.parse(scanEventInput())],
      rejected: [],
    });
  });

  it('decodes a batch with its source', () => {
    const events = [scanEventInput({ eventId: 'a' }), scanEventInput({ eventId: 'b', type: 'DEPARTED' })];
    const message = decodeScanMessage(encodeScanMessage({ source: 'sto-hub-sh', events }), true);
    expect(message.ok && message.source).toBe('sto-hub-sh');
    expect(message.ok && message.events.map((event) => event.eventId)).toEqual(['a', 'b']);
  });

  it('uses the default source for a batch that names none', () => {
    const message = decodeScanMessage(encodeScanMessage({ events: [scanEventInput()] }), true);
    expect(message.ok && message.source).toBe(defaultScanSource);
  });

  it('reads a body the trigger already decoded (IsBase64Decode) when told it is not base64', () => {
    const message = decodeScanMessage(JSON.stringify(scanEventInput()), false);
    expect(message.ok && message.events).toHaveLength(1);
  });

  it('round-trips non-ASCII text through base64 and UTF-8', () => {
    const remark = '放在门卫处 📦';
    const message = decodeScanMessage(encodeScanMessage(scanEventInput({ remark })), true);
    expect(message.ok && message.events[0]?.remark).toBe(remark);
  });

  it("hands back the producer's trace context, from a batch or a bare event, and leaves it out when there is none", () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const batch = decodeScanMessage(encodeScanMessage({ source: 'demo', traceparent, tracestate: 'ps=1', events: [scanEventInput()] }), true);
    expect(batch).toMatchObject({ ok: true, source: 'demo', traceparent, tracestate: 'ps=1' });
    expect(decodeScanMessage(encodeScanMessage({ ...scanEventInput(), traceparent }), true)).toMatchObject({ ok: true, traceparent });
    expect(decodeScanMessage(encodeScanMessage(scanEventInput()), true)).not.toHaveProperty('traceparent');
  });

  it('ignores a trace context that is not text rather than dead-lettering the scans', () => {
    const message = decodeScanMessage(JSON.stringify({ events: [scanEventInput()], traceparent: 42 }), false);
    expect(message.ok && message.events).toHaveLength(1);
    expect(message).not.toHaveProperty('traceparent');
  });

  describe('a batch with some invalid events', () => {
    const invalid = scanEventInput({ eventId: 'b', waybillNo: '773061155005904' });
    const message = decodeScanMessage(
      encodeScanMessage({ source: 'sto-hub-sh', events: [scanEventInput({ eventId: 'a' }), invalid] }),
      true,
    );

    it('is ok: its valid events are recorded', () => {
      expect(message.ok && message.events.map((event) => event.eventId)).toEqual(['a']);
    });

    it('hands back each invalid event as sent, with its errors, for its own dead-letter record', () => {
      expect(message.ok && message.rejected).toEqual([
        {
          index: 1,
          eventId: 'b',
          errors: [{ path: 'events[1].waybillNo', message: 'check digit does not match' }],
          input: invalid,
        },
      ]);
    });
  });

  describe('goes whole to the dead-letter queue with its reasons when', () => {
    it.each([
      ['the body is not base64', '{"eventId": "e-1"}', 'body is not valid base64'],
      ['the base64 has characters outside the alphabet', `${base64('{"a":1}')}$`, 'body is not valid base64'],
      ['the base64 lacks its padding', base64('{"a":1}').replace(/=+$/, ''), 'body is not valid base64'],
      ['the bytes are not UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('base64'), 'body is not valid UTF-8'],
    ])('%s', (_case, body, reason) => {
      expect(decodeScanMessage(body, true)).toEqual({ ok: false, reasons: [reason] });
    });

    it('the text is not JSON', () => {
      const message = decodeScanMessage(base64('{"eventId": '), true);
      expect(message.ok).toBe(false);
      expect(!message.ok && message.reasons[0]).toMatch(/^body is not valid JSON: /);
    });

    it.each([
      ['an array', '[]'],
      ['a string', '"scan"'],
      ['null', 'null'],
    ])('the JSON is %s', (_case, json) => {
      expect(decodeScanMessage(json, false)).toEqual({
        ok: false,
        reasons: ['body must be a JSON object: one scan event, or {"source": "...", "events": [...]}'],
      });
    });

    it('its single event is invalid, listing every broken rule', () => {
      const body = encodeScanMessage(scanEventInput({ facilityCode: 'sh', lat: 200, lon: 0 }));
      expect(decodeScanMessage(body, true)).toEqual({
        ok: false,
        reasons: [
          "facilityCode: must be 1 to 32 characters of A-Z, 0-9 and '-', starting with a letter or digit",
          'lat: must be a number from -90 to 90',
        ],
      });
    });

    it('its events are not an array of 1 to 500', () => {
      expect(decodeScanMessage(encodeScanMessage({ events: [] }), true)).toEqual({
        ok: false,
        reasons: ['events: must be an array of 1 to 500 scan events'],
      });
    });

    it('its source is not a partner id', () => {
      expect(decodeScanMessage(encodeScanMessage({ source: 'Hub/SH', events: [scanEventInput()] }), true)).toEqual({
        ok: false,
        reasons: ["source: must be 1 to 32 characters of a-z, 0-9 and '-', starting with a letter or digit"],
      });
    });
  });
});

describe('encodeScanMessage', () => {
  it('writes base64 of the UTF-8 JSON, as producers must send it', () => {
    const event = scanEventInput();
    expect(JSON.parse(Buffer.from(encodeScanMessage(event), 'base64').toString('utf8'))).toEqual(event);
  });
});
