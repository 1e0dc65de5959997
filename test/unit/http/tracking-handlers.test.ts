import { describe, expect, it } from 'vitest';
import { foldScans, scanEventKey, scanEventSchema, type ScanEventInput } from '../../../layers/core/src/domain/index.ts';
import type { HttpRequest, HttpResponse } from '../../../layers/core/src/http/http-event.ts';
import { handleTrackingApi } from '../../../layers/core/src/http/tracking-api.ts';
import { handleTrackingPage } from '../../../layers/core/src/http/tracking-page.ts';
import { createLogger } from '../../../layers/core/src/observability/index.ts';
import { createTablestoreError } from '../../../layers/core/src/store/errors.ts';
import type { TablestoreClient } from '../../../layers/core/src/store/tablestore-client.ts';
import type { Row } from '../../../layers/core/src/store/values.ts';

const waybillNo = '773061155005900';

function get(pathAndQuery: string, headers: Record<string, string> = {}): HttpRequest {
  const url = new URL(pathAndQuery, 'http://track.test');
  return { method: 'GET', path: url.pathname, headers, query: Object.fromEntries(url.searchParams), rawBody: Buffer.alloc(0), requestId: 'r-1', sourceIp: '127.0.0.1' };
}

interface FakeStore {
  client: TablestoreClient;
  calls: string[];
}

/**
 * A stand-in for the Tablestore client with the two reads a tracking query makes; any other call fails the test.
 * The HTTP mapping is what is under test here; the reads themselves go through the SDK in test/integration/tracking.
 */
function fakeStore(options: { parcel?: Row['attributes'] | Error; timeline?: Row[] | 'never' }): FakeStore {
  const calls: string[] = [];
  const client = new Proxy({} as TablestoreClient, {
    get(_target, name) {
      if (name === 'getRow') {
        return async () => {
          calls.push('GetRow');
          if (options.parcel instanceof Error) throw options.parcel;
          return options.parcel === undefined ? undefined : { primaryKey: {}, attributes: options.parcel, cells: [] };
        };
      }
      if (name === 'iterateRange') {
        return async function* () {
          calls.push('GetRange');
          if (options.timeline === 'never') await new Promise(() => undefined);
          else yield* options.timeline ?? [];
        };
      }
      if (name === 'then') return undefined;
      throw new Error(`the tracking query called ${String(name)}`);
    },
  });
  return { client, calls };
}

function deps(store: FakeStore) {
  return { tablestore: store.client, deadline: Date.now() + 2000, log: createLogger({ sink: () => undefined }) };
}

function json(response: HttpResponse): unknown {
  return JSON.parse(response.body);
}

const inputs: ScanEventInput[] = [
  { eventId: 'e-2', waybillNo, type: 'ARRIVED', occurredAt: '2025-11-26T06:10:00+08:00', facilityCode: 'HZ-XH-01', operatorId: 'op-7', deviceId: 'pda-3', lat: 30.2, lon: 120.1 },
  { eventId: 'e-1', waybillNo, type: 'PICKED_UP', occurredAt: '2025-11-25T14:03:00+08:00', facilityCode: 'SH-PD-01', signedBy: 'Li Lei' },
];
const events = inputs.map((input) => scanEventSchema.parse(input));
const state = foldScans(undefined, events.map((event) => ({ event, eventKey: scanEventKey('demo', event.eventId) }))).state;

/** Rows as scan-events-table.ts writes them, every private column included. */
const timeline: Row[] = events
  .map((event) => ({
    primaryKey: { partition: 'abcd', waybillNo, occurredAt: event.occurredAtMs, eventKey: scanEventKey('demo', event.eventId) },
    attributes: {
      eventId: event.eventId,
      type: event.type,
      occurredAtText: event.occurredAt,
      facilityCode: event.facilityCode,
      partnerId: 'demo',
      channel: 'webhook',
      receivedAt: 1764050580000,
      traceId: 'trace-1',
      ...(event.operatorId === undefined ? {} : { operatorId: event.operatorId, deviceId: event.deviceId ?? '', position: '30.2,120.1' }),
      ...(event.signedBy === undefined ? {} : { signedBy: event.signedBy }),
    },
    cells: [],
  }))
  .reverse();
const parcelRow = { state: JSON.stringify(state), revision: state.revision, order: JSON.stringify({ partnerId: 'demo', receiver: { name: '張三', phone: '13812345678' } }) };

describe('GET /v1/parcels/{waybillNo}', () => {
  it('refuses a wrong check digit with 400 naming the rule, cacheable, before touching storage', async () => {
    const store = fakeStore({});
    const response = await handleTrackingApi(get('/v1/parcels/773061155005901'), deps(store));
    expect(response.statusCode).toBe(400);
    expect(json(response)).toEqual({
      error: {
        code: 'INVALID_WAYBILL_NO',
        message: 'waybillNo must be 15 digits whose last digit is the check digit of the first 14.',
        details: [{ path: 'waybillNo', message: 'check digit does not match' }],
      },
    });
    expect(response.headers['cache-control']).toBe('public, max-age=86400');
    expect(store.calls).toEqual([]);
  });

  it('refuses a number that is not 15 digits with 400 "must be 15 digits"', async () => {
    for (const malformed of ['77306115500590', '7730611550059000', 'SF1234567890123', '%3Cscript%3E']) {
      const response = await handleTrackingApi(get(`/v1/parcels/${malformed}`), deps(fakeStore({})));
      expect(response.statusCode).toBe(400);
      expect(json(response)).toMatchObject({ error: { details: [{ path: 'waybillNo', message: 'must be 15 digits' }] } });
    }
  });

  it('answers 404 PARCEL_NOT_FOUND for an unknown parcel without waiting for the timeline, cacheable briefly', async () => {
    const store = fakeStore({ timeline: 'never' });
    const response = await handleTrackingApi(get(`/v1/parcels/${waybillNo}`), deps(store));
    expect(response.statusCode).toBe(404);
    expect(json(response)).toEqual({ error: { code: 'PARCEL_NOT_FOUND', message: 'No scan has been recorded for this waybillNo.' } });
    expect(response.headers['cache-control']).toBe('public, max-age=10');
  });

  it('answers the public tracking answer with an ETag, from one GetRow and one GetRange', async () => {
    const store = fakeStore({ parcel: parcelRow, timeline });
    const response = await handleTrackingApi(get(`/v1/parcels/${waybillNo}`), deps(store));
    expect(response.statusCode).toBe(200);
    expect(store.calls.sort()).toEqual(['GetRange', 'GetRow']);
    expect(json(response)).toEqual({
      waybillNo,
      status: 'ARRIVED',
      lastEvent: { type: 'ARRIVED', occurredAt: '2025-11-26T06:10:00+08:00', facilityCode: 'HZ-XH-01' },
      events: [
        { type: 'PICKED_UP', occurredAt: '2025-11-25T14:03:00+08:00', facilityCode: 'SH-PD-01', signedBy: 'L*** L***' },
        { type: 'ARRIVED', occurredAt: '2025-11-26T06:10:00+08:00', facilityCode: 'HZ-XH-01' },
      ],
      order: { receiver: { name: '張*', phone: '138****5678' } },
    });
    expect(response.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'public, max-age=30, stale-while-revalidate=60, stale-if-error=300',
      'access-control-allow-origin': '*',
    });
    expect(response.headers.etag).toMatch(new RegExp(`^"r${state.revision}-[\\w-]{22}"$`, 'u'));
    expect(response.headers).not.toHaveProperty('vary');
  });

  it('never shows operator, device, partner, event or trace ids, nor positions', async () => {
    const response = await handleTrackingApi(get(`/v1/parcels/${waybillNo}`), deps(fakeStore({ parcel: parcelRow, timeline })));
    for (const secret of ['op-7', 'pda-3', 'demo', 'e-1', 'e-2', 'trace-1', '30.2', 'webhook', 'Li Lei', '13812345678']) {
      expect(response.body).not.toContain(secret);
    }
  });

  it('answers 304 with no body to a client that holds the current version', async () => {
    const first = await handleTrackingApi(get(`/v1/parcels/${waybillNo}`), deps(fakeStore({ parcel: parcelRow, timeline })));
    const etag = first.headers.etag ?? '';
    const again = await handleTrackingApi(get(`/v1/parcels/${waybillNo}`, { 'if-none-match': etag }), deps(fakeStore({ parcel: parcelRow, timeline })));
    expect(again).toMatchObject({ statusCode: 304, body: '' });
    expect(again.headers).toMatchObject({ etag, 'cache-control': 'public, max-age=30, stale-while-revalidate=60, stale-if-error=300' });
  });

  it('answers 503 with Retry-After and no-store while storage stays busy', async () => {
    const busy = createTablestoreError('OTSServerBusy', 'Server is busy.', { httpStatus: 503 });
    const response = await handleTrackingApi(get(`/v1/parcels/${waybillNo}`), deps(fakeStore({ parcel: busy })));
    expect(response.statusCode).toBe(503);
    expect(json(response)).toMatchObject({ error: { code: 'TRACKING_UNAVAILABLE' } });
    expect(response.headers).toMatchObject({ 'retry-after': '2', 'cache-control': 'no-store' });
  });

  it('answers 500 for a storage error that waiting does not fix', async () => {
    const denied = createTablestoreError('OTSAuthFailed', 'Signature mismatch.', { httpStatus: 403 });
    const response = await handleTrackingApi(get(`/v1/parcels/${waybillNo}`), deps(fakeStore({ parcel: denied })));
    expect(response.statusCode).toBe(500);
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('answers 404 NOT_FOUND for other paths and 405 for other methods', async () => {
    expect((await handleTrackingApi(get(`/v1/parcels/${waybillNo}/events`), deps(fakeStore({})))).statusCode).toBe(404);
    const post = await handleTrackingApi({ ...get(`/v1/parcels/${waybillNo}`), method: 'POST' }, deps(fakeStore({})));
    expect(post.statusCode).toBe(405);
    expect(post.headers.allow).toBe('GET');
  });
});

describe('the tracking page', () => {
  it('serves the search form at /track', async () => {
    const response = await handleTrackingPage(get('/track'), deps(fakeStore({})));
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body).toContain('<form action="/track" method="get" role="search"');
  });

  it('redirects a search to the parcel page, without the spaces, dashes and full-width digits people type', async () => {
    for (const typed of [' 7730 6115-5005 900 ', '７７３０６１１５５００５９００']) {
      const response = await handleTrackingPage(get(`/track?waybillNo=${encodeURIComponent(typed)}`), deps(fakeStore({})));
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe(`/track/${waybillNo}`);
    }
  });

  it('answers an empty search with 400 and the form', async () => {
    const response = await handleTrackingPage(get('/track?waybillNo=+'), deps(fakeStore({})));
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Enter a waybill number.');
  });

  it('answers a malformed number with a 400 page naming the rule, before touching storage', async () => {
    const store = fakeStore({});
    const response = await handleTrackingPage(get('/track/773061155005901'), deps(store));
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('check digit does not match');
    expect(response.headers['cache-control']).toBe('public, max-age=86400');
    expect(store.calls).toEqual([]);
  });

  it('answers an unknown parcel with a 404 page', async () => {
    const response = await handleTrackingPage(get(`/track/${waybillNo}`), deps(fakeStore({})));
    expect(response.statusCode).toBe(404);
    expect(response.body).toContain('not found');
  });

  it('renders a known parcel with the API caching: ETag, 304 when unchanged, a strict Content-Security-Policy', async () => {
    const response = await handleTrackingPage(get(`/track/${waybillNo}`), deps(fakeStore({ parcel: parcelRow, timeline })));
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<dd>張*</dd>');
    expect(response.headers).toMatchObject({ 'cache-control': 'public, max-age=30, stale-while-revalidate=60, stale-if-error=300' });
    expect(response.headers['content-security-policy']).toMatch(/^default-src 'none'; style-src 'sha256-/u);
    const again = await handleTrackingPage(get(`/track/${waybillNo}`, { 'if-none-match': response.headers.etag ?? '' }), deps(fakeStore({ parcel: parcelRow, timeline })));
    expect(again.statusCode).toBe(304);
  });

  it('answers storage trouble with a 503 page and Retry-After', async () => {
    const busy = createTablestoreError('OTSServerBusy', 'Server is busy.', { httpStatus: 503 });
    const response = await handleTrackingPage(get(`/track/${waybillNo}`), deps(fakeStore({ parcel: busy })));
    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ 'retry-after': '2', 'cache-control': 'no-store' });
  });

  it('answers other paths under /track with a 404 page', async () => {
    for (const path of ['/tracking', `/track/${waybillNo}/x`]) {
      expect((await handleTrackingPage(get(path), deps(fakeStore({})))).statusCode).toBe(404);
    }
  });
});
