import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { layerPackages } from '../../../infra/layer-packages.ts';
import { renderStats } from '../../../infra/local/commands/stats.ts';
import type { LogRecord } from '../../../infra/local/fc/logs.ts';
import { startFcRuntime, type FcRuntime } from '../../../infra/local/fc/runtime.ts';
import { startTablestoreServer, type TablestoreServer } from '../../../infra/local/tablestore/server.ts';
import { provisionTables } from '../../../infra/provision/tablestore-tables.ts';
import { ordersTable, parcelsTable, tables, waybillBlocksTable } from '../../../infra/tables.ts';
import { isValidWaybillNo, signPartnerRequest, waybillNoSchema, type PartnerRegistry } from '../../../layers/core/src/domain/index.ts';
import { handleOrderWebhook } from '../../../layers/core/src/http/order-webhook.ts';
import { maxWaybillCounterShards, WaybillAllocator } from '../../../layers/core/src/ingest/waybill-allocator.ts';
import {
  createLogger,
  emptyOrderTotals,
  InvocationMetrics,
  listenToRetries,
  orderOutcomes,
  unauthenticatedPartner,
  type MetricTotalsSnapshot,
  type OrderMetricValues,
  type PartnerOrderTotals,
} from '../../../layers/core/src/observability/index.ts';
import { orderKeyOf } from '../../../layers/core/src/store/orders-table.ts';
import { parcelKeyOf } from '../../../layers/core/src/store/parcels-table.ts';
import { createTablestoreClient, type TablestoreClient } from '../../../layers/core/src/store/tablestore-client.ts';
import { waybillCounterKeyOf } from '../../../layers/core/src/store/waybill-blocks-table.ts';
import { scanEventInput } from '../../unit/domain/scan-fixtures.ts';
import { orderInput } from '../../support/orders.ts';
import { ordersUrl, signedPost } from '../../support/signed-post.ts';
import { printedStats } from '../../support/stats.ts';

/**
 * POST /v1/orders through the local FC runtime's gateway, serving the order-webhook and scan-webhook functions of
 * the real s.yaml, built as deployed, against the local Tablestore server: real HTTP trigger events, real SDK.
 */

const yamlPath = path.resolve(import.meta.dirname, '../../../s.yaml');
const instanceName = 'parcelscan';
const key = { accessKeyId: 'local', accessKeySecret: 'local-secret' };
const partners = { demo: { name: 'Demo partner', secrets: ['demo-secret'] }, acme: { name: 'Acme shop', secrets: ['acme-secret-1'] } };
/** Small blocks, so the requests below take several reservations on several shards. */
const waybillBlockSize = 3;

interface OrderAnswer {
  waybillNo: string;
  createdAt: string;
}

interface ErrorAnswer {
  error: { code: string; message: string; details?: { path: string; message: string }[] };
}

const noOrders: PartnerOrderTotals = emptyOrderTotals();

/** What a partner's orders totals grew by between two snapshots. */
function orderGrowth(before: MetricTotalsSnapshot, after: MetricTotalsSnapshot, partnerId: string): PartnerOrderTotals {
  const was = before.orders[partnerId] ?? noOrders;
  const now = after.orders[partnerId] ?? noOrders;
  const reasons: Record<string, number> = {};
  for (const [reason, n] of Object.entries(now.reasons)) {
    const added = n - (was.reasons[reason] ?? 0);
    if (added > 0) reasons[reason] = added;
  }
  const grown = { ...noOrders, reasons };
  for (const field of ['requests', ...orderOutcomes, 'waybillBlocksReserved', 'rowsWritten', 'otsRetries'] as const) grown[field] = now[field] - was[field];
  return grown;
}

describe('POST /v1/orders through the local gateway', () => {
  let server: TablestoreServer;
  let runtime: FcRuntime;
  let store: TablestoreClient;
  let url: string;
  let outDir: string;
  const logs: LogRecord[] = [];

  beforeAll(async () => {
    server = await startTablestoreServer({ port: 0 });
    await provisionTables({ endpoint: server.url, instanceName, ...key }, tables);
    store = createTablestoreClient({ endpoint: server.url, instanceName, ...key });
    outDir = await mkdtemp(path.join(os.tmpdir(), 'order-webhook-test-'));
    runtime = await startFcRuntime({
      yamlPath,
      outDir,
      only: ['order-webhook', 'scan-webhook'],
      gateway: { port: 0 },
      external: layerPackages,
      env: {
        TABLESTORE_ENDPOINT: server.url,
        TABLESTORE_INSTANCE: instanceName,
        PARTNERS: JSON.stringify(partners),
        WAYBILL_BLOCK_SIZE: String(waybillBlockSize),
      },
      log: (record) => logs.push(record),
    });
    url = ordersUrl(runtime.url ?? '');
  });

  afterAll(async () => {
    await runtime.close();
    await server.close();
    await rm(outDir, { recursive: true, force: true });
  });

  beforeEach(() => {
    server.faults.configure({ errorRate: 0 });
  });

  async function parcelRow(waybillNo: string) {
    return store.getRow({ table: parcelsTable.name, primaryKey: parcelKeyOf(waybillNoSchema.parse(waybillNo)) });
  }

  it('answers 201 with a new valid waybill number and stores the order', async () => {
    const sentAt = Date.now();
    const answer = await signedPost(url, orderInput({ partnerOrderId: 'created-1' }));

    expect(answer.status).toBe(201);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const { waybillNo, createdAt } = answer.json as OrderAnswer;
    expect(isValidWaybillNo(waybillNo)).toBe(true);
    expect(waybillNo).toMatch(/^77[0-3]/);
    // createdAt is the server's clock when the order was stored: not before the request was sent.
    expect(Date.parse(createdAt)).toBeGreaterThanOrEqual(sentAt - 1000);
    const row = await store.getRow({ table: ordersTable.name, primaryKey: orderKeyOf('demo', 'created-1') });
    expect(row?.attributes).toMatchObject({ waybillNo, createdAt: Date.parse(createdAt) });
    expect(JSON.parse(String(row?.attributes.receiver))).toEqual(orderInput().receiver);
  });

  it('puts the masked order summary, without any street address, on the parcel row', async () => {
    const { waybillNo } = (await signedPost(url, orderInput({ partnerOrderId: 'summary-1' }))).json as OrderAnswer;

    const row = await parcelRow(waybillNo);
    const text = String(row?.attributes.order);
    expect(JSON.parse(text)).toMatchObject({
      partnerId: 'demo',
      partnerOrderId: 'summary-1',
      weightGrams: 1250,
      itemCount: 2,
      receiver: { name: '張*', phone: '138****5678', address: { province: '上海市', city: '上海市', district: '浦东新区' } },
      sender: { name: '李*', address: { province: '浙江省', city: '杭州市' } },
    });
    for (const secret of ['世纪大道', '文一西路', '13812345678', '87654321', '張三']) expect(text).not.toContain(secret);
    expect(row?.attributes).not.toHaveProperty('state');
    expect(row?.attributes).not.toHaveProperty('revision');
  });

  it('answers the same partnerOrderId again with 200 and the same waybill number and createdAt', async () => {
    const order = orderInput({ partnerOrderId: 'again-1' });
    const first = await signedPost(url, order);
    const second = await signedPost(url, order);

    expect([first.status, second.status]).toEqual([201, 200]);
    expect(second.json).toEqual(first.json);
  });

  it('gives 10 concurrent identical requests one waybill number: one 201 and nine 200', async () => {
    const order = orderInput({ partnerOrderId: 'concurrent-1' });
    const answers = await Promise.all(Array.from({ length: 10 }, () => signedPost(url, order)));

    expect(answers.map(({ status }) => status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(answers.map(({ json }) => (json as OrderAnswer).waybillNo)).size).toBe(1);
    expect(new Set(answers.map(({ json }) => (json as OrderAnswer).createdAt)).size).toBe(1);
    expect(runtime.instanceCount('parcelscan-order-webhook')).toBeGreaterThan(1);
  });

  it('keeps one partner’s order ids apart from another’s', async () => {
    const order = orderInput({ partnerOrderId: 'shared-id' });
    const fromDemo = await signedPost(url, order);
    const fromAcme = await signedPost(url, order, { partnerId: 'acme', secret: 'acme-secret-1' });

    expect([fromDemo.status, fromAcme.status]).toEqual([201, 201]);
    expect((fromAcme.json as OrderAnswer).waybillNo).not.toBe((fromDemo.json as OrderAnswer).waybillNo);
  });

  it('answers 409 ORDER_CONFLICT to a different order under a partnerOrderId already used', async () => {
    const original = orderInput({ partnerOrderId: 'conflict-1' });
    const first = await signedPost(url, original);
    const other = await signedPost(url, { ...original, weightGrams: 3000 });

    expect(first.status).toBe(201);
    expect(other.status).toBe(409);
    expect((other.json as ErrorAnswer).error.code).toBe('ORDER_CONFLICT');
  });

  it('keeps the order summary when scans are folded into the parcel row', async () => {
    const { waybillNo } = (await signedPost(url, orderInput({ partnerOrderId: 'scanned-1' }))).json as OrderAnswer;
    const rawBody = JSON.stringify({ events: [scanEventInput({ eventId: 'pickup-scanned-1', waybillNo, type: 'PICKED_UP' })] });
    const scans = await fetch(`${runtime.url ?? ''}/v1/scans`, {
      method: 'POST',
      headers: { ...signPartnerRequest('demo', 'demo-secret', rawBody, Date.now()), 'Content-Type': 'application/json' },
      body: rawBody,
    });
    expect(scans.status).toBe(200);

    const row = await parcelRow(waybillNo);
    expect(row?.attributes.status).toBe('PICKED_UP');
    expect(JSON.parse(String(row?.attributes.order))).toMatchObject({ partnerOrderId: 'scanned-1', receiver: { name: '張*' } });
  });

  it('answers 400 naming the field of an invalid order, before storing anything', async () => {
    const order = orderInput({ partnerOrderId: 'invalid-1' });
    const answer = await signedPost(url, { ...order, receiver: { ...order.receiver, phone: '12345' } });

    expect(answer.status).toBe(400);
    expect((answer.json as ErrorAnswer).error).toMatchObject({
      code: 'INVALID_REQUEST',
      details: [{ path: 'receiver.phone', message: expect.stringMatching(/^must be a mainland mobile number/) }],
    });
    expect(await store.getRow({ table: ordersTable.name, primaryKey: orderKeyOf('demo', 'invalid-1') })).toBeUndefined();
  });

  it('answers 400 to a body that is not JSON', async () => {
    const answer = await signedPost(url, '{"partnerOrderId": ');
    expect(answer.status).toBe(400);
    expect((answer.json as ErrorAnswer).error.message).toBe('The body is not valid JSON.');
  });

  it('answers 401 to a bad signature, 415 to a non-JSON body and 413 to a body over 64 KiB', async () => {
    const order = orderInput({ partnerOrderId: 'refused-1' });
    const unsigned = await signedPost(url, order, { headers: { 'X-Signature': '0'.repeat(64) } });
    const text = await signedPost(url, order, { contentType: 'text/plain' });
    const huge = await signedPost(url, { ...order, note: 'x'.repeat(70_000) });

    expect([unsigned.status, text.status, huge.status]).toEqual([401, 415, 413]);
    expect((unsigned.json as ErrorAnswer).error.code).toBe('UNAUTHORIZED');
    expect((huge.json as ErrorAnswer).error.message).toBe('The body must be at most 65536 bytes.');
    expect(await store.getRow({ table: ordersTable.name, primaryKey: orderKeyOf('demo', 'refused-1') })).toBeUndefined();
  });

  describe('the orders metric totals of `parcelscan stats`', () => {
    async function stats(): Promise<MetricTotalsSnapshot> {
      const response = await fetch(`${runtime.url ?? ''}/__local/stats`);
      expect(response.status).toBe(200);
      return (await response.json()) as MetricTotalsSnapshot;
    }

    /** Waybill numbers reserved so far on every counter shard, read back from the waybill_blocks table. */
    async function numbersReserved(): Promise<number> {
      const rows = await Promise.all(
        Array.from({ length: maxWaybillCounterShards }, (_, shard) => store.getRow({ table: waybillBlocksTable.name, primaryKey: waybillCounterKeyOf(shard) })),
      );
      return rows.reduce((sum, row) => sum + Number(row?.attributes.issued ?? 0), 0);
    }

    it('grow by exactly one created, one replayed and one conflict, with the blocks and rows they cost', async () => {
      const before = await stats();
      const reservedBefore = await numbersReserved();
      const order = orderInput({ partnerOrderId: 'metrics-1' });

      const created = await signedPost(url, order);
      const replayed = await signedPost(url, order);
      const conflict = await signedPost(url, { ...order, weightGrams: 3000 });

      expect([created.status, replayed.status, conflict.status]).toEqual([201, 200, 409]);
      const lines = logs.filter((record) => record.source === 'function' && record.requestId === created.headers.get('x-fc-request-id'));
      expect(lines.map((record) => JSON.parse(record.message) as unknown)).toContainEqual(
        expect.objectContaining({ kind: 'metric', name: 'orders', function: 'parcelscan-order-webhook', partnerId: 'demo', outcome: 'created' }),
      );
      // Each of the three took a waybill number (the last two left gaps); whichever instance ran out reserved a block.
      const blocks = ((await numbersReserved()) - reservedBefore) / waybillBlockSize;
      expect(orderGrowth(before, await stats(), 'demo')).toEqual({
        ...noOrders,
        requests: 3,
        created: 1,
        replayed: 1,
        conflict: 1,
        reasons: { ORDER_CONFLICT: 1 },
        waybillBlocksReserved: blocks,
        // The order row, the summary on the parcel row for the created and the replayed order, and each counter row.
        rowsWritten: 3 + blocks,
      });
    });

    it('count refused orders by reason, and those no partner signed apart from the partners', async () => {
      const before = await stats();
      const order = orderInput({ partnerOrderId: 'metrics-refused-1' });

      const invalid = await signedPost(url, { ...order, receiver: { ...order.receiver, phone: '12345' } });
      const unsigned = await signedPost(url, order, { headers: { 'X-Signature': '0'.repeat(64) } });
      const text = await signedPost(url, order, { contentType: 'text/plain' });

      expect([invalid.status, unsigned.status, text.status]).toEqual([400, 401, 415]);
      const after = await stats();
      expect(orderGrowth(before, after, 'demo')).toEqual({ ...noOrders, requests: 1, rejected: 1, reasons: { INVALID_RECEIVER_PHONE: 1 } });
      expect(orderGrowth(before, after, unauthenticatedPartner)).toEqual({
        ...noOrders,
        requests: 2,
        unauthorized: 1,
        rejected: 1,
        reasons: { UNAUTHORIZED: 1, UNSUPPORTED_MEDIA_TYPE: 1 },
      });
    });

    it('are printed by `parcelscan stats` from the gateway', async () => {
      const printed = await printedStats(runtime.url ?? '');

      expect(printed).toBe(renderStats(await stats()));
      expect(printed).toMatch(/^orders\npartner +requests +created +replayed +conflict +rejected +unauthorized +failed +blocks reserved +rows written +OTS retries$/m);
      expect(printed).toMatch(/^demo +\d+ +\d+/m);
    });
  });
});

describe('an order webhook deployed with a configuration it cannot start with', () => {
  let runtime: FcRuntime;
  let outDir: string;

  beforeAll(async () => {
    outDir = await mkdtemp(path.join(os.tmpdir(), 'order-webhook-misconfigured-'));
    runtime = await startFcRuntime({
      yamlPath,
      outDir,
      only: ['order-webhook'],
      gateway: { port: 0 },
      external: layerPackages,
      // Not a block size: the instance's configuration is refused on every invocation, before any storage call.
      env: { TABLESTORE_ENDPOINT: 'http://127.0.0.1:1', TABLESTORE_INSTANCE: instanceName, PARTNERS: JSON.stringify(partners), WAYBILL_BLOCK_SIZE: '0' },
      log: () => undefined,
    });
  });

  afterAll(async () => {
    await runtime.close();
    await rm(outDir, { recursive: true, force: true });
  });

  it('still writes the orders line of each invocation, counted as failed', async () => {
    const answer = await signedPost(ordersUrl(runtime.url ?? ''), orderInput({ partnerOrderId: 'misconfigured-1' }));

    expect(answer.status).toBe(502);
    expect(runtime.metricTotals().orders).toEqual({ [unauthenticatedPartner]: { ...noOrders, requests: 1, failed: 1 } });
  });
});

describe('the order webhook when storage is unavailable', () => {
  let server: TablestoreServer;
  let store: TablestoreClient;

  beforeAll(async () => {
    server = await startTablestoreServer({ port: 0 });
    await provisionTables({ endpoint: server.url, instanceName, ...key }, tables);
    store = createTablestoreClient({ endpoint: server.url, instanceName, ...key, retry: { baseDelayMs: 5, maxDelayMs: 20 } });
  });

  afterAll(async () => {
    await server.close();
  });

  beforeEach(() => {
    server.faults.configure({ errorRate: 0, operations: [] });
  });

  const registry: PartnerRegistry = new Map([['demo', { partnerId: 'demo', name: 'Demo partner', secrets: ['demo-secret'] }]]);

  /**
   * Calls the order webhook as the FC entry does, with metrics of its own, and returns the answer and the values of
   * the one line those metrics would write: the orders line.
   */
  async function send(waybills: WaybillAllocator, partnerOrderId: string, storageMs: number, tablestore = store) {
    const rawBody = Buffer.from(JSON.stringify(orderInput({ partnerOrderId })));
    const nowMs = Date.now();
    const headers = { ...signPartnerRequest('demo', 'demo-secret', rawBody, nowMs), 'Content-Type': 'application/json' };
    const lowerCased = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
    const metrics = new InvocationMetrics('webhook');
    const answer = await handleOrderWebhook(
      { method: 'POST', path: '/v1/orders', headers: lowerCased, query: {}, rawBody, requestId: 'r-1', sourceIp: '127.0.0.1' },
      { tablestore, partners: registry, waybills, nowMs, deadline: nowMs + storageMs, log: createLogger({ sink: () => undefined }), metrics },
    );
    const lines = metrics.lines();
    expect(lines.map(({ name }) => name)).toEqual(['orders']);
    return { answer, orders: lines[0]?.values as OrderMetricValues };
  }

  it('answers 503 with Retry-After once retries run out at the deadline, and stores the order on the resend', async () => {
    const waybills = new WaybillAllocator({ blockSize: 10, shards: 4, random: Math.random });

    server.faults.configure({ errorRate: 1, errorCode: 'OTSServerBusy' });
    const unavailable = await send(waybills, 'unavailable-1', 300);
    server.faults.configure({ errorRate: 0 });
    const resent = await send(waybills, 'unavailable-1', 300);

    expect(unavailable.answer.statusCode).toBe(503);
    expect(unavailable.answer.headers['retry-after']).toBe('5');
    expect(JSON.parse(unavailable.answer.body)).toMatchObject({ error: { code: 'STORAGE_UNAVAILABLE', message: expect.stringContaining('partnerOrderId') } });
    expect(resent.answer.statusCode).toBe(201);
  });

  it('counts an order refused for storage as failed, with the OTS retries of its block reservation', async () => {
    const waybills = new WaybillAllocator({ blockSize: 10, shards: 4, random: Math.random });

    server.faults.configure({ errorRate: 1, errorCode: 'OTSServerBusy' });
    const { answer, orders } = await send(waybills, 'unavailable-2', 300);
    server.faults.configure({ errorRate: 0 });

    expect(answer.statusCode).toBe(503);
    expect(orders).toEqual({ partnerId: 'demo', outcome: 'failed', reason: 'STORAGE_UNAVAILABLE', waybillBlocksReserved: 0, rowsWritten: 0, otsRetries: expect.any(Number) });
    expect(orders.otsRetries).toBeGreaterThan(0);
  });

  it('counts the block, the rows and the OTS retries of an order stored once storage recovers', async () => {
    const waybills = new WaybillAllocator({ blockSize: 10, shards: 4, random: Math.random });

    // The block's INCREMENT refused once: storage recovers as the client sends it again.
    server.faults.configure({ errorRate: 1, errorCode: 'OTSServerBusy', operations: ['UpdateRow'] });
    const recovering = listenToRetries(store, () => server.faults.configure({ errorRate: 0, operations: [] }));
    const { answer, orders } = await send(waybills, 'recovered-1', 5000, recovering);

    expect(answer.statusCode).toBe(201);
    // The counter row, the order row and the summary on the parcel row.
    expect(orders).toEqual({ partnerId: 'demo', outcome: 'created', waybillBlocksReserved: 1, rowsWritten: 3, otsRetries: 1 });
  });

  it('counts a block reserved only by the order that reserved it, and a replay as replayed', async () => {
    const waybills = new WaybillAllocator({ blockSize: 10, shards: 4, random: Math.random });

    const first = await send(waybills, 'served-1', 5000);
    const second = await send(waybills, 'served-2', 5000);
    const again = await send(waybills, 'served-1', 5000);

    expect([first.answer.statusCode, second.answer.statusCode, again.answer.statusCode]).toEqual([201, 201, 200]);
    expect([first, second, again].map(({ orders }) => orders)).toEqual([
      { partnerId: 'demo', outcome: 'created', waybillBlocksReserved: 1, rowsWritten: 3, otsRetries: 0 },
      { partnerId: 'demo', outcome: 'created', waybillBlocksReserved: 0, rowsWritten: 2, otsRetries: 0 },
      { partnerId: 'demo', outcome: 'replayed', waybillBlocksReserved: 0, rowsWritten: 1, otsRetries: 0 },
    ]);
  });
});

