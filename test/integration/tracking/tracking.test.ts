import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { luhnCheckDigit } from '../../../layers/core/src/domain/index.ts';
import {
  createOrderThroughGateway,
  getThroughGateway,
  recordScansThroughGateway,
  requestsBetween,
  scanOf,
  tablestoreRequestCounts,
} from '../../support/through-gateway.ts';
import { startTestStack, type TestStack } from '../../support/local-stack.ts';

/**
 * Tracking through the local stack as `npm start` runs it: signed scans and orders in through the webhooks, the
 * answers out through the FC gateway, the reads counted at the local Tablestore server.
 */

let nextWaybill = 1;
/** A fresh valid waybill number (Luhn check digit last) per test. */
function newWaybillNo(): string {
  const first14 = `77306116${String(nextWaybill++).padStart(6, '0')}`;
  return `${first14}${luhnCheckDigit(first14)}`;
}

const trackedCacheControl = 'public, max-age=30, stale-while-revalidate=60, stale-if-error=300';

let tracking: TestStack;
let gatewayUrl: string;
let tablestoreUrl: string;

beforeAll(async () => {
  tracking = await startTestStack();
  gatewayUrl = tracking.gatewayUrl;
  tablestoreUrl = tracking.stack.tablestoreUrl;
});

afterAll(async () => {
  await tracking?.close();
});

/** The Tablestore requests `action` makes, counted at the server. */
async function requestsMadeBy(action: () => Promise<unknown>): Promise<Record<string, number>> {
  const before = await tablestoreRequestCounts(tablestoreUrl);
  await action();
  return requestsBetween(before, await tablestoreRequestCounts(tablestoreUrl));
}

describe('GET /v1/parcels/{waybillNo} through the gateway', () => {
  it('answers the timeline ascending by occurredAt whatever order the scans arrived in', async () => {
    const waybillNo = newWaybillNo();
    await recordScansThroughGateway(gatewayUrl, [
      scanOf(waybillNo, 'e-3', 'OUT_FOR_DELIVERY', '2025-11-26T09:30:00+08:00', { facilityCode: 'HZ-XH-01', operatorId: 'courier-88', deviceId: 'pda-17' }),
      scanOf(waybillNo, 'e-1', 'PICKED_UP', '2025-11-25T14:03:00+08:00', { facilityName: 'Shanghai Pudong branch', lat: 31.2, lon: 121.5 }),
    ]);
    await recordScansThroughGateway(gatewayUrl, [scanOf(waybillNo, 'e-2', 'ARRIVED', '2025-11-26T01:10:00Z', { facilityCode: 'HZ-XH-01' })]);

    const answer = await getThroughGateway(gatewayUrl, `/v1/parcels/${waybillNo}`);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      waybillNo,
      status: 'OUT_FOR_DELIVERY',
      lastEvent: { type: 'OUT_FOR_DELIVERY', occurredAt: '2025-11-26T09:30:00+08:00', facilityCode: 'HZ-XH-01' },
      events: [
        { type: 'PICKED_UP', occurredAt: '2025-11-25T14:03:00+08:00', facilityCode: 'SH-PD-01', facilityName: 'Shanghai Pudong branch' },
        { type: 'ARRIVED', occurredAt: '2025-11-26T01:10:00Z', facilityCode: 'HZ-XH-01' },
        { type: 'OUT_FOR_DELIVERY', occurredAt: '2025-11-26T09:30:00+08:00', facilityCode: 'HZ-XH-01' },
      ],
    });
    expect(answer.text).not.toMatch(/courier-88|pda-17|demo|e-1|121\.5/u);
  });

  it('costs exactly one GetRow and one GetRange, and nothing else', async () => {
    const waybillNo = newWaybillNo();
    await recordScansThroughGateway(gatewayUrl, [scanOf(waybillNo, 'e-1', 'PICKED_UP', '2025-11-25T14:03:00+08:00')]);
    const requests = await requestsMadeBy(async () => {
      expect((await getThroughGateway(gatewayUrl, `/v1/parcels/${waybillNo}`)).status).toBe(200);
    });
    expect(requests).toEqual({ GetRow: 1, GetRange: 1 });
  });

  it('refuses a wrong check digit with 400 naming the rule, cacheable, and reads nothing', async () => {
    const waybillNo = newWaybillNo();
    const wrong = `${waybillNo.slice(0, 14)}${(Number(waybillNo[14]) + 1) % 10}`;
    let answer: Awaited<ReturnType<typeof getThroughGateway>> | undefined;
    const requests = await requestsMadeBy(async () => {
      answer = await getThroughGateway(gatewayUrl, `/v1/parcels/${wrong}`);
    });
    expect(answer?.status).toBe(400);
    expect(answer?.json).toMatchObject({ error: { code: 'INVALID_WAYBILL_NO', details: [{ path: 'waybillNo', message: 'check digit does not match' }] } });
    expect(answer?.headers.get('cache-control')).toBe('public, max-age=86400');
    expect(requests).toEqual({});
  });

  it('answers 404 PARCEL_NOT_FOUND for an unknown parcel after one GetRow (and at most the GetRange sent with it)', async () => {
    let answer: Awaited<ReturnType<typeof getThroughGateway>> | undefined;
    const requests = await requestsMadeBy(async () => {
      answer = await getThroughGateway(gatewayUrl, `/v1/parcels/${newWaybillNo()}`);
    });
    expect(answer?.status).toBe(404);
    expect(answer?.json).toEqual({ error: { code: 'PARCEL_NOT_FOUND', message: 'No scan has been recorded for this waybillNo.' } });
    expect(answer?.headers.get('cache-control')).toBe('public, max-age=10');
    expect(requests.GetRow).toBe(1);
    expect(requests.GetRange ?? 0).toBeLessThanOrEqual(1);
    expect(Object.keys(requests).filter((operation) => operation !== 'GetRow' && operation !== 'GetRange')).toEqual([]);
  });

  it('sends CDN caching headers and an ETag; answers 304 while nothing changed and 200 with a new ETag after a scan', async () => {
    const waybillNo = newWaybillNo();
    await recordScansThroughGateway(gatewayUrl, [scanOf(waybillNo, 'e-1', 'PICKED_UP', '2025-11-25T14:03:00+08:00')]);
    const first = await getThroughGateway(gatewayUrl, `/v1/parcels/${waybillNo}`);
    const etag = first.headers.get('etag') ?? '';
    expect(first.headers.get('cache-control')).toBe(trackedCacheControl);
    expect(etag).toMatch(/^"r1-[\w-]{22}"$/u);
    expect(first.headers.get('vary')).toBeNull();

    const unchanged = await getThroughGateway(gatewayUrl, `/v1/parcels/${waybillNo}`, { 'If-None-Match': etag });
    expect(unchanged.status).toBe(304);
    expect(unchanged.text).toBe('');
    expect(unchanged.headers.get('etag')).toBe(etag);
    expect(unchanged.headers.get('cache-control')).toBe(trackedCacheControl);

    await recordScansThroughGateway(gatewayUrl, [scanOf(waybillNo, 'e-2', 'DEPARTED', '2025-11-25T20:45:00+08:00')]);
    const changed = await getThroughGateway(gatewayUrl, `/v1/parcels/${waybillNo}`, { 'If-None-Match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).toMatch(/^"r2-/u);
  });

  it('shows the order of a parcel with the receiver masked and no street address', async () => {
    const waybillNo = await createOrderThroughGateway(gatewayUrl, {
      partnerOrderId: `tracking-${Date.now()}`,
      sender: { name: 'Acme Store', phone: '021-58889999', address: { province: '上海市', city: '上海市', district: '浦东新区', detail: '世纪大道 100 号' } },
      receiver: { name: '張三', phone: '13812345678', address: { province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 90 号 502 室' } },
      weightGrams: 1250,
    });
    const ordered = await getThroughGateway(gatewayUrl, `/v1/parcels/${waybillNo}`);
    expect(ordered.status).toBe(200);
    expect(ordered.json).toMatchObject({ status: null, lastEvent: null, events: [] });

    await recordScansThroughGateway(gatewayUrl, [scanOf(waybillNo, 'e-1', 'PICKED_UP', '2025-11-25T14:03:00+08:00')]);
    const answer = await getThroughGateway(gatewayUrl, `/v1/parcels/${waybillNo}`);
    expect(answer.json).toMatchObject({
      status: 'PICKED_UP',
      order: {
        sender: { name: 'A*** S***', province: '上海市', city: '上海市' },
        receiver: { name: '張*', phone: '138****5678', province: '浙江省', city: '杭州市', district: '西湖区' },
        weightGrams: 1250,
      },
    });
    expect(answer.text).not.toMatch(/世纪大道|文三路|13812345678|58889999|張三|tracking-/u);
  });

  it('answers 503 with Retry-After and no-store while Tablestore stays busy past the deadline', async () => {
    const waybillNo = newWaybillNo();
    await recordScansThroughGateway(gatewayUrl, [scanOf(waybillNo, 'e-1', 'PICKED_UP', '2025-11-25T14:03:00+08:00')]);
    const faults = `${tablestoreUrl}/__local/faults`;
    await fetch(faults, { method: 'POST', body: JSON.stringify({ errorRate: 1, errorCode: 'OTSServerBusy', operations: ['GetRow', 'GetRange'] }) });
    try {
      const answer = await getThroughGateway(gatewayUrl, `/v1/parcels/${waybillNo}`);
      expect(answer.status).toBe(503);
      expect(answer.json).toMatchObject({ error: { code: 'TRACKING_UNAVAILABLE' } });
      expect(answer.headers.get('retry-after')).toBe('2');
      expect(answer.headers.get('cache-control')).toBe('no-store');
    } finally {
      await fetch(faults, { method: 'POST', body: JSON.stringify({ errorRate: 0, operations: [] }) });
    }
  });
});

describe('the tracking page through the gateway', () => {
  it('serves the search form at /track and redirects a search to /track/{waybillNo}', async () => {
    const form = await getThroughGateway(gatewayUrl, '/track');
    expect(form.status).toBe(200);
    expect(form.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(form.text).toContain('<form action="/track" method="get" role="search"');

    const search = await getThroughGateway(gatewayUrl, `/track?waybillNo=${encodeURIComponent('7730 6115 5005 900')}`);
    expect(search.status).toBe(303);
    expect(search.headers.get('location')).toBe('/track/773061155005900');
  });

  it('renders a parcel, a <script> remark as text', async () => {
    const waybillNo = newWaybillNo();
    await recordScansThroughGateway(gatewayUrl, [
      scanOf(waybillNo, 'e-1', 'PICKED_UP', '2025-11-25T14:03:00+08:00'),
      scanOf(waybillNo, 'e-2', 'EXCEPTION', '2025-11-25T16:00:00+08:00', { remark: '<script>alert("x")</script>' }),
    ]);
    const page = await getThroughGateway(gatewayUrl, `/track/${waybillNo}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toMatch(/<script/iu);
    expect(page.text).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'none'/u);
    expect(page.headers.get('cache-control')).toBe(trackedCacheControl);
    const unchanged = await getThroughGateway(gatewayUrl, `/track/${waybillNo}`, { 'If-None-Match': page.headers.get('etag') ?? '' });
    expect(unchanged.status).toBe(304);
  });

  it('answers a malformed number with a 400 page and an unknown parcel with a 404 page', async () => {
    const malformed = await getThroughGateway(gatewayUrl, '/track/12345');
    expect(malformed.status).toBe(400);
    expect(malformed.text).toContain('must be 15 digits');
    const unknown = await getThroughGateway(gatewayUrl, `/track/${newWaybillNo()}`);
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('not found');
  });
});
