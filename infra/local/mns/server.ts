import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authenticate, type Credentials } from './auth.ts';
import { MnsError } from './errors.ts';
import { LongPoller } from './long-poll.ts';
import { executeOperation, type OperationContext, type OperationResponse } from './operations.ts';
import { MnsQueues } from './queue.ts';
import { route, splitRequestUrl } from './router.ts';
import { MnsStore } from './storage.ts';
import { renderXmlDocument } from './xml.ts';

export interface MnsServerOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** Keeps queues and messages in `{dataDir}/mns.sqlite`; in memory when absent. */
  dataDir?: string;
  accessKeyId?: string;
  accessKeySecret?: string;
  /** Milliseconds since the epoch; message times, visibility and the Date-header check all use it. */
  now?: () => number;
}

export interface MnsServerHandle {
  /** The endpoint to give `@alicloud/mns`: `new Client(anyAccountId, { endpoint: url, … })`. */
  url: string;
  port: number;
  /** Ends open long polls, closes connections and the database. */
  close(): Promise<void>;
}

/** Every MNS response carries this type: `@alicloud/mns` only parses (and only throws on) XML bodies. */
const CONTENT_TYPE = 'text/xml;charset=utf-8';
const API_VERSION = '2015-06-06';
/** Far above any valid request (16 messages of 64 KB are refused anyway); stops unbounded buffering. */
const MAX_REQUEST_BYTES = 2 * 1024 * 1024;

/**
 * Starts a local MNS-compatible server that `@alicloud/mns` talks to unmodified. Any account id is
 * accepted (in the host name or as a leading path segment); queues belong to the server, not to an account.
 *
 * @example
 * const server = await startMnsServer({ port: 0 });
 * const client = new MNS('local', { accessKeyId: 'local', accessKeySecret: 'local-secret', endpoint: server.url });
 * await client.createQueue('scans');
 * await server.close();
 */
export async function startMnsServer(options: MnsServerOptions): Promise<MnsServerHandle> {
  const host = options.host ?? '127.0.0.1';
  const now = options.now ?? Date.now;
  const credentials: Credentials = {
    accessKeyId: options.accessKeyId ?? 'local',
    accessKeySecret: options.accessKeySecret ?? 'local-secret',
  };
  const store = MnsStore.open(options.dataDir);
  const queues = new MnsQueues({ store, now });
  const context: OperationContext = { queues, poller: new LongPoller(queues, now) };

  const server = createServer((req, res) => {
    handleRequest(req, res, context, credentials, now).catch((error: unknown) => {
      process.stderr.write(`mns: failed to answer ${req.method ?? ''} ${req.url ?? ''}: ${String(error)}\n`);
      res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        context.poller.close();
        server.close((error) => {
          store.close();
          if (error === undefined) resolve();
          else reject(error);
        });
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function headerRecord(req: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** Reads the body; `undefined` when it is larger than any valid request. */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size <= MAX_REQUEST_BYTES) chunks.push(buffer);
  }
  return size <= MAX_REQUEST_BYTES ? Buffer.concat(chunks) : undefined;
}

async function handleRequest(
  req: IncomingMessage,
  res: ServerResponse,
  context: OperationContext,
  credentials: Credentials,
  now: () => number,
): Promise<void> {
  const requestId = randomBytes(12).toString('hex').toUpperCase();
  const hostHeader = req.headers.host ?? '';
  const disconnected = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) disconnected.abort();
  });

  let response: OperationResponse;
  try {
    const method = req.method ?? 'GET';
    const rawUrl = req.url ?? '/';
    const body = await readBody(req);
    if (body === undefined) {
      throw MnsError.outOfRange('request body', 0, MAX_REQUEST_BYTES, 'bytes');
    }
    const target = splitRequestUrl(rawUrl);
    const headers = headerRecord(req);
    authenticate({ method, headers, resources: [target.signedResource, rawUrl], body }, credentials, now());
    response = await executeOperation(context, {
      route: route(method, target),
      query: target.query,
      headers,
      body: body.toString('utf8'),
      baseUrl: `http://${hostHeader}`,
      signal: disconnected.signal,
    });
  } catch (error) {
    // A client that went away (or a server shutting down) gets no answer, and it is no server fault.
    if (disconnected.signal.aborted) return;
    response = errorResponse(error, requestId, hostHeader);
  }
  if (disconnected.signal.aborted) return;
  const body = response.body ?? '';
  res.writeHead(response.status, {
    ...response.headers,
    'content-type': CONTENT_TYPE,
    'content-length': Buffer.byteLength(body),
    'x-mns-request-id': requestId,
    'x-mns-version': API_VERSION,
  });
  res.end(body);
}

/** An MNS `<Error>` document (https://www.alibabacloud.com/help/pt-br/mns/developer-reference/syntax-of-error-responses). */
function errorResponse(error: unknown, requestId: string, hostId: string): OperationResponse {
  const mnsError = error instanceof MnsError ? error : new MnsError('InternalError');
  if (!(error instanceof MnsError)) {
    process.stderr.write(`mns: internal error for request ${requestId}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  return {
    status: mnsError.status,
    body: renderXmlDocument('Error', [
      ['Code', mnsError.code],
      ['Message', mnsError.message],
      ['RequestId', requestId],
      ['HostId', hostId],
    ]),
  };
}
