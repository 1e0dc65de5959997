import { MnsError } from './errors.ts';
import { contentMd5Matches, parseAuthorization, signatureMatches } from './signature.ts';

/**
 * Checks that a request is signed with the server's key pair, as MNS does
 * (https://www.alibabacloud.com/help/doc-detail/27487.htm): Authorization present and well formed
 * (400 MissingAuthorizationHeader / InvalidAuthorizationHeader), a known key (403 InvalidAccessKeyId), a Date
 * within 15 minutes of the server's clock (400 MissingDateHeader / InvalidDateHeader, 408 TimeExpired), a
 * Content-MD5 that matches the body (400 InvalidDegist), and a matching signature (403 SignatureDoesNotMatch).
 */

export interface Credentials {
  accessKeyId: string;
  accessKeySecret: string;
}

export interface AuthenticatedRequest {
  method: string;
  /** Lower-cased header names; repeated headers joined with ', ' as Node joins them. */
  headers: Readonly<Record<string, string | undefined>>;
  /** Candidate signed resources: the raw URL after any account segment, then the raw URL as received. */
  resources: readonly string[];
  body: Buffer;
}

const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

/** Throws the MnsError the service would answer with, or returns when the request is authentic. */
export function authenticate(request: AuthenticatedRequest, credentials: Credentials, now: number): void {
  const authorization = request.headers['authorization'];
  if (authorization === undefined || authorization === '') throw new MnsError('MissingAuthorizationHeader');
  const presented = parseAuthorization(authorization);
  if (presented === undefined) throw new MnsError('InvalidAuthorizationHeader');
  if (presented.accessKeyId !== credentials.accessKeyId) throw new MnsError('InvalidAccessKeyId');

  const date = request.headers['date'];
  if (date === undefined || date === '') throw new MnsError('MissingDateHeader');
  const sentAt = Date.parse(date);
  if (Number.isNaN(sentAt)) throw new MnsError('InvalidDateHeader');
  if (Math.abs(now - sentAt) > MAX_CLOCK_SKEW_MS) throw new MnsError('TimeExpired');

  const contentMd5 = request.headers['content-md5'];
  if (contentMd5 !== undefined && contentMd5 !== '' && !contentMd5Matches(contentMd5, request.body)) {
    throw new MnsError('InvalidDegist');
  }

  const signed = request.resources.some((resource) =>
    signatureMatches(
      credentials.accessKeySecret,
      { method: request.method, headers: request.headers, resource },
      presented.signature,
    ),
  );
  if (!signed) throw new MnsError('SignatureDoesNotMatch');
}
