import type { HttpResponse } from '../http/http-event.ts';

/** What an error answer says went wrong, as its summary line and metric lines name it. */
export interface AnsweredError {
  /** The API error code (errors.ts), e.g. `INVALID_REQUEST`. */
  code: string;
  /** The field of the first detail, e.g. `receiver.phone`; absent when the answer names none. */
  field?: string;
}

/**
 * Reads the API error back from an answer's JSON body (errors.ts `ErrorBody`): read from the answer rather than
 * from what was thrown, so what is logged and counted is what the partner was told. `undefined` for an answer that
 * is not one of our JSON errors (a 2xx, the tracking page's HTML).
 *
 * @example
 * ```ts
 * answeredError(errorResponse(new ParcelscanError('INVALID_REQUEST', { details: [{ path: 'receiver.phone', message }] })));
 * // { code: 'INVALID_REQUEST', field: 'receiver.phone' }
 * ```
 */
export function answeredError(response: HttpResponse): AnsweredError | undefined {
  if (response.statusCode < 400 || response.headers['content-type']?.startsWith('application/json') !== true) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    return undefined;
  }
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, details } = error as { code?: unknown; details?: unknown };
  if (typeof code !== 'string') return undefined;
  const first: unknown = Array.isArray(details) ? details[0] : undefined;
  const field = typeof first === 'object' && first !== null ? (first as { path?: unknown }).path : undefined;
  return typeof field === 'string' && field !== '' ? { code, field } : { code };
}
