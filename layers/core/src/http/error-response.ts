import { ParcelscanError } from '../errors.ts';
import { jsonResponse, type HttpResponse } from './http-event.ts';

/**
 * Turns whatever a handler threw into the partner's answer: a ParcelscanError keeps its code, status and
 * message (and its Retry-After); anything else is a 500 INTERNAL whose details stay in the logs.
 */
export function errorResponse(error: unknown): HttpResponse {
  const known = error instanceof ParcelscanError ? error : new ParcelscanError('INTERNAL', { cause: error });
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  if (known.retryAfterSeconds !== undefined) headers['retry-after'] = String(known.retryAfterSeconds);
  return jsonResponse(known.status, known.toBody(), headers);
}
