import { describe, expect, it } from 'vitest';
import { formatWaybillNo, isValidWaybillNo } from '../../../layers/core/src/domain/index.ts';
import {
  WaybillAllocator,
  WaybillShardExhaustedError,
  waybillShardCapacity,
  type ReserveWaybillBlock,
} from '../../../layers/core/src/ingest/waybill-allocator.ts';
import type { WaybillBlockRequest } from '../../../layers/core/src/store/waybill-blocks-table.ts';

/** Counter rows in memory, like waybill_blocks: each reservation adds its size and answers the new value. */
class FakeCounters {
  readonly issued = new Map<number, number>();
  readonly requests: WaybillBlockRequest[] = [];
  /** Each reservation waits for the next macrotask, so concurrent callers really overlap. */
  readonly reserve: ReserveWaybillBlock = async (request) => {
    this.requests.push(request);
    await new Promise((resolve) => setImmediate(resolve));
    const value = (this.issued.get(request.shard) ?? 0) + request.size;
    this.issued.set(request.shard, value);
    return value;
  };
}

const deadline = Date.now() + 60_000;
/** A `random` that always picks shard `shard` of `shards`. */
const pick = (shard: number, shards: number) => () => (shard + 0.5) / shards;

describe('the waybill allocator', () => {
  it('reserves a block with one write and hands it out in order before reserving the next', async () => {
    const counters = new FakeCounters();
    const allocator = new WaybillAllocator({ blockSize: 3, shards: 1, random: Math.random });
    const waybillNos = [];
    for (let i = 0; i < 7; i++) waybillNos.push(await allocator.next(counters.reserve, deadline));
    expect(waybillNos).toEqual([0, 1, 2, 3, 4, 5, 6].map(formatWaybillNo));
    expect(counters.requests).toEqual([
      { shard: 0, size: 3, deadline },
      { shard: 0, size: 3, deadline },
      { shard: 0, size: 3, deadline },
    ]);
  });

  it('takes the block [end − size, end) of the value the counter answers', async () => {
    const allocator = new WaybillAllocator({ blockSize: 1000, shards: 1, random: Math.random });
    const waybillNo = await allocator.next(async () => 7000, deadline);
    expect(waybillNo).toBe(formatWaybillNo(6000));
  });

  it("puts a shard's numbers under its own first sequence digit", async () => {
    const counters = new FakeCounters();
    const allocator = new WaybillAllocator({ blockSize: 10, shards: 4, random: pick(3, 4) });
    const waybillNo = await allocator.next(counters.reserve, deadline);
    expect(waybillNo).toBe(formatWaybillNo(3 * waybillShardCapacity));
    expect(waybillNo.startsWith('773')).toBe(true);
    expect(counters.requests[0]?.shard).toBe(3);
  });

  it('spreads reservations over every shard in use and no other', async () => {
    const counters = new FakeCounters();
    const draws = [0, 0.3, 0.99, 0.5, 0.74, 0.25];
    let draw = 0;
    const allocator = new WaybillAllocator({ blockSize: 1, shards: 4, random: () => draws[draw++ % draws.length] ?? 0 });
    for (let i = 0; i < draws.length; i++) await allocator.next(counters.reserve, deadline);
    expect(counters.requests.map(({ shard }) => shard)).toEqual([0, 1, 3, 2, 2, 1]);
  });

  it('gives concurrent callers distinct numbers from one shared reservation', async () => {
    const counters = new FakeCounters();
    const allocator = new WaybillAllocator({ blockSize: 100, shards: 1, random: Math.random });
    const waybillNos = await Promise.all(Array.from({ length: 50 }, () => allocator.next(counters.reserve, deadline)));
    expect(new Set(waybillNos).size).toBe(50);
    expect(counters.requests).toHaveLength(1);
  });

  it('reserves again for the callers a new block could not serve, never reusing a number', async () => {
    const counters = new FakeCounters();
    const allocators = Array.from({ length: 5 }, () => new WaybillAllocator({ blockSize: 7, shards: 2, random: Math.random }));
    const waybillNos = await Promise.all(
      allocators.flatMap((allocator) => Array.from({ length: 40 }, () => allocator.next(counters.reserve, deadline))),
    );
    expect(new Set(waybillNos).size).toBe(200);
    expect(waybillNos.every(isValidWaybillNo)).toBe(true);
    // Each allocator wastes less than one block: ceil(40 / 7) = 6 reservations each.
    expect(counters.requests).toHaveLength(30);
  });

  it('fails every caller waiting on a failed reservation, then reserves afresh, leaving the lost block a gap', async () => {
    const counters = new FakeCounters();
    let lose = true;
    const reserve: ReserveWaybillBlock = async (request) => {
      const end = await counters.reserve(request);
      if (lose) {
        lose = false;
        throw new Error('answer lost');
      }
      return end;
    };
    const allocator = new WaybillAllocator({ blockSize: 10, shards: 1, random: Math.random });
    const waiting = await Promise.allSettled([allocator.next(reserve, deadline), allocator.next(reserve, deadline)]);
    expect(waiting.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect(await allocator.next(reserve, deadline)).toBe(formatWaybillNo(10));
    expect(counters.issued.get(0)).toBe(20);
  });

  it('starts after the numbers an earlier instance reserved, as after a restart', async () => {
    const counters = new FakeCounters();
    const before = new WaybillAllocator({ blockSize: 10, shards: 1, random: Math.random });
    const first = [await before.next(counters.reserve, deadline), await before.next(counters.reserve, deadline)];
    const after = new WaybillAllocator({ blockSize: 10, shards: 1, random: Math.random });
    expect(first).toEqual([formatWaybillNo(0), formatWaybillNo(1)]);
    expect(await after.next(counters.reserve, deadline)).toBe(formatWaybillNo(10));
  });

  it('refuses a block past the end of its shard', async () => {
    const allocator = new WaybillAllocator({ blockSize: 10, shards: 2, random: pick(1, 2) });
    await expect(allocator.next(async () => waybillShardCapacity + 5, deadline)).rejects.toBeInstanceOf(WaybillShardExhaustedError);
    const lastBlock = new WaybillAllocator({ blockSize: 10, shards: 1, random: Math.random });
    expect(await lastBlock.next(async () => waybillShardCapacity, deadline)).toBe(formatWaybillNo(waybillShardCapacity - 10));
  });

  it('refuses an answer that cannot be the end of a block of its size', async () => {
    const allocator = new WaybillAllocator({ blockSize: 10, shards: 1, random: Math.random });
    await expect(allocator.next(async () => 5, deadline)).rejects.toThrow(RangeError);
  });

  it.each([
    { blockSize: 0, shards: 1 },
    { blockSize: 1.5, shards: 1 },
    { blockSize: waybillShardCapacity + 1, shards: 1 },
    { blockSize: 10, shards: 0 },
    { blockSize: 10, shards: 11 },
  ])('refuses the settings %o', (settings) => {
    expect(() => new WaybillAllocator({ ...settings, random: Math.random })).toThrow(RangeError);
  });
});
