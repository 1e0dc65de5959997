import { createHash } from 'node:crypto';
import type { HttpRequest, HttpResponse } from './http-event.ts';

/**
 * Caching of public read answers by shared caches (the CDN in front of the API domain) and browsers
 * (RFC 9111; `stale-while-revalidate` and `stale-if-error` are RFC 5861).
 *
 * Nothing but the URL decides an answer (no cookies, no credentials, no content negotiation), so no `Vary` is
 * sent: a `Vary` would only split the CDN's cache for nothing. Compression, if any, is the CDN's, which adds its
 * own `Vary: Accept-Encoding`.
 */
export const cacheControl = {
  /**
   * A parcel's answer: fresh for 30 s, then served stale for up to 60 s while the CDN asks again (a scan
   * shows within 90 s at worst), and for 5 minutes while the origin is failing.
   */
  tracked: 'public, max-age=30, stale-while-revalidate=60, stale-if-error=300',
  /** An unknown parcel may get its first scan any moment: keep the "not found" briefly, enough to absorb floods. */
  unknown: 'public, max-age=10',
  /** A malformed number is malformed for ever; the day only bounds how long an old message text survives. */
  malformed: 'public, max-age=86400',
  /** Pages that hold no parcel data (the search form, the redirect of a search). */
  static: 'public, max-age=3600',
  /** Storage trouble: never keep it. */
  none: 'no-store',
} as const;

/**
 * A strong entity tag for an answer built from the parcel state of `revision`: the revision, for people
 * reading logs, and a digest of the body itself, because the answer also changes without a new revision (a
 * scan already in the timeline but not yet folded into the parcel row, an order summary added later, a new
 * release's wording).
 *
 * @example
 * ```ts
 * entityTag(7, body); // '"r7-Jq3v0mC2zq8aQ1b6pX0m4Q"'
 * ```
 */
export function entityTag(revision: number, body: string): string {
  const digest = createHash('sha256').update(body).digest('base64url').slice(0, 22);
  return `"r${revision}-${digest}"`;
}

/**
 * Whether `If-None-Match` names `etag` (weak comparison, as RFC 9110 §13.1.2 prescribes for this header:
 * `W/` prefixes are ignored), or is `*`.
 *
 * @example
 * ```ts
 * ifNoneMatchHits('"a", W/"r7-x"', '"r7-x"'); // true
 * ```
 */
export function ifNoneMatchHits(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  const opaque = (tag: string): string => tag.trim().replace(/^W\//u, '');
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((tag) => opaque(tag) === opaque(etag));
}

/**
 * The answer to a conditional GET of a cacheable 200: `304 Not Modified` with no body when the client already
 * holds this version, else the answer itself; both carry the `ETag` and the caching headers (RFC 9110 §15.4.5:
 * a 304 repeats Cache-Control, ETag and the like).
 *
 * @example
 * ```ts
 * return conditionalResponse(request, jsonResponse(200, tracking), entityTag(revision, body), cacheControl.tracked);
 * ```
 */
export function conditionalResponse(request: HttpRequest, answer: HttpResponse, etag: string, cachePolicy: string): HttpResponse {
  const headers: Record<string, string> = { ...answer.headers, etag, 'cache-control': cachePolicy };
  if (!ifNoneMatchHits(request.headers['if-none-match'], etag)) return { ...answer, headers };
  // A 304 describes the stored representation; its content type is not repeated (RFC 9110 §15.4.5).
  delete headers['content-type'];
  return { statusCode: 304, headers, isBase64Encoded: false, body: '' };
}
