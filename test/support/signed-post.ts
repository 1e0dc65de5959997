import { DEMO_PARTNER } from '../../infra/local/stack.ts';
import { signPartnerRequest } from '../../layers/core/src/domain/index.ts';

/**
 * A partner's POST to a signed webhook (POST /v1/scans, POST /v1/orders) over real HTTP: the body signed as the
 * README's API section specifies (X-Partner-Id, X-Timestamp, X-Signature = hex HMAC-SHA256 of
 * `${timestamp}.${rawBody}`), as the local stack's demo partner by default.
 */

export interface SignedPostOptions {
  partnerId?: string;
  secret?: string;
  /** The signing clock; defaults to now. */
  nowMs?: number;
  contentType?: string;
  /** Headers to drop after signing (case-insensitive names, e.g. 'X-Signature'). */
  omit?: readonly string[];
  /** Headers to set after signing, over the signed ones (to break the signature, say). */
  headers?: Readonly<Record<string, string>>;
}

/** An HTTP answer as tests read it. */
export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON; undefined when it is not JSON. */
  json: unknown;
}

/** The answer of a 200 from the scan webhook: counts and the rejected events. */
export interface ScanWebhookBody {
  accepted: number;
  duplicates: number;
  rejected: { index: number; eventId?: string; errors: { path: string; message: string }[] }[];
}

/** The body of every error answer. */
export interface ErrorAnswerBody {
  error: { code: string; message: string; details?: { path: string; message: string }[] };
}

/** The scan webhook's endpoint on a gateway. */
export function scansUrl(gatewayUrl: string): string {
  return `${gatewayUrl}/v1/scans`;
}

/** The order webhook's endpoint on a gateway. */
export function ordersUrl(gatewayUrl: string): string {
  return `${gatewayUrl}/v1/orders`;
}

/** Reads a fetch response whole, parsing the body as JSON when it is JSON. */
export async function answerOf(response: Response): Promise<HttpAnswer> {
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** The signed headers and content type for `rawBody`, as {@link signedPost} sends them. */
export function signedHeaders(rawBody: string | Uint8Array, options: SignedPostOptions = {}): Record<string, string> {
  const signed: Record<string, string> = {
    ...signPartnerRequest(options.partnerId ?? DEMO_PARTNER.partnerId, options.secret ?? DEMO_PARTNER.secret, rawBody, options.nowMs ?? Date.now()),
    'Content-Type': options.contentType ?? 'application/json',
  };
  const omitted = new Set((options.omit ?? []).map((name) => name.toLowerCase()));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed)) if (!omitted.has(name.toLowerCase())) headers[name] = value;
  return { ...headers, ...options.headers };
}

/** POSTs a raw body as it is given (a string or bytes are sent byte for byte). */
export async function postBody(url: string, rawBody: string | Uint8Array, headers: Readonly<Record<string, string>>): Promise<HttpAnswer> {
  return answerOf(await fetch(url, { method: 'POST', headers, body: rawBody }));
}

/**
 * Signs and POSTs a body to a partner webhook. An object body is sent as its JSON; a string is sent as is.
 *
 * @example
 * const answer = await signedPost(scansUrl(stack.gatewayUrl), { events });
 * expect(answer.status).toBe(200);
 */
export function signedPost(url: string, body: string | object, options: SignedPostOptions = {}): Promise<HttpAnswer> {
  const rawBody = typeof body === 'string' ? body : JSON.stringify(body);
  return postBody(url, rawBody, signedHeaders(rawBody, options));
}

/** The 200 body of a scan webhook answer, failing loudly (with the answer) when the status is not 200. */
export function acceptedBody(answer: HttpAnswer): ScanWebhookBody {
  if (answer.status !== 200) throw new Error(`expected 200 from the scan webhook, got ${answer.status}: ${answer.text}`);
  return answer.json as ScanWebhookBody;
}
