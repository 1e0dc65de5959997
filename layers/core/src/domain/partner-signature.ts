import { createHmac, timingSafeEqual } from 'node:crypto';
import type { PartnerRegistry } from './partner-registry.ts';

/** How far `X-Timestamp` may be from the receiver's clock, either way, before the request is refused. */
export const signatureToleranceSeconds = 300;

/** Request headers as the HTTP layer has them; names are matched case-insensitively. */
export type PartnerRequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * The headers a partner sends with every webhook request. A type alias, not an interface, so it can be passed
 * wherever a `Record<string, string>` of headers is expected (fetch, FC events, {@link verifyPartnerRequest}).
 */
export type PartnerSignatureHeaders = {
  'X-Partner-Id': string;
  'X-Timestamp': string;
  'X-Signature': string;
};

/** What a signed request is checked with. */
export interface PartnerRequest {
  headers: PartnerRequestHeaders;
  /** The body exactly as received: the signature covers its bytes, not a re-serialization. */
  rawBody: string | Uint8Array;
  /** The receiver's clock, passed in so the check is deterministic. */
  nowMs: number;
  registry: PartnerRegistry;
}

/** Why a request was refused; for logs and metrics only, never for the answer (which is a plain 401). */
export type PartnerAuthFailure =
  | 'missing-header'
  | 'unknown-partner'
  | 'malformed-timestamp'
  | 'timestamp-out-of-window'
  | 'malformed-signature'
  | 'signature-mismatch';

export type PartnerVerification =
  | {
      ok: true;
      partnerId: string;
      /** Which of the partner's secrets matched: during a rotation, tells when the old one is no longer used. */
      secretIndex: number;
    }
  | {
      ok: false;
      failure: PartnerAuthFailure;
      /** A sentence for the log line; it may quote the headers but never a secret or the expected signature. */
      reason: string;
    };

const timestampPattern = /^\d{1,12}$/;
const signaturePattern = /^[0-9a-f]{64}$/;

/**
 * Checks a partner webhook request: `X-Partner-Id` names a registered partner, `X-Timestamp` (unix seconds) is
 * within {@link signatureToleranceSeconds} of `nowMs` either way, and `X-Signature` is the lower-case hex
 * HMAC-SHA256 of `${timestamp}.${rawBody}` under one of the partner's secrets, compared in constant time. A replay
 * inside the window is harmless: its events are duplicates by `eventId`.
 *
 * @example
 * ```ts
 * const auth = verifyPartnerRequest({ headers: event.headers, rawBody, nowMs: Date.now(), registry });
 * if (!auth.ok) {
 *   logger.warn({ failure: auth.failure, reason: auth.reason });
 *   return errorResponse(new ParcelscanError('UNAUTHORIZED')); // no hint which part failed
 * }
 * ```
 */
export function verifyPartnerRequest({ headers, rawBody, nowMs, registry }: PartnerRequest): PartnerVerification {
  const partnerId = header(headers, 'x-partner-id');
  const timestamp = header(headers, 'x-timestamp');
  const signature = header(headers, 'x-signature');
  if (partnerId === undefined || timestamp === undefined || signature === undefined) {
    const missing = [
      partnerId === undefined && 'X-Partner-Id',
      timestamp === undefined && 'X-Timestamp',
      signature === undefined && 'X-Signature',
    ].filter(Boolean);
    return refuse('missing-header', `missing or repeated header ${missing.join(', ')}`);
  }
  const partner = registry.get(partnerId);
  if (partner === undefined) return refuse('unknown-partner', `unknown partner ${JSON.stringify(partnerId)}`);
  if (!timestampPattern.test(timestamp)) {
    return refuse('malformed-timestamp', `X-Timestamp ${JSON.stringify(timestamp)} is not unix seconds`);
  }
  const skewSeconds = (nowMs - Number(timestamp) * 1000) / 1000;
  if (Math.abs(skewSeconds) > signatureToleranceSeconds) {
    return refuse(
      'timestamp-out-of-window',
      `X-Timestamp is ${Math.round(skewSeconds)} s from now (limit ±${signatureToleranceSeconds} s)`,
    );
  }
  if (!signaturePattern.test(signature)) {
    return refuse('malformed-signature', 'X-Signature is not 64 lower-case hex characters');
  }
  const presented = Buffer.from(signature, 'hex');
  // Every secret is tried, so the time taken does not depend on which one matched.
  let secretIndex = -1;
  partner.secrets.forEach((secret, index) => {
    if (timingSafeEqual(hmac(secret, timestamp, rawBody), presented) && secretIndex === -1) secretIndex = index;
  });
  if (secretIndex === -1) return refuse('signature-mismatch', `X-Signature does not match any secret of ${partnerId}`);
  return { ok: true, partnerId, secretIndex };
}

/**
 * The headers that sign `rawBody` for `partnerId` at `nowMs`: what a partner sends, for tests, tools and the docs.
 *
 * @example
 * ```ts
 * const body = JSON.stringify({ events });
 * const headers = signPartnerRequest('demo', 'demo-secret', body, Date.now());
 * await fetch(`${endpoint}/v1/scans`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body });
 * ```
 */
export function signPartnerRequest(
  partnerId: string,
  secret: string,
  rawBody: string | Uint8Array,
  nowMs: number,
): PartnerSignatureHeaders {
  const timestamp = String(Math.floor(nowMs / 1000));
  return {
    'X-Partner-Id': partnerId,
    'X-Timestamp': timestamp,
    'X-Signature': hmac(secret, timestamp, rawBody).toString('hex'),
  };
}

function hmac(secret: string, timestamp: string, rawBody: string | Uint8Array): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
}

/** One header's value; a repeated header counts as missing, since no single value can be trusted. */
function header(headers: PartnerRequestHeaders, lowerCaseName: string): string | undefined {
  let found: string | undefined;
  let count = 0;
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() !== lowerCaseName || value === undefined) continue;
    const values = typeof value === 'string' ? [value] : value;
    count += values.length;
    found = values[0];
  }
  return count === 1 ? found : undefined;
}

function refuse(failure: PartnerAuthFailure, reason: string): PartnerVerification {
  return { ok: false, failure, reason };
}
