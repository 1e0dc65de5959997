import { z } from 'zod';
import { eventJson } from '../runtime/event-json.ts';

/**
 * The FC 3.0 HTTP trigger event for built-in runtimes, as the handler receives it (a JSON Buffer), and the
 * answer FC expects back.
 * https://www.alibabacloud.com/help/en/functioncompute/fc-3-0/user-guide/http-trigger-invoking-function
 */

const httpTriggerEventSchema = z.object({
  version: z.string(),
  rawPath: z.string(),
  headers: z.record(z.string(), z.string()).default({}),
  queryParameters: z.record(z.string(), z.string()).default({}),
  body: z.string().default(''),
  isBase64Encoded: z.boolean().default(false),
  requestContext: z.object({
    accountId: z.string(),
    domainName: z.string(),
    domainPrefix: z.string(),
    http: z.object({
      method: z.string(),
      path: z.string(),
      protocol: z.string(),
      sourceIp: z.string(),
      userAgent: z.string(),
    }),
    requestId: z.string(),
    time: z.string(),
    timeEpoch: z.string(),
  }),
});

export type HttpTriggerEvent = z.infer<typeof httpTriggerEventSchema>;

/** A request as handlers see it: header names lower-cased, the body as the bytes the client sent. */
export interface HttpRequest {
  method: string;
  path: string;
  headers: Readonly<Record<string, string>>;
  query: Readonly<Record<string, string>>;
  rawBody: Buffer;
  requestId: string;
  sourceIp: string;
}

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  isBase64Encoded: boolean;
  body: string;
}

/** Thrown when FC hands the function something that is not an HTTP trigger event (a misconfigured trigger). */
export class NotAnHttpEventError extends Error {
  constructor(detail: string) {
    super(`the function was invoked with something other than an FC 3.0 HTTP trigger event: ${detail}`);
    this.name = 'NotAnHttpEventError';
  }
}

export function parseHttpTriggerEvent(event: Buffer | string | object): HttpRequest {
  let json: unknown;
  try {
    json = eventJson(event);
  } catch {
    throw new NotAnHttpEventError('the event is not JSON');
  }
  const parsed = httpTriggerEventSchema.safeParse(json);
  if (!parsed.success) throw new NotAnHttpEventError(parsed.error.issues.map((issue) => issue.path.join('.')).join(', '));
  const { data } = parsed;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(data.headers)) headers[name.toLowerCase()] = value;
  return {
    method: data.requestContext.http.method.toUpperCase(),
    path: data.requestContext.http.path,
    headers,
    query: data.queryParameters,
    rawBody: Buffer.from(data.body, data.isBase64Encoded ? 'base64' : 'utf8'),
    requestId: data.requestContext.requestId,
    sourceIp: data.requestContext.http.sourceIp,
  };
}

export function jsonResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    isBase64Encoded: false,
    body: JSON.stringify(body),
  };
}
