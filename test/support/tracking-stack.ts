import path from 'node:path';
import { signPartnerRequest, type ScanEventInput } from '../../layers/core/src/domain/index.ts';
import { formatLogRecord, type LogRecord } from '../../infra/local/fc/logs.ts';
import { DEMO_PARTNER, startLocalStack, type LocalStack } from '../../infra/local/stack.ts';

/**
 * The stack of `npm start` on ephemeral ports for the tracking tests, and what they do through it: post signed
 * scans and orders as the demo partner, and count the requests the local Tablestore server received
 * (`GET /__local/stats`), to prove how many reads a query costs.
 */

const repoYamlPath = path.resolve(import.meta.dirname, '../../s.yaml');

export interface TrackingStack {
  stack: LocalStack;
  gatewayUrl: string;
  logs: LogRecord[];
  /** The logs as FC prints them, for failure messages. */
  printedLogs(): string;
  close(): Promise<void>;
}

/** Starts the whole local stack (Tablestore, MNS, every function of s.yaml) on free ports, logs kept in memory. */
export async function startTrackingStack(): Promise<TrackingStack> {
  const logs: LogRecord[] = [];
  const stack = await startLocalStack({
    yamlPath: repoYamlPath,
    gatewayPort: 0,
    tablestorePort: 0,
    mnsPort: 0,
    log: (record) => logs.push(record),
  });
  return {
    stack,
    gatewayUrl: stack.gatewayUrl,
    logs,
    printedLogs: () => logs.map(formatLogRecord).join('\n'),
    close: () => stack.close(),
  };
}

export interface JsonAnswer {
  status: number;
  headers: Headers;
  /** The body parsed as JSON; undefined when it is not JSON. */
  json: unknown;
  text: string;
}

async function answerOf(response: Response): Promise<JsonAnswer> {
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}

/** POSTs `body` as JSON to `path` on the gateway, signed as the demo partner (X-Partner-Id, X-Timestamp, X-Signature). */
export async function postSigned(gatewayUrl: string, path: string, body: object): Promise<JsonAnswer> {
  const rawBody = JSON.stringify(body);
  const headers = { ...signPartnerRequest(DEMO_PARTNER.partnerId, DEMO_PARTNER.secret, rawBody, Date.now()), 'content-type': 'application/json' };
  return answerOf(await fetch(`${gatewayUrl}${path}`, { method: 'POST', headers, body: rawBody }));
}

/** Records scans through `POST /v1/scans`, failing loudly unless every one is accepted or a duplicate. */
export async function recordScansThroughGateway(gatewayUrl: string, events: readonly ScanEventInput[]): Promise<void> {
  const answer = await postSigned(gatewayUrl, '/v1/scans', { events });
  const rejected = (answer.json as { rejected?: unknown[] } | undefined)?.rejected ?? [];
  if (answer.status !== 200 || rejected.length > 0) throw new Error(`POST /v1/scans answered ${answer.status}: ${answer.text}`);
}

/** Creates an order through `POST /v1/orders` and gives its waybill number. */
export async function createOrderThroughGateway(gatewayUrl: string, order: object): Promise<string> {
  const answer = await postSigned(gatewayUrl, '/v1/orders', order);
  const waybillNo = (answer.json as { waybillNo?: unknown } | undefined)?.waybillNo;
  if ((answer.status !== 201 && answer.status !== 200) || typeof waybillNo !== 'string') {
    throw new Error(`POST /v1/orders answered ${answer.status}: ${answer.text}`);
  }
  return waybillNo;
}

/** GETs a path of the gateway without following redirects. */
export async function getThroughGateway(gatewayUrl: string, path: string, headers: Readonly<Record<string, string>> = {}): Promise<JsonAnswer> {
  return answerOf(await fetch(`${gatewayUrl}${path}`, { headers, redirect: 'manual' }));
}

/** Requests received per Tablestore operation since the local server started (`GET /__local/stats`). */
export async function tablestoreRequestCounts(tablestoreUrl: string): Promise<Record<string, number>> {
  const response = await fetch(`${tablestoreUrl}/__local/stats`);
  const { requests } = (await response.json()) as { requests: Record<string, number> };
  return requests;
}

/** The requests made between two readings of {@link tablestoreRequestCounts}, operations with none left out. */
export function requestsBetween(before: Readonly<Record<string, number>>, after: Readonly<Record<string, number>>): Record<string, number> {
  const made: Record<string, number> = {};
  for (const [operation, count] of Object.entries(after)) {
    const delta = count - (before[operation] ?? 0);
    if (delta > 0) made[operation] = delta;
  }
  return made;
}

/** A scan as the demo partner sends it, with the fields a test cares about. */
export function scanOf(waybillNo: string, eventId: string, type: ScanEventInput['type'], occurredAt: string, extra: Partial<ScanEventInput> = {}): ScanEventInput {
  return { eventId, waybillNo, type, occurredAt, facilityCode: 'SH-PD-01', ...extra };
}
