import type { ScanEventInput } from '../../layers/core/src/domain/index.ts';
import { answerOf, ordersUrl, scansUrl, signedPost, type HttpAnswer } from './signed-post.ts';

/**
 * What the tracking tests do through the stack of `npm start` (local-stack.ts): post signed scans and orders as
 * the demo partner, read answers through the gateway, and count the requests the local Tablestore server
 * received (`GET /__local/stats`), to prove how many reads a query costs.
 */

/** Records scans through `POST /v1/scans`, failing loudly unless every one is accepted or a duplicate. */
export async function recordScansThroughGateway(gatewayUrl: string, events: readonly ScanEventInput[]): Promise<void> {
  const answer = await signedPost(scansUrl(gatewayUrl), { events });
  const rejected = (answer.json as { rejected?: unknown[] } | undefined)?.rejected ?? [];
  if (answer.status !== 200 || rejected.length > 0) throw new Error(`POST /v1/scans answered ${answer.status}: ${answer.text}`);
}

/** Creates an order through `POST /v1/orders` and gives its waybill number. */
export async function createOrderThroughGateway(gatewayUrl: string, order: object): Promise<string> {
  const answer = await signedPost(ordersUrl(gatewayUrl), order);
  const waybillNo = (answer.json as { waybillNo?: unknown } | undefined)?.waybillNo;
  if ((answer.status !== 201 && answer.status !== 200) || typeof waybillNo !== 'string') {
    throw new Error(`POST /v1/orders answered ${answer.status}: ${answer.text}`);
  }
  return waybillNo;
}

/** GETs a path of the gateway without following redirects. */
export async function getThroughGateway(gatewayUrl: string, path: string, headers: Readonly<Record<string, string>> = {}): Promise<HttpAnswer> {
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
