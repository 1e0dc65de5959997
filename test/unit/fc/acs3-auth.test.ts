import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { checkAcs3Signature, type SignedRequest } from '../../../infra/local/fc/acs3-auth.ts';
import { LOCAL_CREDENTIALS } from '../../../infra/local/fc/fc-context.ts';
import { signRequest } from '../../../infra/remote/acs3-signature.ts';

const signedAt = new Date('2026-11-10T12:00:00Z');
const path = '/2023-03-30/functions/fixture-echo/invocations';

/** An InvokeFunction call as the client sends it and Node's server hands it over (header names lower-cased). */
function invokeRequest(options: { secret?: string; keyId?: string; body?: string; extraHeaders?: Record<string, string> } = {}): SignedRequest {
  const body = Buffer.from(options.body ?? '{"waybillNo":"SF1"}');
  const headers = signRequest(
    { method: 'POST', path, query: {}, headers: { host: '127.0.0.1:9000', 'content-type': 'application/octet-stream', 'x-fc-log-type': 'Tail' } },
    body,
    { accessKeyId: options.keyId ?? 'local', accessKeySecret: options.secret ?? 'local-secret' },
    { action: 'InvokeFunction', version: '2023-03-30', date: signedAt, nonce: 'nonce-1' },
  );
  const received: IncomingHttpHeaders = { ...headers, 'user-agent': 'AlibabaCloud (linux; x64) Node.js/v20', ...options.extraHeaders };
  return { method: 'POST', url: path, headers: received, body };
}

describe('checkAcs3Signature (the local InvokeFunction API)', () => {
  it('accepts a request signed with the local key pair, whatever unsigned headers travel with it', () => {
    expect(checkAcs3Signature(invokeRequest(), LOCAL_CREDENTIALS, signedAt)).toEqual({ ok: true });
  });

  it('answers InvalidAccessKeyID for a key id the server does not know', () => {
    expect(checkAcs3Signature(invokeRequest({ keyId: 'LTAI5tOther' }), LOCAL_CREDENTIALS, signedAt)).toEqual({ ok: false, statusCode: 403, code: 'InvalidAccessKeyID', message: "invalid access key ID 'LTAI5tOther'" });
  });

  it('answers SignatureNotMatch for another secret', () => {
    expect(checkAcs3Signature(invokeRequest({ secret: 'guessed' }), LOCAL_CREDENTIALS, signedAt)).toMatchObject({ ok: false, statusCode: 403, code: 'SignatureNotMatch', message: expect.stringContaining('signature differs') });
  });

  it('answers SignatureNotMatch when the body is not the one signed', () => {
    const request = { ...invokeRequest(), body: Buffer.from('{"waybillNo":"SF2"}') };
    expect(checkAcs3Signature(request, LOCAL_CREDENTIALS, signedAt)).toMatchObject({ ok: false, code: 'SignatureNotMatch', message: expect.stringContaining('x-acs-content-sha256') });
  });

  it('answers SignatureNotMatch for an x-acs-* header added after signing', () => {
    const request = invokeRequest({ extraHeaders: { 'x-acs-security-token': 'smuggled' } });
    expect(checkAcs3Signature(request, LOCAL_CREDENTIALS, signedAt)).toMatchObject({ ok: false, code: 'SignatureNotMatch', message: expect.stringContaining('x-acs-security-token must be signed') });
  });

  it('answers SignatureNotMatch for a request signed more than 15 minutes from the server clock', () => {
    expect(checkAcs3Signature(invokeRequest(), LOCAL_CREDENTIALS, new Date(signedAt.getTime() + 14 * 60_000))).toEqual({ ok: true });
    expect(checkAcs3Signature(invokeRequest(), LOCAL_CREDENTIALS, new Date(signedAt.getTime() + 16 * 60_000))).toMatchObject({ ok: false, code: 'SignatureNotMatch', message: expect.stringContaining('more than 15 minutes') });
  });

  it('answers MissingRequiredHeader for an unsigned request', () => {
    expect(checkAcs3Signature({ method: 'POST', url: path, headers: { host: '127.0.0.1:9000' }, body: Buffer.alloc(0) }, LOCAL_CREDENTIALS, signedAt)).toEqual({
      ok: false,
      statusCode: 400,
      code: 'MissingRequiredHeader',
      message: 'required HTTP header Authorization was not specified',
    });
  });
});
