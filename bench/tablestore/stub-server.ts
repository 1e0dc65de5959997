import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { encodePrimaryKey, encodeRows } from '../../infra/local/tablestore/plainbuffer/encode.ts';
import { message } from '../../infra/local/tablestore/proto.ts';
import { ScanDataset } from './scan-dataset.ts';
import { responseRow } from './stored-scan.ts';

/**
 * The floor of any local Tablestore: a stub that answers PutRow, BatchWriteRow, GetRow and GetRange at once
 * with canned protobuf answers, holding the same scan rows the real server would return. Run in its own
 * process, so what the benchmark client measures against it is the SDK's own cost per call.
 *
 * Usage: node --import tsx bench/tablestore/stub-server.ts --port 0   (prints its URL)
 */

const CELL_TIMESTAMP = 1_764_000_000_000;
/** GetRange answers carry this many rows, and the key of the next one as next_start_primary_key. */
const RANGE_ROWS = 100;

interface CannedAnswer {
  body: Uint8Array;
  md5: string;
}

/** `messageName` is a tablestore.proto message: `<Operation>Response`, or `Error`. */
function canned(messageName: string, answer: Record<string, unknown>): CannedAnswer {
  const body = message(messageName).encode(answer).finish();
  return { body, md5: createHash('md5').update(body).digest('base64') };
}

function cannedAnswers(): Map<string, CannedAnswer> {
  const dataset = new ScanDataset();
  const order = dataset.keyOrder(1000);
  const inOrder = (position: number) => dataset.scan(order[position] ?? 0);
  const rangeRows = Array.from({ length: RANGE_ROWS }, (_, position) => responseRow(inOrder(position), CELL_TIMESTAMP));
  return new Map([
    ['PutRow', canned('PutRowResponse', { consumed: { capacityUnit: { read: 0, write: 1 } } })],
    ['GetRow', canned('GetRowResponse', { consumed: { capacityUnit: { read: 1, write: 0 } }, row: encodeRows([responseRow(inOrder(0), CELL_TIMESTAMP)]) })],
    [
      'GetRange',
      canned('GetRangeResponse', {
        consumed: { capacityUnit: { read: 3, write: 0 } },
        rows: encodeRows(rangeRows),
        nextStartPrimaryKey: encodePrimaryKey(responseRow(inOrder(RANGE_ROWS), CELL_TIMESTAMP).primaryKey),
      }),
    ],
  ]);
}

interface BatchWriteRowRequest {
  tables: { tableName: string; rows: unknown[] }[];
}

/** One isOk row result per row sent; answers are cached by their shape, so repeats cost nothing. */
function batchWriteAnswers(): (body: Buffer) => CannedAnswer {
  const cache = new Map<string, CannedAnswer>();
  const request = message('BatchWriteRowRequest');
  return (body) => {
    const { tables } = request.decode(body) as BatchWriteRowRequest;
    const shape = tables.map((table) => `${table.tableName}:${table.rows.length}`).join(',');
    let answer = cache.get(shape);
    if (answer === undefined) {
      answer = canned('BatchWriteRowResponse', {
        tables: tables.map((table) => ({
          tableName: table.tableName,
          rows: table.rows.map(() => ({ isOk: true, consumed: { capacityUnit: { read: 0, write: 1 } } })),
        })),
      });
      cache.set(shape, answer);
    }
    return answer;
  };
}

function send(response: ServerResponse, status: number, answer: CannedAnswer): void {
  response.writeHead(status, {
    'content-type': 'application/x-protobuf',
    'content-length': answer.body.length,
    'x-ots-requestid': randomUUID(),
    'x-ots-date': new Date().toISOString(),
    'x-ots-contenttype': 'protocol buffer',
    'x-ots-contentmd5': answer.md5,
  });
  response.end(answer.body);
}

export function startStub(port: number): Promise<string> {
  const answers = cannedAnswers();
  const batchWriteRow = batchWriteAnswers();
  const unsupported = canned('Error', { code: 'OTSParameterInvalid', message: 'The stub answers PutRow, BatchWriteRow, GetRow and GetRange only.' });
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const operation = (request.url ?? '/').slice(1);
      const answer = operation === 'BatchWriteRow' ? batchWriteRow(Buffer.concat(chunks)) : answers.get(operation);
      if (answer === undefined) send(response, 400, unsupported);
      else send(response, 200, answer);
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '0' } } });
  console.log(`Tablestore stub listening on ${await startStub(Number(values.port))}`);
}
