import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { authenticate, type AccessKey } from './auth.ts';
import type { OperationContext } from './context.ts';
import { OtsServerError, parameterInvalid } from './errors.ts';
import { Faults, type FaultConfig } from './faults.ts';
import { FilterError } from './filter/errors.ts';
import { batchGetRow, batchWriteRow } from './operations/batch.ts';
import { getRange } from './operations/range.ts';
import { deleteRow, getRow, putRow, updateRow } from './operations/single-row.ts';
import { createTable, deleteTable, describeTable, listTable, updateTable } from './operations/tables.ts';
import { PlainBufferError } from './plainbuffer/errors.ts';
import { decodeMessage, message } from './proto.ts';
import { Storage } from './storage.ts';

/**
 * A Tablestore-compatible HTTP server: `POST /<Operation>` with a protobuf body, signed `x-ots-*` headers,
 * protobuf answers and protobuf `Error{code,message}` bodies with the real HTTP statuses.
 * Protocol: https://www.alibabacloud.com/help/en/tablestore/developer-reference/initiate-an-http-request
 */

export interface TablestoreServerOptions {
  port?: number;
  host?: string;
  /** Keep data in this directory; in memory when absent. */
  dataDir?: string;
  accessKeys?: AccessKey[];
  faults?: Partial<FaultConfig>;
  now?: () => number;
}

export interface TablestoreServer {
  url: string;
  port: number;
  faults: Faults;
  close(): Promise<void>;
}

export const defaultAccessKey: AccessKey = { accessKeyId: 'local', accessKeySecret: 'local-secret' };

/** The HTTP body limit of the service: "The size of POST data is too large." beyond it. */
const MAX_BODY_BYTES = 5 * 1024 * 1024;

type Operation = (request: never, context: OperationContext, faults: Faults) => Record<string, unknown>;

const operations: Record<string, Operation> = {
  CreateTable: createTable,
  ListTable: listTable,
  DescribeTable: describeTable,
  UpdateTable: updateTable,
  DeleteTable: deleteTable,
  PutRow: putRow,
  GetRow: getRow,
  UpdateRow: updateRow,
  DeleteRow: deleteRow,
  GetRange: getRange,
  BatchGetRow: batchGetRow,
  BatchWriteRow: (request, context, faults) => batchWriteRow(request, context, faults.rowsOf('BatchWriteRow')),
};

/** Path of the local-only control endpoint for fault injection (JSON, GET to read, POST to change). */
export const FAULTS_PATH = '/__local/faults';
/**
 * Path of the local-only request counter (JSON, GET): `{"requests": {"GetRow": 3, "GetRange": 1, …}}`, the requests
 * received per operation since the server started, so tests can prove how many calls a code path makes.
 */
export const STATS_PATH = '/__local/stats';

function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, body: Uint8Array, requestId: string): void {
  response.writeHead(status, {
    'content-type': 'application/x-protobuf',
    'content-length': body.length,
    'x-ots-requestid': requestId,
    'x-ots-date': new Date().toISOString(),
    'x-ots-contenttype': 'protocol buffer',
    'x-ots-contentmd5': createHash('md5').update(body).digest('base64'),
  });
  response.end(body);
}

function asOtsError(error: unknown): OtsServerError {
  if (error instanceof OtsServerError) return error;
  if (error instanceof PlainBufferError || error instanceof FilterError) return parameterInvalid(error.message);
  // protobufjs reports malformed or incomplete messages as ProtocolError / RangeError.
  if (error instanceof Error && (error.name === 'ProtocolError' || error instanceof RangeError)) {
    return parameterInvalid(`Failed to parse the protobuf message: ${error.message}.`);
  }
  console.error('local tablestore: unexpected failure', error);
  return new OtsServerError('OTSInternalServerError', 'Internal server error.');
}

async function handleFaultsControl(request: IncomingMessage, response: ServerResponse, faults: Faults): Promise<void> {
  if (request.method === 'POST') {
    const body = (await readBody(request)) ?? Buffer.from('{}');
    faults.configure(JSON.parse(body.toString('utf8') || '{}') as Partial<FaultConfig>);
  }
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify(faults.current));
}

function sendStats(response: ServerResponse, requestCounts: ReadonlyMap<string, number>): void {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ requests: Object.fromEntries(requestCounts) }));
}

export async function startTablestoreServer(options: TablestoreServerOptions = {}): Promise<TablestoreServer> {
  const storage = Storage.open(options.dataDir);
  const faults = new Faults(options.faults);
  const keys = options.accessKeys ?? [defaultAccessKey];
  const now = options.now ?? Date.now;
  const requestCounts = new Map<string, number>();

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    if (path === FAULTS_PATH) return handleFaultsControl(request, response, faults);
    if (path === STATS_PATH) return sendStats(response, requestCounts);
    const requestId = randomUUID();
    try {
      const body = await readBody(request);
      if (request.method !== 'POST') throw new OtsServerError('OTSMethodNotAllowed', 'Only POST method is supported.');
      if (body === undefined) throw new OtsServerError('OTSRequestBodyTooLarge', 'The size of POST data is too large.');
      const operationName = path.slice(1);
      requestCounts.set(operationName, (requestCounts.get(operationName) ?? 0) + 1);
      const operation = operations[operationName];
      if (operation === undefined) throw parameterInvalid(`Unsupported operation: ${operationName}.`);
      // Signatures are checked against the wall clock the client signs with, not the data clock `now`.
      const instance = authenticate(path, request.headers, body, keys, Date.now());
      const latency = faults.latencyFor(operationName);
      if (latency > 0) await sleep(latency);
      const injected = faults.requestError(operationName);
      if (injected !== undefined) throw injected;
      const decoded = decodeMessage(`${operationName}Request`, body);
      const result = operation(decoded as never, { storage, instance, now }, faults);
      send(response, 200, message(`${operationName}Response`).encode(result).finish(), requestId);
    } catch (error) {
      const otsError = asOtsError(error);
      send(response, otsError.status, message('Error').encode({ code: otsError.code, message: otsError.message }).finish(), requestId);
    }
  }

  const server = createServer((request, response) => void serve(request, response));
  // The SDK keeps connections alive across requests; let idle ones linger as the service's front end does.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    faults,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      storage.close();
    },
  };
}
