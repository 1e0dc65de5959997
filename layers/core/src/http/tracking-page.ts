import type { WaybillNo } from '../domain/index.ts';
import { ParcelscanError } from '../errors.ts';
import { trackParcel } from '../tracking/track-parcel.ts';
import { cacheControl, conditionalResponse, entityTag } from './http-cache.ts';
import type { HttpRequest, HttpResponse } from './http-event.ts';
import { parseWaybillSegment, trackingFailure, type TrackingDeps } from './tracking-api.ts';
import {
  renderInvalidWaybillPage,
  renderPageNotFound,
  renderParcelNotFoundPage,
  renderSearchPage,
  renderTrackingPage,
  renderUnavailablePage,
  trackingPageContentSecurityPolicy,
} from './tracking-page-html.ts';

/**
 * The tracking page, served by its own function (routes `/track*`):
 * - `GET /track`: the search form; `GET /track?waybillNo=…` redirects (303) to `/track/{waybillNo}`, after taking
 *   out the spaces and dashes people type and turning full-width digits into ASCII ones;
 * - `GET /track/{waybillNo}`: the parcel's page, built from the same answer as `GET /v1/parcels/{waybillNo}`
 *   (tracking/track-parcel.ts), with the same caching; a malformed number gets a 400 page naming the rule and
 *   the form to correct it, an unknown parcel a 404 page.
 */

const parcelPagePath = /^\/track\/([^/]+)$/u;

function htmlResponse(statusCode: number, body: string, headers: Readonly<Record<string, string>>): HttpResponse {
  return {
    statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': trackingPageContentSecurityPolicy,
      'x-content-type-options': 'nosniff',
      // The page URL holds the waybill number; no other site needs to learn it.
      'referrer-policy': 'no-referrer',
      ...headers,
    },
    isBase64Encoded: false,
    body,
  };
}

/** What people type into the form, as a waybill number would be written: no spaces or dashes, ASCII digits. */
export function normaliseSearch(input: string): string {
  return input.normalize('NFKC').replace(/[\s-]/gu, '');
}

function search(request: HttpRequest): HttpResponse {
  const input = request.query.waybillNo;
  if (input === undefined) return htmlResponse(200, renderSearchPage(), { 'cache-control': cacheControl.static });
  const waybillNo = normaliseSearch(input);
  if (waybillNo === '') {
    return htmlResponse(400, renderSearchPage({ error: 'Enter a waybill number.' }), { 'cache-control': cacheControl.malformed });
  }
  // 303: the answer to this GET is another resource, fetched with GET (RFC 9110 §15.4.4).
  return htmlResponse(303, '', { location: `/track/${encodeURIComponent(waybillNo)}`, 'cache-control': cacheControl.static });
}

async function parcelPage(request: HttpRequest, segment: string, deps: TrackingDeps): Promise<HttpResponse> {
  const waybill = parseWaybillSegment(segment);
  if (!waybill.ok) {
    const rule = waybill.error.details?.[0]?.message ?? waybill.error.message;
    return htmlResponse(400, renderInvalidWaybillPage(segment, rule), { 'cache-control': cacheControl.malformed });
  }
  try {
    const tracked = await trackParcel(deps.tablestore, waybill.waybillNo, deps.deadline);
    if (tracked === undefined) {
      return htmlResponse(404, renderParcelNotFoundPage(waybill.waybillNo), { 'cache-control': cacheControl.unknown });
    }
    const answer = htmlResponse(200, renderTrackingPage(tracked.tracking), {});
    return conditionalResponse(request, answer, entityTag(tracked.revision, answer.body), cacheControl.tracked);
  } catch (error) {
    const failure = trackingFailure(error, deps.log);
    const retryAfter = failure.retryAfterSeconds;
    return htmlResponse(failure.status, renderUnavailablePage(retryAfter ?? 5), {
      'cache-control': cacheControl.none,
      ...(retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) }),
    });
  }
}

/**
 * The waybill number a tracking page request asks about, when it is a valid one (`/track/{waybillNo}`, or the
 * search form's `?waybillNo=`): what the request's log lines carry as `waybillNo`.
 */
export function requestedPageWaybillNo(request: HttpRequest): WaybillNo | undefined {
  const input = parcelPagePath.exec(request.path)?.[1] ?? request.query.waybillNo;
  if (input === undefined) return undefined;
  const waybill = parseWaybillSegment(normaliseSearch(input));
  return waybill.ok ? waybill.waybillNo : undefined;
}

/**
 * Answers `GET /track`, `GET /track?waybillNo=…` and `GET /track/{waybillNo}`.
 *
 * @example
 * ```ts
 * const response = await handleTrackingPage(parseHttpTriggerEvent(event), { tablestore, deadline, log });
 * response.headers['content-type']; // 'text/html; charset=utf-8'
 * ```
 */
export async function handleTrackingPage(request: HttpRequest, deps: TrackingDeps): Promise<HttpResponse> {
  if (request.method !== 'GET') {
    return htmlResponse(new ParcelscanError('METHOD_NOT_ALLOWED').status, '', { allow: 'GET', 'cache-control': cacheControl.none });
  }
  if (request.path === '/track' || request.path === '/track/') return search(request);
  const segment = parcelPagePath.exec(request.path)?.[1];
  if (segment === undefined) return htmlResponse(404, renderPageNotFound(), { 'cache-control': cacheControl.static });
  return parcelPage(request, segment, deps);
}
