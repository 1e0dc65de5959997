import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waybillBlocksTable } from '../../../infra/tables.ts';
import { provisionTables } from '../../../infra/provision/tablestore-tables.ts';
import { startTablestoreServer, type TablestoreServer } from '../../../infra/local/tablestore/server.ts';
import { formatWaybillNo, isValidWaybillNo, type WaybillNo } from '../../../layers/core/src/domain/index.ts';
import { WaybillAllocator, waybillShardCapacity, type ReserveWaybillBlock } from '../../../layers/core/src/ingest/waybill-allocator.ts';
import { NetworkingError } from '../../../layers/core/src/store/errors.ts';
import { createTablestoreClient, type TablestoreClient } from '../../../layers/core/src/store/tablestore-client.ts';
import { reserveWaybillBlock, waybillCounterKeyOf } from '../../../layers/core/src/store/waybill-blocks-table.ts';

/**
 * The allocator against the local Tablestore server through the official SDK: every reservation is a real
 * UpdateRow INCREMENT with AfterModify, so uniqueness rests on the store's atomic counter, not on a fake.
 */

const instanceName = 'parcelscan';
const key = { accessKeyId: 'local', accessKeySecret: 'local-secret' };

function clientOf(endpoint: string): TablestoreClient {
  return createTablestoreClient({ endpoint, instanceName, ...key });
}

/**
 * An HTTP proxy in front of the Tablestore server that can lose answers: the request reaches the server and is
 * applied, and the proxy then cuts the client's connection instead of relaying the answer, as a network failure
 * after the request was sent does.
 */
async function startLossyProxy(upstream: string): Promise<{ url: string; loseNextAnswerOf(operation: string): void; close(): Promise<void> }> {
  const target = new URL(upstream);
  const toLose = new Set<string>();
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const forwarded = httpRequest(
        { host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
        (answer) => {
          const body: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => body.push(chunk));
          answer.on('end', () => {
            const operation = (incoming.url ?? '').slice(1);
            if (toLose.delete(operation)) {
              incoming.socket.destroy();
              return;
            }
            outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
            outgoing.end(Buffer.concat(body));
          });
        },
      );
      forwarded.on('error', () => incoming.socket.destroy());
      forwarded.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    loseNextAnswerOf: (operation) => toLose.add(operation),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('waybill allocators against the local Tablestore server', () => {
  let server: TablestoreServer;
  let store: TablestoreClient;

  beforeAll(async () => {
    server = await startTablestoreServer({ port: 0 });
    await provisionTables({ endpoint: server.url, instanceName, ...key }, [waybillBlocksTable]);
    store = clientOf(server.url);
  });

  afterAll(async () => {
    await server.close();
  });

  /** The counter's `issued` value of a shard, read back from the table. */
  async function issued(shard: number): Promise<number> {
    const row = await store.getRow({ table: waybillBlocksTable.name, primaryKey: waybillCounterKeyOf(shard) });
    return Number(row?.attributes.issued ?? 0);
  }

  async function resetCounters(): Promise<void> {
    for (let shard = 0; shard < 10; shard++) {
      await store.deleteRow({ table: waybillBlocksTable.name, primaryKey: waybillCounterKeyOf(shard) });
    }
  }

  it('hands out no duplicate waybill number under many concurrent allocators', async () => {
    await resetCounters();
    let reservations = 0;
    const reserve: ReserveWaybillBlock = (request) => {
      reservations += 1;
      return reserveWaybillBlock(store, request);
    };
    const allocators = Array.from({ length: 20 }, () => new WaybillAllocator({ blockSize: 7, shards: 4, random: Math.random }));
    const deadline = Date.now() + 25_000;

    // 20 allocators (20 instances) each serving 250 concurrent orders: 5 000 numbers, ~720 reservations racing on 4 rows.
    const waybillNos = await Promise.all(
      allocators.flatMap((allocator) => Array.from({ length: 250 }, () => allocator.next(reserve, deadline))),
    );

    expect(waybillNos).toHaveLength(5000);
    expect(new Set(waybillNos).size).toBe(5000);
    expect(waybillNos.filter((waybillNo) => !isValidWaybillNo(waybillNo))).toEqual([]);
    // Every increment landed once: the counters add up to the blocks reserved.
    const counted = (await Promise.all([0, 1, 2, 3].map(issued))).reduce((sum, value) => sum + value, 0);
    expect(counted).toBe(reservations * 7);
    // Each allocator leaves at most part of one block unused.
    expect(reservations).toBeLessThanOrEqual(20 * Math.ceil(250 / 7));
  });

  it('continues past every number reserved before a restart', async () => {
    await resetCounters();
    const reserve: ReserveWaybillBlock = (request) => reserveWaybillBlock(store, request);
    const deadline = Date.now() + 10_000;
    const before = new WaybillAllocator({ blockSize: 100, shards: 1, random: Math.random });
    const first = [await before.next(reserve, deadline), await before.next(reserve, deadline)];

    const restarted = new WaybillAllocator({ blockSize: 100, shards: 1, random: Math.random });
    const next = await restarted.next(reserve, deadline);

    expect(first).toEqual([formatWaybillNo(0), formatWaybillNo(1)]);
    expect(next).toBe(formatWaybillNo(100));
    expect(await issued(0)).toBe(200);
  });

  it('leaves a gap, never a duplicate, when the answer to a reservation is lost', async () => {
    await resetCounters();
    const proxy = await startLossyProxy(server.url);
    try {
      const lossyStore = clientOf(proxy.url);
      const reserve: ReserveWaybillBlock = (request) => reserveWaybillBlock(lossyStore, request);
      const allocator = new WaybillAllocator({ blockSize: 10, shards: 1, random: Math.random });
      const deadline = Date.now() + 10_000;
      const handedOut: WaybillNo[] = [await allocator.next(reserve, deadline)];
      for (let i = 1; i < 10; i++) handedOut.push(await allocator.next(reserve, deadline));

      // The second block's increment is applied by the store, but its answer never arrives.
      proxy.loseNextAnswerOf('UpdateRow');
      const lost = await allocator.next(reserve, deadline).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(lost).toBeInstanceOf(NetworkingError);
      expect(lost).toMatchObject({ retryable: true, outcomeUnknown: true, attempts: 1 });
      expect(await issued(0)).toBe(20);

      for (let i = 0; i < 10; i++) handedOut.push(await allocator.next(reserve, deadline));

      // Numbers 10 … 19 were reserved and never handed out: a gap. The next block starts after them.
      expect(handedOut).toEqual([...Array.from({ length: 10 }, (_, n) => n), ...Array.from({ length: 10 }, (_, n) => 20 + n)].map(formatWaybillNo));
      expect(new Set(handedOut).size).toBe(20);
      expect(await issued(0)).toBe(30);
    } finally {
      await proxy.close();
    }
  });

  it('keeps the shards apart: shard s hands out s·10^11 onwards', async () => {
    await resetCounters();
    const reserve: ReserveWaybillBlock = (request) => reserveWaybillBlock(store, request);
    const deadline = Date.now() + 10_000;
    const onShard = (shard: number) => new WaybillAllocator({ blockSize: 5, shards: 10, random: () => (shard + 0.5) / 10 });
    const [first, last] = [await onShard(0).next(reserve, deadline), await onShard(9).next(reserve, deadline)];
    expect(first).toBe(formatWaybillNo(0));
    expect(last).toBe(formatWaybillNo(9 * waybillShardCapacity));
    expect([await issued(0), await issued(9)]).toEqual([5, 5]);
  });
});
