import { MnsError } from './errors.ts';

/**
 * Maps an HTTP method and raw request URL to an MNS queue operation. Paths follow the queue API reference
 * (https://www.alibabacloud.com/help/doc-detail/27490.htm and the pages of each operation) and
 * `@alicloud/mns@1.2.0` lib/client.js. Pure.
 */
export type Route =
  | { operation: 'ListQueue' }
  | { operation: 'CreateQueue'; queue: string }
  | { operation: 'SetQueueAttributes'; queue: string }
  | { operation: 'GetQueueAttributes'; queue: string }
  | { operation: 'DeleteQueue'; queue: string }
  /** SendMessage or BatchSendMessage, told apart by the body's root element. */
  | { operation: 'SendMessage'; queue: string }
  /** ReceiveMessage, BatchReceiveMessage, PeekMessage or BatchPeekMessage, told apart by the query. */
  | { operation: 'ReceiveMessage'; queue: string }
  /** DeleteMessage with `?ReceiptHandle=`, else BatchDeleteMessage with a `<ReceiptHandles>` body. */
  | { operation: 'DeleteMessage'; queue: string }
  | { operation: 'ChangeMessageVisibility'; queue: string };

/** A request line taken apart: the path under the account (see {@link splitRequestUrl}) and the query. */
export interface RequestTarget {
  /** The path without any leading account segment and without the query. */
  path: string;
  /** Query parameters by lower-cased name (the SDK sends both `ReceiptHandle` and `receiptHandle`). */
  query: ReadonlyMap<string, string>;
  /** The part of the raw URL a client signs: path and query as sent, after any account segment. */
  signedResource: string;
}

const RESOURCE_ROOTS = new Set(['queues', 'topics']);

/**
 * Splits a raw request URL. A leading path segment naming an account (`/1234567/queues/q`) is accepted and
 * dropped, so endpoints of the form `http://host:port/{accountId}` work; queues are per server, whatever
 * the account.
 */
export function splitRequestUrl(rawUrl: string): RequestTarget {
  const queryStart = rawUrl.indexOf('?');
  const rawPath = queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart);
  const rawQuery = queryStart === -1 ? '' : rawUrl.slice(queryStart + 1);
  const segments = rawPath.split('/');
  const hasAccountSegment =
    segments.length > 2 && !RESOURCE_ROOTS.has(segments[1] ?? '') && RESOURCE_ROOTS.has(segments[2] ?? '');
  const accountPrefix = hasAccountSegment ? `/${segments[1] ?? ''}` : '';
  return {
    path: rawPath.slice(accountPrefix.length),
    query: parseQuery(rawQuery),
    signedResource: rawUrl.slice(accountPrefix.length),
  };
}

/** Decodes `a=1&b=2` without turning '+' into a space (receipt handles from the cloud contain '+'). */
function parseQuery(rawQuery: string): Map<string, string> {
  const query = new Map<string, string>();
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const rawName = equals === -1 ? pair : pair.slice(0, equals);
    const rawValue = equals === -1 ? '' : pair.slice(equals + 1);
    try {
      query.set(decodeURIComponent(rawName).toLowerCase(), decodeURIComponent(rawValue));
    } catch {
      throw new MnsError('InvalidQueryString', `Http request URL contains invalid querystring item "${rawName}".`);
    }
  }
  return query;
}

/** The operation a request asks for → InvalidRequestURL when there is none. */
export function route(method: string, target: RequestTarget): Route {
  const segments = target.path.split('/').slice(1);
  const [root, queue, sub, ...rest] = segments;
  if (root !== 'queues' || rest.length > 0) throw new MnsError('InvalidRequestURL');
  if (queue === undefined || queue === '') {
    if (method === 'GET' && sub === undefined) return { operation: 'ListQueue' };
    throw new MnsError('InvalidRequestURL');
  }
  if (sub === undefined) {
    switch (method) {
      case 'PUT':
        return target.query.get('metaoverride') === 'true'
          ? { operation: 'SetQueueAttributes', queue }
          : { operation: 'CreateQueue', queue };
      case 'GET':
        return { operation: 'GetQueueAttributes', queue };
      case 'DELETE':
        return { operation: 'DeleteQueue', queue };
    }
    throw new MnsError('InvalidRequestURL');
  }
  if (sub !== 'messages') throw new MnsError('InvalidRequestURL');
  switch (method) {
    case 'POST':
      return { operation: 'SendMessage', queue };
    case 'GET':
      return { operation: 'ReceiveMessage', queue };
    case 'DELETE':
      return { operation: 'DeleteMessage', queue };
    case 'PUT':
      return { operation: 'ChangeMessageVisibility', queue };
  }
  throw new MnsError('InvalidRequestURL');
}
