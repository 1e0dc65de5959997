import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildHttpTriggerEvent, functionErrorResponse, gatewayErrorResponse, httpResponseFromResult, type HttpResponse } from './events.ts';
import type { InvocationOutcome } from './instances.ts';
import type { InvokeFunctionApi } from './invoke-api.ts';
import type { LogSink } from './logs.ts';
import { matchRoute, type RouteTable } from './routes.ts';

/**
 * The local HTTP front door: FC's HTTP trigger and custom-domain gateway in one server.
 * Limits are FC's for HTTP requests ("Web functions" → Limits, which the built-in runtime trigger shares:
 * https://www.alibabacloud.com/help/en/functioncompute/fc/web-functions): headers ≤ 8 KB, path with query
 * ≤ 4 KB, synchronous body ≤ 32 MB (https://www.alibabacloud.com/help/en/functioncompute/fc-3-0/http-body-be-modified);
 * past them FC answers 400 — InvalidArgument, or EntityTooLarge for the payload (error codes table,
 * https://www.alibabacloud.com/help/en/functioncompute/error-codes). Every response carries `x-fc-request-id`.
 * No documented code covers a path no route matches or a method a route refuses; the gateway answers
 * 404 `PathNotFound` and 405 `MethodNotAllowed` in FC's `{errorCode, errorMessage}` form.
 * Trigger `authType` (function, jwt) is not checked locally: every trigger behaves as anonymous.
 * `GET /__local/stats` is the local stack's own: the functions' metric totals, for `parcelscan stats`.
 */
export const HTTP_LIMITS = { maxHeaderBytes: 8 * 1024, maxPathBytes: 4 * 1024, maxBodyBytes: 32 * 1024 * 1024 } as const;

/** Where the gateway answers the metric totals; `/__local/` is the local servers' own space (as Tablestore's `/__local/faults`). */
export const STATS_PATH = '/__local/stats';

export interface GatewayOptions {
  host: string;
  port: number;
  routes: RouteTable;
  accountId: string;
  invoke: (functionName: string, event: Buffer, requestId: string) => Promise<InvocationOutcome>;
  newRequestId: () => string;
  log: LogSink;
  limits?: Partial<typeof HTTP_LIMITS>;
  /** What `GET /__local/stats` answers, as JSON; the path is routed as any other when absent. */
  stats?: () => unknown;
  /** FC 3.0's InvokeFunction API (`POST /2023-03-30/functions/{name}/invocations`, invoke-api.ts); routed as any other path when absent. */
  invokeFunctionApi?: InvokeFunctionApi;
}

export interface Gateway {
  url: string;
  close(): Promise<void>;
}

function headerBytes(rawHeaders: readonly string[]): number {
  return rawHeaders.reduce((total, part) => total + Buffer.byteLength(part), 0);
}

/** The Host header's name without its port, read from the raw headers (`request.headers` would build them all). */
function requestHost(rawHeaders: readonly string[]): string | undefined {
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    if (rawHeaders[index]?.toLowerCase() === 'host') return rawHeaders[index + 1]?.replace(/:\d+$/, '');
  }
  return undefined;
}

function isPath(url: string, path: string): boolean {
  return url.startsWith(path) && (url.length === path.length || url[path.length] === '?');
}

/** Reads the body, keeping at most `limit` bytes; `tooLarge` when more came (the rest is drained). */
function readBody(request: IncomingMessage, limit: number): Promise<{ body: Buffer; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    request.on('end', () => resolve({ body: Buffer.concat(chunks), tooLarge: size > limit }));
    request.on('error', reject);
  });
}

function outcomeResponse(outcome: InvocationOutcome): HttpResponse {
  if (outcome.ok) return httpResponseFromResult(outcome.result);
  if (outcome.cause === 'throttled') return gatewayErrorResponse(429, 'ResourceExhausted', outcome.error.errorMessage);
  return functionErrorResponse(outcome.error);
}

function methodNotAllowed(message: string, allowed: readonly string[]): HttpResponse {
  const response = gatewayErrorResponse(405, 'MethodNotAllowed', message);
  response.headers.allow = allowed.join(', ');
  return response;
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const limits = { ...HTTP_LIMITS, ...options.limits };

  async function answer(request: IncomingMessage, requestId: string): Promise<{ response: HttpResponse; functionName?: string }> {
    const url = request.url ?? '/';
    const method = request.method ?? 'GET';
    const { body, tooLarge } = await readBody(request, limits.maxBodyBytes);
    if (Buffer.byteLength(url) > limits.maxPathBytes) return { response: gatewayErrorResponse(400, 'InvalidArgument', `path with query parameters exceeds ${limits.maxPathBytes} bytes`) };
    if (headerBytes(request.rawHeaders) > limits.maxHeaderBytes) return { response: gatewayErrorResponse(400, 'InvalidArgument', `request headers exceed ${limits.maxHeaderBytes} bytes`) };
    if (tooLarge) return { response: gatewayErrorResponse(400, 'EntityTooLarge', `payload size exceeds maximum allowed size (${limits.maxBodyBytes} bytes)`) };

    if (options.stats !== undefined && isPath(url, STATS_PATH)) {
      if (method !== 'GET') return { response: methodNotAllowed(`${STATS_PATH} accepts GET`, ['GET']) };
      return { response: { statusCode: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: Buffer.from(JSON.stringify(options.stats())) } };
    }
    if (options.invokeFunctionApi?.handles(url) === true) return options.invokeFunctionApi.answer({ method, url, headers: request.headers, body }, requestId);
    const route = matchRoute(options.routes, method, url, requestHost(request.rawHeaders));
    if (route.kind === 'not-found') return { response: gatewayErrorResponse(404, 'PathNotFound', `no route or function matches ${method} ${url.split('?')[0] ?? url}`) };
    if (route.kind === 'method-not-allowed') {
      const response = methodNotAllowed(`function ${route.functionName} does not accept ${method}; it accepts ${route.allowed.join(', ')}`, route.allowed);
      return { response, functionName: route.functionName };
    }
    const event = buildHttpTriggerEvent(
      { method, url: route.url, httpVersion: request.httpVersion, rawHeaders: request.rawHeaders, body, sourceIp: request.socket.remoteAddress ?? '' },
      { accountId: options.accountId, domainName: route.domainName, requestId, receivedAt: new Date() },
    );
    const outcome = await options.invoke(route.functionName, Buffer.from(JSON.stringify(event)), requestId);
    return { response: outcomeResponse(outcome), functionName: route.functionName };
  }

  function send(response: ServerResponse, requestId: string, answer: HttpResponse): void {
    response.writeHead(answer.statusCode, { ...answer.headers, 'x-fc-request-id': requestId, 'content-length': String(answer.body.length) });
    response.end(answer.body);
  }

  const server = createServer((request, response) => {
    const requestId = options.newRequestId();
    const started = Date.now();
    answer(request, requestId)
      .then(({ response: reply, functionName }) => {
        send(response, requestId, reply);
        options.log({
          source: 'runtime',
          functionName: functionName ?? 'gateway',
          requestId,
          level: 'info',
          message: `${request.method ?? ''} ${request.url ?? ''} → ${reply.statusCode} (${Date.now() - started} ms)`,
          time: new Date(),
        });
      })
      .catch((error: unknown) => {
        send(response, requestId, gatewayErrorResponse(500, 'InternalServerError', error instanceof Error ? error.message : String(error)));
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}
