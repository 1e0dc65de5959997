import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The MNS request signature, as https://www.alibabacloud.com/help/doc-detail/27487.htm defines it and as
 * `@alicloud/mns@1.2.0` computes it (lib/client.js `sign`, lib/helper.js `getCanonicalizedMNSHeaders`):
 *
 *   base64(hmac-sha1(secret, VERB \n Content-MD5 \n Content-Type \n Date \n CanonicalizedMNSHeaders CanonicalizedResource))
 *
 * CanonicalizedMNSHeaders is every `x-mns-*` header, lower-cased and sorted, as `name:value\n`;
 * CanonicalizedResource is the request path and query exactly as sent (the SDK does not encode it).
 * Pure: no clock, no I/O.
 */

/** The parts of a request that the signature covers. Header names must already be lower-case. */
export interface SignedRequestParts {
  method: string;
  headers: Readonly<Record<string, string | undefined>>;
  resource: string;
}

/** Builds the string the client signed. */
export function stringToSign({ method, headers, resource }: SignedRequestParts): string {
  const mnsHeaders = Object.keys(headers)
    .filter((name) => name.startsWith('x-mns-'))
    .sort()
    .map((name) => `${name}:${headers[name] ?? ''}\n`)
    .join('');
  const contentMd5 = headers['content-md5'] ?? '';
  const contentType = headers['content-type'] ?? '';
  const date = headers['date'] ?? '';
  return `${method}\n${contentMd5}\n${contentType}\n${date}\n${mnsHeaders}${resource}`;
}

/**
 * Computes the signature for a request.
 *
 * @example
 * sign('local-secret', { method: 'GET', headers: { date: 'Tue, 11 Apr 2017 10:09:19 GMT' }, resource: '/queues' });
 */
export function sign(accessKeySecret: string, parts: SignedRequestParts): string {
  return createHmac('sha1', accessKeySecret).update(stringToSign(parts), 'utf8').digest('base64');
}

/** Compares a presented signature with the expected one in constant time. */
export function signatureMatches(accessKeySecret: string, parts: SignedRequestParts, presented: string): boolean {
  const expected = Buffer.from(sign(accessKeySecret, parts));
  const given = Buffer.from(presented);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The access key id and signature of an `Authorization: MNS {AccessKeyId}:{Signature}` header. */
export interface MnsAuthorization {
  accessKeyId: string;
  signature: string;
}

/** Splits an Authorization header; `undefined` when it is not of the `MNS id:signature` form. */
export function parseAuthorization(header: string): MnsAuthorization | undefined {
  const match = /^MNS ([^:\s]+):(\S+)$/.exec(header.trim());
  if (match === null) return undefined;
  const [, accessKeyId, signature] = match;
  if (accessKeyId === undefined || signature === undefined) return undefined;
  return { accessKeyId, signature };
}

/**
 * Whether a Content-MD5 header matches the body. `@alicloud/mns` sends base64 of the *hex* digest
 * (`Buffer.from(md5hex).toString('base64')`); RFC 1864 clients send base64 of the raw digest. Both are accepted.
 */
export function contentMd5Matches(header: string, body: Buffer): boolean {
  const digest = createHash('md5').update(body).digest();
  return header === Buffer.from(digest.toString('hex')).toString('base64') || header === digest.toString('base64');
}
