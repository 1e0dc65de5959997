import { createHash, createHmac } from 'node:crypto';

/**
 * Alibaba Cloud's V3 request signature, ACS3-HMAC-SHA256, the one the FC 3.0 OpenAPI (2023-03-30) takes and its
 * official SDK (`@alicloud/fc20230330` over `@alicloud/openapi-core`, `doRequest`/`getAuthorization`) sends —
 * "Request syntax and signature method V3",
 * https://www.alibabacloud.com/help/en/sdk/product-overview/v3-request-structure-and-signature:
 *
 *   CanonicalRequest = Method \n CanonicalURI \n CanonicalQueryString \n CanonicalHeaders \n SignedHeaders \n HashedRequestPayload
 *   StringToSign     = "ACS3-HMAC-SHA256" \n hex(SHA-256(CanonicalRequest))
 *   Signature        = hex(HMAC-SHA256(AccessKeySecret, StringToSign))
 *   Authorization: ACS3-HMAC-SHA256 Credential=<AccessKeyId>,SignedHeaders=<a;b;…>,Signature=<Signature>
 *
 * Signed are `host`, `content-type` and every `x-acs-*` header: names lower-cased and sorted, values trimmed.
 * Pure: the date and the nonce come in, so the page's worked example is a test vector.
 */
export const ACS3_ALGORITHM = 'ACS3-HMAC-SHA256';

export interface Acs3Credentials {
  accessKeyId: string;
  accessKeySecret: string;
  /** STS credentials only: sent as `x-acs-security-token` (with `x-acs-accesskey-id`), signed like any `x-acs-*`. */
  securityToken?: string;
}

/** One request as the canonical request sees it. */
export interface Acs3Request {
  method: string;
  /** The path as sent on the wire, already percent-encoded. */
  path: string;
  query: Readonly<Record<string, string>>;
  /** Header names in any case. */
  headers: Readonly<Record<string, string>>;
}

/** RFC 3986 percent-encoding: only `A-Z a-z 0-9 - _ . ~` stay as they are. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** `x-acs-content-sha256`: the hex SHA-256 of the body (of nothing, for an empty one). */
export function hashedPayload(body: Uint8Array): string {
  return sha256Hex(body);
}

/** The headers a V3 signature covers: `host`, `content-type`, `x-acs-*`, lower-cased and sorted. */
export function signedHeaderNames(headers: Readonly<Record<string, string>>): string[] {
  const names = Object.keys(headers).map((name) => name.toLowerCase());
  return [...new Set(names.filter((name) => name === 'host' || name === 'content-type' || name.startsWith('x-acs-')))].sort();
}

function headerValue(headers: Readonly<Record<string, string>>, lowerName: string): string {
  for (const [name, value] of Object.entries(headers)) if (name.toLowerCase() === lowerName) return value.trim();
  return '';
}

/** The path as the SDK canonicalises the one it sends (`+` and `*` encoded, `~` not). */
function canonicalUri(path: string): string {
  return (path === '' ? '/' : path).replace(/\+/g, '%20').replace(/\*/g, '%2A').replace(/%7E/gi, '~');
}

function canonicalQueryString(query: Readonly<Record<string, string>>): string {
  return Object.keys(query)
    .sort()
    .map((name) => `${percentEncode(name)}=${percentEncode(query[name] ?? '')}`)
    .join('&');
}

/** The canonical request over `signedHeaders` (lower-case names, as {@link signedHeaderNames} lists them). */
export function canonicalRequest(request: Acs3Request, signedHeaders: readonly string[], payloadHash: string): string {
  const canonicalHeaders = signedHeaders.map((name) => `${name}:${headerValue(request.headers, name)}\n`).join('');
  return [request.method.toUpperCase(), canonicalUri(request.path), canonicalQueryString(request.query), canonicalHeaders, signedHeaders.join(';'), payloadHash].join('\n');
}

/** The hex signature of a canonical request. */
export function acs3Signature(canonical: string, accessKeySecret: string): string {
  return createHmac('sha256', accessKeySecret).update(`${ACS3_ALGORITHM}\n${sha256Hex(canonical)}`).digest('hex');
}

export interface SignOptions {
  /** `x-acs-action`, e.g. `InvokeFunction`. */
  action: string;
  /** `x-acs-version`, e.g. `2023-03-30`. */
  version: string;
  date: Date;
  /** `x-acs-signature-nonce`: a new random value for every request. */
  nonce: string;
}

/** `x-acs-date`: UTC to the second, `2023-10-26T10:22:32Z`. */
export function acsDate(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/**
 * The headers that sign `request`: its own (which must include `host`), the `x-acs-*` ones the signature
 * needs, and `authorization`.
 *
 * @example
 * const headers = signRequest(
 *   { method: 'POST', path: '/2023-03-30/functions/parcelscan-scan-webhook/invocations', query: {},
 *     headers: { host: '1234567890123456.cn-hangzhou.fc.aliyuncs.com', 'content-type': 'application/octet-stream' } },
 *   Buffer.from('{}'), { accessKeyId: 'id', accessKeySecret: 'secret' },
 *   { action: 'InvokeFunction', version: '2023-03-30', date: new Date(), nonce: randomUUID() },
 * );
 * headers.authorization; // 'ACS3-HMAC-SHA256 Credential=id,SignedHeaders=content-type;host;x-acs-action;…,Signature=…'
 */
export function signRequest(request: Acs3Request, body: Uint8Array, credentials: Acs3Credentials, options: SignOptions): Record<string, string> {
  const payloadHash = hashedPayload(body);
  const headers: Record<string, string> = {
    ...request.headers,
    'x-acs-action': options.action,
    'x-acs-version': options.version,
    'x-acs-date': acsDate(options.date),
    'x-acs-signature-nonce': options.nonce,
    'x-acs-content-sha256': payloadHash,
  };
  if (credentials.securityToken !== undefined && credentials.securityToken !== '') {
    headers['x-acs-accesskey-id'] = credentials.accessKeyId;
    headers['x-acs-security-token'] = credentials.securityToken;
  }
  const signedHeaders = signedHeaderNames(headers);
  const signature = acs3Signature(canonicalRequest({ ...request, headers }, signedHeaders, payloadHash), credentials.accessKeySecret);
  headers.authorization = `${ACS3_ALGORITHM} Credential=${credentials.accessKeyId},SignedHeaders=${signedHeaders.join(';')},Signature=${signature}`;
  return headers;
}
