/**
 * The API's errors: ONE table of codes, each with the HTTP status it maps to and a default message a partner can
 * act on, and the {@link ParcelscanError} that carries one of them. Handlers never write a status or an error
 * message literal of their own; they pick a code here (the shape follows Powertools for AWS Lambda's
 * `errors.ts`: one module, errors as typed values).
 */

/** One field-level problem: `path` names the field (`events[3].waybillNo`), `message` the rule it breaks. */
export interface ErrorDetail {
  path: string;
  message: string;
}

interface ApiErrorSpec {
  status: number;
  message: string;
  /** For 503 answers: the `Retry-After` the HTTP layer sends unless the error sets its own. */
  retryAfterSeconds?: number;
}

/**
 * Every error the API answers with. The messages are written for the partner's developer: they say what to change
 * or when to try again, and never which part of a signature check failed (401 gives no hint, on purpose).
 */
export const apiErrors = {
  INVALID_REQUEST: {
    status: 400,
    message: 'The request is not valid; see details for the fields to fix.',
  },
  INVALID_WAYBILL_NO: {
    status: 400,
    message: 'waybillNo must be 15 digits whose last digit is the check digit of the first 14.',
  },
  UNAUTHORIZED: {
    status: 401,
    message:
      'The request could not be authenticated. Send X-Partner-Id, X-Timestamp (unix seconds, within 300 s of now) ' +
      'and X-Signature (lower-case hex HMAC-SHA256 of "<timestamp>.<body>" with your partner secret).',
  },
  PARCEL_NOT_FOUND: {
    status: 404,
    message: 'No scan has been recorded for this waybillNo.',
  },
  NOT_FOUND: {
    status: 404,
    message: 'There is no such endpoint; check the path.',
  },
  METHOD_NOT_ALLOWED: {
    status: 405,
    message: 'This endpoint does not accept this HTTP method.',
  },
  ORDER_CONFLICT: {
    status: 409,
    message:
      'This partnerOrderId was already used for a different order. Resend the original order to get its ' +
      'waybillNo again, or create the new order under a new partnerOrderId.',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    message: 'The request body is larger than this endpoint accepts; send less in one request.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    message: 'Send the body as JSON with Content-Type: application/json.',
  },
  STORAGE_UNAVAILABLE: {
    status: 503,
    message:
      'The request could not be stored right now. Send the same request again after Retry-After seconds; ' +
      'resending it is safe.',
    retryAfterSeconds: 5,
  },
  INTERNAL: {
    status: 500,
    message: 'An internal error occurred; try the same request again.',
  },
  TRACKING_UNAVAILABLE: {
    status: 503,
    message: 'Tracking information cannot be read right now; ask again after Retry-After seconds.',
    retryAfterSeconds: 2,
  },
} as const satisfies Record<string, ApiErrorSpec>;

/** A code of {@link apiErrors}: `'INVALID_REQUEST'`, `'UNAUTHORIZED'`, … */
export type ApiErrorCode = keyof typeof apiErrors;

/** The JSON body of every error answer. */
export interface ErrorBody {
  error: {
    code: ApiErrorCode;
    message: string;
    details?: ErrorDetail[];
  };
}

/** What a {@link ParcelscanError} may override or add to its table entry. */
export interface ParcelscanErrorOptions {
  /** Replaces the table's default message; keep it actionable for a partner. */
  message?: string;
  details?: readonly ErrorDetail[];
  /** Replaces the table's `Retry-After` for this answer. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

/**
 * An API error as a value: its code, the HTTP status the code maps to, a message for the partner, and optional
 * field-level details. The HTTP layer turns it into a response with {@link ParcelscanError.toBody}.
 *
 * @example
 * ```ts
 * const error = new ParcelscanError('INVALID_REQUEST', {
 *   message: 'events must be an array of 1 to 500 scan events',
 *   details: [{ path: 'events', message: 'must be an array of 1 to 500 scan events' }],
 * });
 * error.status;   // 400
 * error.toBody(); // { error: { code: 'INVALID_REQUEST', message: 'events must be …', details: [...] } }
 * ```
 */
export class ParcelscanError extends Error {
  override name = 'ParcelscanError';
  readonly code: ApiErrorCode;
  readonly status: number;
  readonly details: readonly ErrorDetail[] | undefined;
  /** Seconds for the `Retry-After` header; set for 503 answers only. */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ApiErrorCode, options: ParcelscanErrorOptions = {}) {
    const spec: ApiErrorSpec = apiErrors[code];
    super(options.message ?? spec.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = spec.status;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds ?? spec.retryAfterSeconds;
  }

  /** The answer's JSON body: `{"error": {"code", "message", "details"?}}`; `details` only when there are some. */
  toBody(): ErrorBody {
    const body: ErrorBody = { error: { code: this.code, message: this.message } };
    if (this.details !== undefined && this.details.length > 0) body.error.details = [...this.details];
    return body;
  }
}
