import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ACS3_ALGORITHM, acs3Signature, canonicalRequest, hashedPayload } from '../../remote/acs3-signature.ts';
import type { FcCredentials } from './fc-context.ts';

/**
 * Checks a request's ACS3-HMAC-SHA256 signature as FC's API front checks it ("Request syntax and signature
 * method V3", https://www.alibabacloud.com/help/en/sdk/product-overview/v3-request-structure-and-signature): the
 * canonical request is rebuilt from what arrived, over the headers the client says it signed, which must include
 * `host` and every `x-acs-*` it sent; `x-acs-content-sha256` must be the body's hash; `x-acs-date` within 15
 * minutes of the server's clock. Failures use FC's codes (https://www.alibabacloud.com/help/en/functioncompute/error-codes):
 * 400 MissingRequiredHeader, 403 InvalidAccessKeyID, 403 SignatureNotMatch (with the reason appended).
 * Not checked locally: nonce reuse, and STS security tokens (accepted as signed).
 */
export type Acs3Check = { ok: true } | { ok: false; statusCode: number; code: string; message: string };

export interface SignedRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const AUTHORIZATION = new RegExp(`^${ACS3_ALGORITHM} Credential=([^,\\s]+),\\s*SignedHeaders=([^,\\s]+),\\s*Signature=([0-9a-f]{64})$`);
const MAX_CLOCK_SKEW_MS = 15 * 60_000;
const SIGNATURE_NOT_MATCH = 'The request signature we calculated does not match the signature you provided. Check your access key and signing method';

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

function mismatch(reason: string): Acs3Check {
  return { ok: false, statusCode: 403, code: 'SignatureNotMatch', message: `${SIGNATURE_NOT_MATCH} (${reason})` };
}


/** Whether `request` is signed with `credentials`' key pair, at `now`. */
export function checkAcs3Signature(request: SignedRequest, credentials: FcCredentials, now: Date): Acs3Check {
  const authorization = single(request.headers.authorization);
  if (authorization === undefined) return { ok: false, statusCode: 400, code: 'MissingRequiredHeader', message: 'required HTTP header Authorization was not specified' };
  const parts = AUTHORIZATION.exec(authorization.trim());
  const [, accessKeyId, signedList, signature] = parts ?? [];
  if (accessKeyId === undefined || signedList === undefined || signature === undefined) return mismatch(`Authorization is not "${ACS3_ALGORITHM} Credential=…,SignedHeaders=…,Signature=…"`);
  if (accessKeyId !== credentials.accessKeyId) return { ok: false, statusCode: 403, code: 'InvalidAccessKeyID', message: `invalid access key ID '${accessKeyId}'` };

  const signedHeaders = signedList.split(';');
  const unsigned = Object.keys(request.headers).filter((name) => (name === 'host' || name.startsWith('x-acs-')) && !signedHeaders.includes(name));
  if (unsigned.length > 0) return mismatch(`${unsigned.join(', ')} must be signed`);
  const date = single(request.headers['x-acs-date']);
  const signedAt = date === undefined ? Number.NaN : Date.parse(date);
  if (Number.isNaN(signedAt)) return mismatch('x-acs-date is missing or not yyyy-MM-ddTHH:mm:ssZ');
  if (Math.abs(now.getTime() - signedAt) > MAX_CLOCK_SKEW_MS) return mismatch(`x-acs-date ${date ?? ''} is more than 15 minutes from the server's time`);
  const payloadHash = hashedPayload(request.body);
  if (single(request.headers['x-acs-content-sha256']) !== payloadHash) return mismatch('x-acs-content-sha256 is not the SHA-256 of the body');

  const queryStart = request.url.indexOf('?');
  // The path exactly as sent: the client signed its own encoding of it.
  const path = queryStart === -1 ? request.url : request.url.slice(0, queryStart);
  const query = Object.fromEntries(new URLSearchParams(queryStart === -1 ? '' : request.url.slice(queryStart + 1)));
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) headers[name] = single(request.headers[name]) ?? '';
  const expected = acs3Signature(canonicalRequest({ method: request.method, path, query, headers }, signedHeaders, payloadHash), credentials.accessKeySecret);
  return timingSafeEqual(Buffer.from(expected), Buffer.from(signature)) ? { ok: true } : mismatch('signature differs');
}
