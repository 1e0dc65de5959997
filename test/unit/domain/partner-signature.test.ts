import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  parsePartnerRegistry,
  type PartnerRequestHeaders,
  signPartnerRequest,
  verifyPartnerRequest,
} from '../../../layers/core/src/domain/index.ts';

const nowMs = Date.UTC(2025, 10, 25, 6, 3, 0, 500);
const rawBody = '{"events":[{"eventId":"e-1"}]}';
const registry = parsePartnerRegistry(
  JSON.stringify({
    demo: { name: 'Demo shop', secrets: ['demo-secret'] },
    rotating: { name: 'Rotating shop', secrets: ['old-secret-1', 'new-secret-2'] },
  }),
);

function verify(headers: PartnerRequestHeaders, options: { body?: string | Uint8Array; atMs?: number } = {}) {
  return verifyPartnerRequest({ headers, rawBody: options.body ?? rawBody, nowMs: options.atMs ?? nowMs, registry });
}

describe('a partner webhook request', () => {
  it('is accepted when signed with the partner secret', () => {
    expect(verify(signPartnerRequest('demo', 'demo-secret', rawBody, nowMs))).toEqual({
      ok: true,
      partnerId: 'demo',
      secretIndex: 0,
    });
  });

  it('is signed as the docs say: lower-case hex HMAC-SHA256 of "<timestamp>.<body>"', () => {
    const headers = signPartnerRequest('demo', 'demo-secret', rawBody, nowMs);
    const expected = createHmac('sha256', 'demo-secret').update(`1764050580.${rawBody}`).digest('hex');
    expect(headers).toEqual({ 'X-Partner-Id': 'demo', 'X-Timestamp': '1764050580', 'X-Signature': expected });
  });

  it('matches header names in any case, as HTTP does', () => {
    const signed = signPartnerRequest('demo', 'demo-secret', rawBody, nowMs);
    const headers = {
      'x-partner-id': signed['X-Partner-Id'],
      'X-TIMESTAMP': signed['X-Timestamp'],
      'x-Signature': signed['X-Signature'],
    };
    expect(verify(headers).ok).toBe(true);
  });

  it('verifies the body as bytes, so a binary body signs the same as its text', () => {
    const headers = signPartnerRequest('demo', 'demo-secret', Buffer.from(rawBody), nowMs);
    expect(verify(headers, { body: rawBody }).ok).toBe(true);
  });

  describe('while a secret is rotated', () => {
    it('is accepted with the old secret, and says which secret matched', () => {
      expect(verify(signPartnerRequest('rotating', 'old-secret-1', rawBody, nowMs))).toMatchObject({ ok: true, secretIndex: 0 });
    });

    it('is accepted with the second secret', () => {
      expect(verify(signPartnerRequest('rotating', 'new-secret-2', rawBody, nowMs))).toMatchObject({ ok: true, secretIndex: 1 });
    });
  });

  describe('is refused, with the failure for the logs only,', () => {
    it('when signed with a wrong secret', () => {
      expect(verify(signPartnerRequest('demo', 'guessed-secret', rawBody, nowMs))).toMatchObject({
        ok: false,
        failure: 'signature-mismatch',
      });
    });

    it("when signed with another partner's secret", () => {
      expect(verify(signPartnerRequest('demo', 'old-secret-1', rawBody, nowMs))).toMatchObject({ failure: 'signature-mismatch' });
    });

    it('when the body was tampered with after signing', () => {
      const headers = signPartnerRequest('demo', 'demo-secret', rawBody, nowMs);
      expect(verify(headers, { body: rawBody.replace('e-1', 'e-2') })).toMatchObject({ failure: 'signature-mismatch' });
    });

    it('when the timestamp was changed after signing', () => {
      const headers = { ...signPartnerRequest('demo', 'demo-secret', rawBody, nowMs), 'X-Timestamp': '1764050581' };
      expect(verify(headers)).toMatchObject({ failure: 'signature-mismatch' });
    });

    it('when the partner is unknown', () => {
      expect(verify(signPartnerRequest('stranger', 'demo-secret', rawBody, nowMs))).toMatchObject({ failure: 'unknown-partner' });
    });

    it('when the partner id names an inherited object property', () => {
      expect(verify(signPartnerRequest('constructor', 'demo-secret', rawBody, nowMs))).toMatchObject({
        failure: 'unknown-partner',
      });
    });

    it.each(['X-Partner-Id', 'X-Timestamp', 'X-Signature'] as const)('when %s is missing', (name) => {
      const headers: Record<string, string> = { ...signPartnerRequest('demo', 'demo-secret', rawBody, nowMs) };
      delete headers[name];
      expect(verify(headers)).toMatchObject({ ok: false, failure: 'missing-header', reason: expect.stringContaining(name) });
    });

    it('when a header is repeated', () => {
      const signed = signPartnerRequest('demo', 'demo-secret', rawBody, nowMs);
      expect(verify({ ...signed, 'X-Partner-Id': ['demo', 'rotating'] })).toMatchObject({ failure: 'missing-header' });
    });

    it.each(['1764050580.5', '-1764050580', '1.76405058e9', ' 1764050580', ''])(
      'when the timestamp %j is not unix seconds',
      (timestamp) => {
        const headers = { ...signPartnerRequest('demo', 'demo-secret', rawBody, nowMs), 'X-Timestamp': timestamp };
        expect(verify(headers)).toMatchObject({ failure: 'malformed-timestamp' });
      },
    );

    it.each(['upper-case hex', 'truncated'])('when the signature is %s', (kind) => {
      const signed = signPartnerRequest('demo', 'demo-secret', rawBody, nowMs);
      const signature = kind === 'truncated' ? signed['X-Signature'].slice(0, 63) : signed['X-Signature'].toUpperCase();
      expect(verify({ ...signed, 'X-Signature': signature })).toMatchObject({ failure: 'malformed-signature' });
    });
  });

  describe('is accepted within 300 s of the receiver clock, either way, and refused beyond', () => {
    const signedAt = Date.UTC(2025, 10, 25, 6, 0, 0);
    const headers = signPartnerRequest('demo', 'demo-secret', rawBody, signedAt);

    it.each([
      ['300 s late', signedAt + 300_000, true],
      ['300 s early (the partner clock is ahead)', signedAt - 300_000, true],
      ['301 s late (expired)', signedAt + 301_000, false],
      ['301 s early (from the future)', signedAt - 301_000, false],
    ])('%s', (_case, receivedAt, accepted) => {
      const verification = verify(headers, { atMs: receivedAt });
      expect(verification.ok).toBe(accepted);
      if (!verification.ok) expect(verification.failure).toBe('timestamp-out-of-window');
    });
  });

  it('never quotes a secret or the expected signature in the reason', () => {
    const verification = verify(signPartnerRequest('demo', 'wrong-secret', rawBody, nowMs));
    const expected = signPartnerRequest('demo', 'demo-secret', rawBody, nowMs)['X-Signature'];
    expect(!verification.ok && verification.reason).not.toMatch(/demo-secret|wrong-secret/);
    expect(!verification.ok && verification.reason).not.toContain(expected);
  });
});

describe('the partner registry from PARTNERS', () => {
  it('reads partners by id, with one or two secrets each', () => {
    expect(registry.get('demo')).toEqual({ partnerId: 'demo', name: 'Demo shop', secrets: ['demo-secret'] });
    expect(registry.get('rotating')?.secrets).toEqual(['old-secret-1', 'new-secret-2']);
  });

  it.each([
    ['is not set', undefined, /PARTNERS is not set/],
    ['is empty', ' ', /PARTNERS is not set/],
    ['is not JSON', '{demo: 1}', /PARTNERS is not valid JSON/],
    ['is not an object', '["demo"]', /PARTNERS is invalid: must be a JSON object of partners by id/],
    ['has a partner without secrets', '{"demo": {"name": "Demo", "secrets": []}}', /demo\.secrets: must be an array of 1 to 2 secrets/],
    ['has a partner with three secrets', '{"demo": {"name": "D", "secrets": ["aaaaaaaa", "bbbbbbbb", "cccccccc"]}}', /demo\.secrets: must be an array of 1 to 2/],
    ['has a short secret', '{"demo": {"name": "Demo", "secrets": ["short"]}}', /demo\.secrets\[0\]: must be at least 8 characters/],
    ['misspells a key', '{"demo": {"name": "Demo", "secret": ["demo-secret"]}}', /demo\.secrets: must be an array/],
    ['has a partner id with upper case', '{"Demo": {"name": "Demo", "secrets": ["demo-secret"]}}', /Demo: partner id must be/],
    ['has a partner without a name', '{"demo": {"secrets": ["demo-secret"]}}', /demo\.name: must be a string/],
  ])('stops the function when it %s', (_case, json, message) => {
    expect(() => parsePartnerRegistry(json)).toThrow(message);
  });

  it('reports an unknown key in a partner, so a typo cannot pass silently', () => {
    expect(() => parsePartnerRegistry('{"demo": {"name": "Demo", "secrets": ["demo-secret"], "secret": "x"}}')).toThrow(
      /demo: Unrecognized key/,
    );
  });

  it('never quotes a secret in its errors', () => {
    expect(() => parsePartnerRegistry('{"demo": {"name": "Demo", "secrets": ["s3cr"]}}')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('s3cr') }),
    );
    expect(() => parsePartnerRegistry('{"demo": {"name": "Demo", "secrets": ["very-secret-value"]')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('very-secret-value') }),
    );
  });
});
