/**
 * The FC 3.0 event shapes, built without I/O so they can be checked field by field:
 * - the HTTP trigger event a built-in runtime (nodejs20) handler receives, and how FC turns the handler's
 *   answer into the HTTP response — "Use an HTTP trigger to invoke a function",
 *   https://www.alibabacloud.com/help/en/functioncompute/fc-3-0/user-guide/http-trigger-invoking-function
 * - the MNS queue trigger event: in event-streaming mode a JSON array of CloudEvents 1.0, one per message —
 *   https://www.alibabacloud.com/help/en/functioncompute/fc/mns-queue-triggers and the EventBridge MNS
 *   sample event https://help.aliyun.com/zh/eventbridge/user-guide/create-a-custom-event-source-of-the-mns-type
 */

export interface HttpTriggerEvent {
  version: 'v1';
  /** The URL-encoded path as the client sent it. */
  rawPath: string;
  /** Text, or base64 when `isBase64Encoded` (binary content types). */
  body: string;
  isBase64Encoded: boolean;
  /** One string per header; repeated headers joined with commas. */
  headers: Record<string, string>;
  /** One string per parameter; repeated parameters joined with commas. */
  queryParameters: Record<string, string>;
  requestContext: {
    accountId: string;
    domainName: string;
    domainPrefix: string;
    http: { method: string; path: string; protocol: string; sourceIp: string; userAgent: string };
    requestId: string;
    /** `2023-09-05T06:41:11Z`: seconds precision, UTC. */
    time: string;
    /** Milliseconds since the epoch, as a string. */
    timeEpoch: string;
  };
}

/** What the gateway read from the socket, with the function-URL prefix already taken off `url`. */
export interface IncomingHttpRequest {
  method: string;
  /** Path and query string as received, e.g. `/v1/parcels/SF%201?x=1`. */
  url: string;
  httpVersion: string;
  /** Node's `rawHeaders`: names in the client's case, in order, name/value alternating. */
  rawHeaders: readonly string[];
  body: Buffer;
  sourceIp: string;
}

export interface HttpEventContext {
  accountId: string;
  domainName: string;
  requestId: string;
  receivedAt: Date;
}

/**
 * Content types FC passes as text; everything else is "binary" and base64-encoded. The docs only say binary
 * bodies are base64-encoded; the text list is the usual one (text/*, JSON, XML, form, JavaScript). A body
 * with no content type is binary: RFC 9110 §8.3 lets a recipient treat it as application/octet-stream.
 */
export function isTextContentType(contentType: string | undefined): boolean {
  if (contentType === undefined || contentType.trim() === '') return false;
  const mediaType = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return (
    mediaType.startsWith('text/') ||
    mediaType === 'application/json' ||
    mediaType.endsWith('+json') ||
    mediaType === 'application/xml' ||
    mediaType.endsWith('+xml') ||
    mediaType === 'application/x-www-form-urlencoded' ||
    mediaType === 'application/javascript' ||
    mediaType === 'application/graphql'
  );
}

/** Joins repeated headers with commas, keeping the first spelling of each name (FC keeps the client's case). */
export function joinHeaders(rawHeaders: readonly string[]): Record<string, string> {
  const byLowerName = new Map<string, { name: string; values: string[] }>();
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const name = rawHeaders[index] ?? '';
    const value = rawHeaders[index + 1] ?? '';
    const entry = byLowerName.get(name.toLowerCase());
    if (entry === undefined) byLowerName.set(name.toLowerCase(), { name, values: [value] });
    else entry.values.push(value);
  }
  const headers: Record<string, string> = {};
  for (const { name, values } of byLowerName.values()) headers[name] = values.join(',');
  return headers;
}

function headerValue(headers: Record<string, string>, lowerName: string): string | undefined {
  for (const [name, value] of Object.entries(headers)) if (name.toLowerCase() === lowerName) return value;
  return undefined;
}

/** Decoded query parameters, repeated names joined with commas. */
export function joinQueryParameters(queryString: string): Record<string, string> {
  const joined: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(queryString)) {
    const previous = joined[name];
    joined[name] = previous === undefined ? value : `${previous},${value}`;
  }
  return joined;
}

function decodePath(rawPath: string): string {
  try {
    return decodeURIComponent(rawPath);
  } catch {
    return rawPath;
  }
}

/** `2023-09-05T06:41:11Z`, as in the docs' sample event. */
export function fcTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/**
 * Builds the event FC passes to a built-in runtime handler for an HTTP request.
 *
 * @example
 * buildHttpTriggerEvent(
 *   { method: 'GET', url: '/example?a=1', httpVersion: '1.1', rawHeaders: ['Host', 'x'], body: Buffer.alloc(0), sourceIp: '127.0.0.1' },
 *   { accountId: '1', domainName: 'scan.cn-hangzhou.fcapp.run', requestId: '1-abc', receivedAt: new Date() },
 * ).rawPath; // '/example'
 */
export function buildHttpTriggerEvent(request: IncomingHttpRequest, context: HttpEventContext): HttpTriggerEvent {
  const queryStart = request.url.indexOf('?');
  const rawPath = queryStart === -1 ? request.url : request.url.slice(0, queryStart);
  const queryString = queryStart === -1 ? '' : request.url.slice(queryStart + 1);
  const headers = joinHeaders(request.rawHeaders);
  const binary = request.body.length > 0 && !isTextContentType(headerValue(headers, 'content-type'));
  return {
    version: 'v1',
    rawPath,
    body: binary ? request.body.toString('base64') : request.body.toString('utf8'),
    isBase64Encoded: binary,
    headers,
    queryParameters: joinQueryParameters(queryString),
    requestContext: {
      accountId: context.accountId,
      domainName: context.domainName,
      domainPrefix: context.domainName.split('.')[0] ?? context.domainName,
      http: {
        method: request.method,
        path: decodePath(rawPath),
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.sourceIp.replace(/^::ffff:/, ''),
        userAgent: headerValue(headers, 'user-agent') ?? '',
      },
      requestId: context.requestId,
      time: fcTime(context.receivedAt),
      timeEpoch: String(context.receivedAt.getTime()),
    },
  };
}

/**
 * A handler's return value as the nodejs20 runtime serialises it: `undefined`, a string sent as is, bytes,
 * or anything else as JSON — with the value itself beside its text when the runtime has it (`value`, which
 * `JSON.parse(text)` would equal), so that the gateway need not parse the text again.
 */
export type HandlerResult =
  | { kind: 'undefined' }
  | { kind: 'string'; text: string }
  | { kind: 'binary'; data: Uint8Array }
  | { kind: 'json'; readonly text: string; readonly value?: unknown };

/**
 * The JSON result of a value that survives a JSON round trip unchanged (plain-json.ts): its text is written the
 * first time it is read.
 *
 * @example
 * ```ts
 * const result = jsonResult({ statusCode: 204 });
 * result.text; // '{"statusCode":204}'
 * ```
 */
export function jsonResult(value: unknown): HandlerResult {
  return new JsonValueResult(value);
}

class JsonValueResult {
  readonly kind = 'json';
  private written: string | undefined;

  constructor(readonly value: unknown) {}

  get text(): string {
    this.written ??= JSON.stringify(this.value);
    return this.written;
  }
}

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** FC's error body for errors of its own (https://www.alibabacloud.com/help/en/functioncompute/error-codes). */
export function gatewayErrorResponse(statusCode: number, errorCode: string, errorMessage: string): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify({ errorCode, errorMessage })),
  };
}

/** The body FC sends for a failed invocation (https://www.alibabacloud.com/help/en/functioncompute/fc/error-handling-nodejs). */
export interface FunctionErrorPayload {
  errorMessage: string;
  errorType?: string;
  stackTrace?: string[];
}

/**
 * A handler that threw, timed out or crashed. FC marks it with `x-fc-error-type: UnhandledInvocationError`
 * and the JSON error body (Node.js error-handling page above); the HTTP status for an HTTP trigger is not
 * documented there, and 502 is what FC's own "Process exited unexpectedly" FAQ reports
 * (https://alibabacloud.com/help/en/functioncompute/fc-3-0/process-exited-unexpectedly-before-completing-request).
 */
export function functionErrorResponse(payload: FunctionErrorPayload): HttpResponse {
  return {
    statusCode: 502,
    headers: { 'content-type': 'application/json', 'x-fc-error-type': 'UnhandledInvocationError' },
    body: Buffer.from(JSON.stringify(payload)),
  };
}

/**
 * Response headers FC does not take from a function: its own `x-fc-*` and the connection-level ones it sets
 * itself (limits of HTTP responses, https://www.alibabacloud.com/help/en/functioncompute/fc/web-functions).
 */
const RESERVED_RESPONSE_HEADER = /^(x-fc-.*|connection|content-length|date|keep-alive|transfer-encoding|upgrade)$/i;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function badResponse(detail: string): HttpResponse {
  // 502 BadResponse: "the response contains invalid content" (FC error codes table).
  return gatewayErrorResponse(502, 'BadResponse', `BadResponse: ${detail}`);
}

function structuredResponse(answer: Record<string, unknown>): HttpResponse {
  const { statusCode, headers, isBase64Encoded, body } = answer;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) return badResponse(`statusCode ${JSON.stringify(statusCode)} is not an HTTP status`);
  if (headers !== undefined && !isRecord(headers)) return badResponse('headers must be an object of strings');
  const outHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (RESERVED_RESPONSE_HEADER.test(name)) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') outHeaders[name] = String(value);
    else return badResponse(`header ${name} must be a string`);
  }
  let bodyText: string;
  if (body === undefined || body === null) bodyText = '';
  else if (typeof body === 'string') bodyText = body;
  else bodyText = JSON.stringify(body);
  return {
    statusCode,
    headers: outHeaders,
    body: isBase64Encoded === true ? Buffer.from(bodyText, 'base64') : Buffer.from(bodyText, 'utf8'),
  };
}

/**
 * Turns a handler's return value into the HTTP response. `{statusCode, headers, isBase64Encoded, body}` is
 * used as written (body base64-decoded when `isBase64Encoded`), per the response struct of the HTTP trigger
 * page. Any other value is answered with 200 and the value as the body: JSON values as `application/json`,
 * strings as `text/plain`, bytes as `application/octet-stream`, nothing as an empty body. The content types
 * of that second case are this runtime's choice: the stored copies of the page did not show its parsing rules.
 */
export function httpResponseFromResult(result: HandlerResult): HttpResponse {
  if (result.kind === 'json') {
    const value: unknown = 'value' in result ? result.value : JSON.parse(result.text);
    if (isRecord(value) && 'statusCode' in value) return structuredResponse(value);
  }
  return plainResultResponse(result);
}

/**
 * A handler's result as the body of a 200, its content type from its kind: what the HTTP trigger answers for a
 * value that is not a response struct, and what InvokeFunction answers for any value.
 */
export function plainResultResponse(result: HandlerResult): HttpResponse {
  switch (result.kind) {
    case 'undefined':
      return { statusCode: 200, headers: {}, body: Buffer.alloc(0) };
    case 'string':
      return { statusCode: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: Buffer.from(result.text, 'utf8') };
    case 'binary':
      return { statusCode: 200, headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from(result.data) };
    case 'json':
      return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(result.text, 'utf8') };
  }
}

/** One received MNS message, as `@alicloud/mns` returns it (every field a string). */
export interface ReceivedQueueMessage {
  MessageId: string;
  MessageBody: string;
  ReceiptHandle: string;
  /** Milliseconds since the epoch. */
  EnqueueTime: string;
  DequeueCount: string;
}

/** One element of the MNS queue trigger event (CloudEvents 1.0). */
export interface MnsQueueCloudEvent {
  id: string;
  source: 'acs:mns';
  specversion: '1.0';
  type: 'mns:Queue:SendMessage';
  subject: string;
  datacontenttype: 'application/json; charset=utf-8';
  time: string;
  aliyunpublishtime: string;
  aliyuneventbusname: string;
  aliyunregionid: string;
  aliyunaccountid: string;
  data: { requestId: string; messageId: string; messageBody: string };
}

export interface QueueEventContext {
  region: string;
  accountId: string;
  queueName: string;
  isBase64Decode: boolean;
  /** The event stream's name; the local runtime uses the trigger name. */
  eventBusName: string;
  publishedAt: Date;
  newEventId: () => string;
  newRequestId: () => string;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The body the function sees: with `IsBase64Decode` the producer's base64 is decoded to UTF-8 text. A body
 * that is not base64 is passed unchanged (the docs say nothing of that case).
 */
export function deliveredMessageBody(body: string, isBase64Decode: boolean): string {
  if (!isBase64Decode || !BASE64.test(body)) return body;
  return Buffer.from(body, 'base64').toString('utf8');
}

/** Builds the event-streaming batch: one CloudEvent per message, in receive order. */
export function buildQueueTriggerEvent(messages: readonly ReceivedQueueMessage[], context: QueueEventContext): MnsQueueCloudEvent[] {
  return messages.map((message) => ({
    id: context.newEventId(),
    source: 'acs:mns',
    specversion: '1.0',
    type: 'mns:Queue:SendMessage',
    subject: `acs:mns:${context.region}:${context.accountId}:queues/${context.queueName}`,
    datacontenttype: 'application/json; charset=utf-8',
    time: new Date(Number(message.EnqueueTime)).toISOString(),
    aliyunpublishtime: context.publishedAt.toISOString(),
    aliyuneventbusname: context.eventBusName,
    aliyunregionid: context.region,
    aliyunaccountid: context.accountId,
    data: {
      requestId: context.newRequestId(),
      messageId: message.MessageId,
      messageBody: deliveredMessageBody(message.MessageBody, context.isBase64Decode),
    },
  }));
}
