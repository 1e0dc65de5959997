import { fieldErrors, waybillNoSchema, type WaybillNo } from '../domain/index.ts';
import { ParcelscanError } from '../errors.ts';
import type { Logger } from '../observability/logger.ts';
import { TablestoreError } from '../store/errors.ts';
import type { TablestoreClient } from '../store/tablestore-client.ts';
import { trackParcel } from '../tracking/track-parcel.ts';
import { errorResponse } from './error-response.ts';
import { cacheControl, conditionalResponse, entityTag } from './http-cache.ts';
import { jsonResponse, type HttpRequest, type HttpResponse } from './http-event.ts';

/**
 * GET /v1/parcels/{waybillNo}: a parcel's public tracking answer (see domain/tracking.ts for what is public).
 * The number is checked, format and check digit, before storage is touched; then one GetRow and one GetRange
 * (tracking/track-parcel.ts). Answers are cacheable by a CDN (http-cache.ts), errors included except 503s.
 */

/** What a tracking request needs besides the request: the client, the time to give up, where failures go. */
export interface TrackingDeps {
  tablestore: TablestoreClient;
  /** Epoch ms by which storage must have answered (retries included); past it the answer is a 503. */
  deadline: number;
  /** The request's logger (observability/): where a failed read is explained. */
  log: Logger;
}

const parcelPath = /^\/v1\/parcels\/([^/]+)$/u;

/**
 * Any site may read the public answer from a browser; nothing in it depends on who asks, so `*` is safe and needs
 * no `Vary: Origin`.
 */
const publicApiHeaders: Readonly<Record<string, string>> = {
  'access-control-allow-origin': '*',
  'x-content-type-options': 'nosniff',
};

/** The waybill number in a path segment, or the rule it breaks as an `INVALID_WAYBILL_NO` error. */
export function parseWaybillSegment(segment: string): { ok: true; waybillNo: WaybillNo } | { ok: false; error: ParcelscanError } {
  const parsed = waybillNoSchema.safeParse(segment);
  if (parsed.success) return { ok: true, waybillNo: parsed.data };
  return { ok: false, error: new ParcelscanError('INVALID_WAYBILL_NO', { details: fieldErrors(parsed.error, 'waybillNo') }) };
}

/**
 * The error to answer for a failed tracking read: storage that stays unavailable past the deadline is a
 * `TRACKING_UNAVAILABLE` 503 with `Retry-After`; anything else an `INTERNAL` 500. Both are logged.
 */
export function trackingFailure(error: unknown, log: Logger): ParcelscanError {
  log.error('tracking query failed', { error });
  if (error instanceof ParcelscanError) return error;
  if (error instanceof TablestoreError && error.retryable) return new ParcelscanError('TRACKING_UNAVAILABLE', { cause: error });
  return new ParcelscanError('INTERNAL', { cause: error });
}

/**
 * The waybill number a `GET /v1/parcels/{waybillNo}` request asks about, when it is a valid one: what the request's
 * log lines carry as `waybillNo` (a malformed segment is not logged as one).
 */
export function requestedWaybillNo(request: HttpRequest): WaybillNo | undefined {
  const segment = parcelPath.exec(request.path)?.[1];
  if (segment === undefined) return undefined;
  const waybill = parseWaybillSegment(segment);
  return waybill.ok ? waybill.waybillNo : undefined;
}

function withHeaders(response: HttpResponse, headers: Readonly<Record<string, string>>): HttpResponse {
  return { ...response, headers: { ...response.headers, ...headers } };
}

/**
 * Answers `GET /v1/parcels/{waybillNo}`.
 *
 * @example
 * ```ts
 * const response = await handleTrackingApi(parseHttpTriggerEvent(event), { tablestore, deadline, log });
 * response.statusCode; // 200, 304, 400, 404 or 503
 * ```
 */
export async function handleTrackingApi(request: HttpRequest, deps: TrackingDeps): Promise<HttpResponse> {
  if (request.method !== 'GET') {
    return withHeaders(errorResponse(new ParcelscanError('METHOD_NOT_ALLOWED')), { ...publicApiHeaders, allow: 'GET' });
  }
  const segment = parcelPath.exec(request.path)?.[1];
  if (segment === undefined) return withHeaders(errorResponse(new ParcelscanError('NOT_FOUND')), publicApiHeaders);
  const waybill = parseWaybillSegment(segment);
  if (!waybill.ok) {
    return withHeaders(errorResponse(waybill.error), { ...publicApiHeaders, 'cache-control': cacheControl.malformed });
  }
  try {
    const tracked = await trackParcel(deps.tablestore, waybill.waybillNo, deps.deadline);
    if (tracked === undefined) {
      return withHeaders(errorResponse(new ParcelscanError('PARCEL_NOT_FOUND')), { ...publicApiHeaders, 'cache-control': cacheControl.unknown });
    }
    const answer = jsonResponse(200, tracked.tracking, publicApiHeaders);
    return conditionalResponse(request, answer, entityTag(tracked.revision, answer.body), cacheControl.tracked);
  } catch (error) {
    return withHeaders(errorResponse(trackingFailure(error, deps.log)), publicApiHeaders);
  }
}
