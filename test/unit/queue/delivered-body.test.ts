import { describe, expect, it } from 'vitest';
import { defaultScanSource } from '../../../layers/core/src/domain/index.ts';
import { deliveredBodyIsBase64, readDeliveredScanMessage } from '../../../layers/core/src/queue/delivered-body.ts';
import { scanEventInput } from '../domain/scan-fixtures.ts';

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const notAnObject = 'body must be a JSON object: one scan event, or {"source": "...", "events": [...]}';

describe('a message body as the MNS trigger delivers it', () => {
  describe('is read as the producer\'s text, which the trigger already decoded (IsBase64Decode)', () => {
    it.each([
      ['a JSON object', JSON.stringify(scanEventInput())],
      ['a JSON object after whitespace', `\n ${JSON.stringify(scanEventInput())}`],
      ['a JSON array', '[]'],
      ['a JSON string', '"text"'],
      ['a JSON number', '42'],
      ['a JSON number that is also valid base64', '1234'],
      ['true', 'true'],
      ['null', 'null'],
      ['text cut short after an opening brace', '{"eventId": "e-1", "waybi'],
    ])('when it is %s', (_case, body) => {
      expect(deliveredBodyIsBase64(body)).toBe(false);
    });
  });

  describe('is read as base64 (IsBase64Decode off)', () => {
    it.each([
      ['base64 of a scan event', base64(JSON.stringify(scanEventInput()))],
      ['text that is neither JSON nor base64', 'this is not base64!'],
    ])('when it is %s', (_case, body) => {
      expect(deliveredBodyIsBase64(body)).toBe(true);
    });
  });
});

describe('readDeliveredScanMessage', () => {
  it('reads a scan event the trigger decoded', () => {
    expect(readDeliveredScanMessage(JSON.stringify(scanEventInput({ eventId: 'e-7' })))).toMatchObject({
      ok: true,
      source: defaultScanSource,
      events: [{ eventId: 'e-7' }],
    });
  });

  it('reads a scan event still in base64', () => {
    expect(readDeliveredScanMessage(base64(JSON.stringify({ source: 'sto-hub-sh', events: [scanEventInput()] })))).toMatchObject({
      ok: true,
      source: 'sto-hub-sh',
    });
  });

  describe('says exactly why a message cannot be read', () => {
    it.each([
      ['a decoded number', '42'],
      ['a decoded string', '"text"'],
      ['a decoded array', '[]'],
      ['a decoded null', 'null'],
      ['a number still in base64', base64('42')],
    ])('JSON but not an object: %s', (_case, body) => {
      expect(readDeliveredScanMessage(body)).toEqual({ ok: false, reasons: [notAnObject] });
    });

    it('not base64', () => {
      expect(readDeliveredScanMessage('this is not base64!')).toEqual({ ok: false, reasons: ['body is not valid base64'] });
    });

    it('base64, but not UTF-8', () => {
      expect(readDeliveredScanMessage(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('base64'))).toEqual({
        ok: false,
        reasons: ['body is not valid UTF-8'],
      });
    });

    it('base64 of UTF-8 text that is not JSON', () => {
      const message = readDeliveredScanMessage(base64('hello, hub'));
      expect(message.ok).toBe(false);
      expect(!message.ok && message.reasons).toEqual([expect.stringMatching(/^body is not valid JSON: /)]);
    });

    it('decoded text that is not JSON', () => {
      const message = readDeliveredScanMessage('{"eventId": "e-1", "waybi');
      expect(!message.ok && message.reasons).toEqual([expect.stringMatching(/^body is not valid JSON: /)]);
    });

    it('JSON but not a scan event: every field and the rule it breaks', () => {
      expect(readDeliveredScanMessage(JSON.stringify(scanEventInput({ type: 'TELEPORTED', lat: 200, lon: 0 })))).toEqual({
        ok: false,
        reasons: [expect.stringMatching(/^type: must be one of /), 'lat: must be a number from -90 to 90'],
      });
    });

    it('JSON but not an envelope: its events field and the rule', () => {
      expect(readDeliveredScanMessage(JSON.stringify({ source: 'sto-hub-sh', events: 'many' }))).toEqual({
        ok: false,
        reasons: ['events: must be an array of 1 to 500 scan events'],
      });
    });
  });
});
