import { verifyPartnerRequest, type PartnerRegistry } from '../domain/index.ts';
import { ParcelscanError } from '../errors.ts';
import type { Logger } from '../observability/logger.ts';
import { TablestoreError } from '../store/errors.ts';
import { errorResponse } from './error-response.ts';
import type { HttpRequest, HttpResponse } from './http-event.ts';

/**
 * What every signed partner webhook (POST /v1/scans, POST /v1/orders) does around its use case, in one place:
 * before it, the method, size, content-type and signature checks and the JSON parse; after it, turning a failure
 * into the partner's answer (4xx as they are, storage trouble as 503 with Retry-After, the rest as 500).
 */

/** What the checks need besides the request. */
export interface PartnerWebhookDeps {
  partners: PartnerRegistry;
  /** The receiver's clock, for the signature's time window. */
  nowMs: number;
  /**
   * The request's logger (observability/), where failures are explained: a refused signature's reason (the partner
   * is told only "unauthorized"), a 5xx's cause.
   */
  log: Logger;
}

/** How one endpoint words its checks. */
export interface PartnerWebhookRules {
  /** Ends "Use POST to …": `'send scan events'`. */
  purpose: string;
  maxBodyBytes: number;
  /** The body's shape, for the answer to a body that is not JSON: `'a JSON object {"events": [...]}'`. */
  bodyShape: string;
}

/** A request whose partner signed it, with its body parsed as JSON (not yet validated). */
export interface AuthenticatedPartnerRequest {
  partnerId: string;
  body: unknown;
}

function isJson(contentType: string | undefined): boolean {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  return mediaType === 'application/json' || (mediaType?.endsWith('+json') ?? false);
}

/**
 * Checks a partner webhook request in the order that costs least to refuse: method (405), size (413), content
 * type (415), signature (401, with no hint which part failed; the reason is logged), then parses the body (400
 * when it is not JSON). The signature covers the raw bytes, so it is checked before the body is parsed.
 *
 * @throws ParcelscanError for each refusal above.
 * @example
 * ```ts
 * const { partnerId, body } = authenticatePartnerRequest(request, deps, {
 *   purpose: 'create orders', maxBodyBytes: 64 * 1024, bodyShape: 'a JSON order object',
 * });
 * ```
 */
export function authenticatePartnerRequest(
  request: HttpRequest,
  deps: PartnerWebhookDeps,
  rules: PartnerWebhookRules,
): AuthenticatedPartnerRequest {
  if (request.method !== 'POST') throw new ParcelscanError('METHOD_NOT_ALLOWED', { message: `Use POST to ${rules.purpose}.` });
  if (request.rawBody.length > rules.maxBodyBytes) {
    throw new ParcelscanError('PAYLOAD_TOO_LARGE', { message: `The body must be at most ${rules.maxBodyBytes} bytes.` });
  }
  if (!isJson(request.headers['content-type'])) {
    throw new ParcelscanError('UNSUPPORTED_MEDIA_TYPE', { message: 'Send the body as application/json.' });
  }
  const verification = verifyPartnerRequest({
    headers: request.headers,
    rawBody: request.rawBody,
    nowMs: deps.nowMs,
    registry: deps.partners,
  });
  if (!verification.ok) {
    deps.log.warn('partner request refused', { outcome: 'unauthorized', failure: verification.failure, reason: verification.reason });
    throw new ParcelscanError('UNAUTHORIZED');
  }
  try {
    return { partnerId: verification.partnerId, body: JSON.parse(request.rawBody.toString('utf8')) };
  } catch {
    throw new ParcelscanError('INVALID_REQUEST', {
      message: 'The body is not valid JSON.',
      details: [{ path: '', message: `must be ${rules.bodyShape}` }],
    });
  }
}

/** How one endpoint words its 5xx answers, when the table's default messages do not fit it. */
export interface WebhookFailureWording {
  /** The log line of a 5xx: `'scan webhook failed'`. */
  logMessage: string;
  /** Replaces STORAGE_UNAVAILABLE's message: what was not stored and why resending is safe. */
  storageUnavailable?: string;
  /** Replaces INTERNAL's message. */
  internal?: string;
}

/**
 * The partner's answer to whatever a webhook threw: a 4xx `ParcelscanError` as it is; a retryable
 * `TablestoreError` (storage still unavailable at the deadline) as 503 STORAGE_UNAVAILABLE with Retry-After;
 * anything else as 500 INTERNAL. 5xx causes are logged, never answered.
 *
 * @example
 * ```ts
 * try { … } catch (error) {
 *   return webhookFailureResponse(error, deps, { logMessage: 'order webhook failed' });
 * }
 * ```
 */
export function webhookFailureResponse(
  error: unknown,
  deps: Pick<PartnerWebhookDeps, 'log'>,
  wording: WebhookFailureWording,
): HttpResponse {
  if (error instanceof ParcelscanError && error.status < 500) return errorResponse(error);
  deps.log.error(wording.logMessage, { error });
  if (error instanceof TablestoreError && error.retryable) {
    return errorResponse(
      new ParcelscanError('STORAGE_UNAVAILABLE', {
        cause: error,
        ...(wording.storageUnavailable === undefined ? {} : { message: wording.storageUnavailable }),
      }),
    );
  }
  if (error instanceof ParcelscanError || wording.internal === undefined) return errorResponse(error);
  return errorResponse(new ParcelscanError('INTERNAL', { cause: error, message: wording.internal }));
}
