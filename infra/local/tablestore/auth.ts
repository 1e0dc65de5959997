import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { OtsServerError, parameterInvalid } from './errors.ts';

/**
 * Request authentication as Tablestore does it: HMAC-SHA1 over the path, the method and the sorted `x-ots-*`
 * headers, keyed by the access key secret; the body's MD5 in `x-ots-contentmd5`; a clock-skew window on
 * `x-ots-date`. The Node SDK signs in lib/signer.js; the layout is documented at
 * https://www.alibabacloud.com/help/en/tablestore/developer-reference/initiate-an-http-request (signature
 * calculation) and the failures are the OTSAuthFailed rows of the error-code table.
 */

export interface AccessKey {
  accessKeyId: string;
  accessKeySecret: string;
}

const REQUIRED_HEADERS = [
  'x-ots-date',
  'x-ots-apiversion',
  'x-ots-accesskeyid',
  'x-ots-instancename',
  'x-ots-contentmd5',
  'x-ots-signature',
] as const;

/** The service refuses requests whose x-ots-date is more than 15 minutes off its clock. */
const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

export function stringToSign(path: string, headers: IncomingHttpHeaders): string {
  const signed = Object.keys(headers)
    .filter((name) => name.startsWith('x-ots-') && name !== 'x-ots-signature')
    .sort()
    .map((name) => `${name}:${String(headers[name]).trim()}`);
  return `${path}\nPOST\n\n${signed.join('\n')}\n`;
}

export function sign(secret: string, text: string): string {
  return createHmac('sha1', secret).update(text).digest('base64');
}

function header(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Returns the instance name the request is for, or throws the error the service would answer with. */
export function authenticate(
  path: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
  keys: readonly AccessKey[],
  nowMs: number,
): string {
  for (const name of REQUIRED_HEADERS) {
    if (header(headers, name) === '') throw parameterInvalid(`Missing header: ${name}.`);
  }
  const date = header(headers, 'x-ots-date');
  const sentAt = Date.parse(date);
  if (Number.isNaN(sentAt)) throw parameterInvalid(`Invalid date format: ${date}.`);
  if (Math.abs(nowMs - sentAt) > MAX_CLOCK_SKEW_MS) {
    throw new OtsServerError('OTSAuthFailed', `Mismatch between system time and x-ots-date: ${date}.`);
  }
  const md5 = createHash('md5').update(body).digest('base64');
  if (!sameText(md5, header(headers, 'x-ots-contentmd5'))) {
    throw new OtsServerError('OTSAuthFailed', 'Mismatch between MD5 value of request body and x-ots-contentmd5 in header.');
  }
  const key = keys.find((candidate) => candidate.accessKeyId === header(headers, 'x-ots-accesskeyid'));
  if (key === undefined) throw new OtsServerError('OTSAuthFailed', 'The AccessKeyID does not exist.');
  const expected = sign(key.accessKeySecret, stringToSign(path, headers));
  if (!sameText(expected, header(headers, 'x-ots-signature'))) throw new OtsServerError('OTSAuthFailed', 'Signature mismatch.');
  return header(headers, 'x-ots-instancename');
}
