import { formatWaybillNo, waybillSequenceCapacity, type WaybillNo } from '../domain/index.ts';
import type { WaybillBlockRequest } from '../store/waybill-blocks-table.ts';

/**
 * Waybill numbers without a hot row: an instance reserves a block of sequence numbers with one Tablestore write
 * (store/waybill-blocks-table.ts) and hands them out from memory, one per order.
 *
 * Layout. The 12-digit sequence of a waybill number (domain/waybill-format.ts) is split among up to 10 counter
 * shards by its first digit: shard `s` owns sequences `s·10^11 … s·10^11 + 10^11 − 1`, and its counter row says how
 * many of them are reserved. Shards own disjoint ranges and each counter only grows, so numbers are unique across
 * instances and restarts whatever the block size or shard count was when each block was reserved; both can be
 * changed at any time (adding shards only adds ranges).
 *
 * The numbers, for 50 million orders a day (peak hour about 5× the average, ~3 000 orders/s):
 * - writes: 50 000 000 / 10 000 (the default block) = 5 000 reservations a day, 0.06/s on average and ~0.3/s
 *   in the peak hour, plus one per new instance: FC creates at most 300 instances at once, then 300 a minute, in
 *   the large regions (https://alibabacloud.com/help/en/functioncompute/fc-3-0/user-guide/instance-scaling-restrictions-and-rules).
 *   One row would carry that: Tablestore's table-design guide says a single partition handles 1 000 TPS
 *   comfortably (https://www.alibabacloud.com/help/en/tablestore/best-practices-for-table-operations).
 * - shards: 4 by default, not for throughput but so a burst of 300 cold starts queues ~75 increments on each of
 *   4 row locks instead of 300 on one, and because a shard holds 10^11 numbers: a block's unused rest is lost when
 *   its instance is reclaimed (at worst ~10 000 instance lifetimes a day × half a block = 50 million numbers a
 *   day, as many as the orders), so ≤ 100 million numbers are used up a day; 4 shards (4·10^11) last 11 years at
 *   that rate, all 10 shards 27. A smaller block wastes less and writes more: 1 000 gives 50 000 writes a day.
 * - a lost answer: a reservation whose answer is lost leaves its block unused, a gap (see reserveWaybillBlock),
 *   and the next call reserves a new one.
 */

/** Counter shards the sequence is split into: one per value of its first digit. */
export const maxWaybillCounterShards = 10;

/** Sequence numbers each counter shard owns: 10^11. */
export const waybillShardCapacity = waybillSequenceCapacity / maxWaybillCounterShards;

/** Reserves `size` numbers of a shard and returns the shard counter's value after it (the block's end). */
export type ReserveWaybillBlock = (request: WaybillBlockRequest) => Promise<number>;

export interface WaybillAllocatorOptions {
  /** Numbers reserved per write (1 to 10^11). */
  blockSize: number;
  /** Counter shards in use, 1 to 10: shards 0 … shards − 1. */
  shards: number;
  /** Uniform in [0, 1), like `Math.random`: picks the shard of each reservation. */
  random: () => number;
}

/** A counter shard has handed out all of its 10^11 numbers: raise WAYBILL_COUNTER_SHARDS to open new ones. */
export class WaybillShardExhaustedError extends Error {
  override name = 'WaybillShardExhaustedError';

  constructor(readonly shard: number) {
    super(`waybill counter shard ${shard} has no numbers left (${waybillShardCapacity} per shard); add shards with WAYBILL_COUNTER_SHARDS`);
  }
}

/** The numbers this instance holds: shard `shard`'s counter values `next … end − 1`. */
interface WaybillBlock {
  shard: number;
  next: number;
  end: number;
}

/**
 * Hands out waybill numbers from blocks reserved in Tablestore; one per instance, kept in module scope. Safe
 * under concurrent calls: a number is taken synchronously (no await between checking the block and taking from
 * it), and callers that find the block empty wait on one shared reservation instead of each reserving one.
 *
 * @example
 * ```ts
 * const waybills = new WaybillAllocator({ blockSize: 10_000, shards: 4, random: Math.random }); // module scope
 * const waybillNo = await waybills.next((request) => reserveWaybillBlock(store, request), deadline);
 * ```
 */
export class WaybillAllocator {
  readonly #options: WaybillAllocatorOptions;
  #block: WaybillBlock | undefined;
  #reservation: Promise<void> | undefined;

  constructor(options: WaybillAllocatorOptions) {
    if (!Number.isSafeInteger(options.blockSize) || options.blockSize < 1 || options.blockSize > waybillShardCapacity) {
      throw new RangeError(`blockSize must be an integer from 1 to ${waybillShardCapacity}, got ${options.blockSize}`);
    }
    if (!Number.isSafeInteger(options.shards) || options.shards < 1 || options.shards > maxWaybillCounterShards) {
      throw new RangeError(`shards must be an integer from 1 to ${maxWaybillCounterShards}, got ${options.shards}`);
    }
    this.#options = { ...options };
  }

  /**
   * The next waybill number of this instance, reserving a new block first when the current one is used up.
   * `reserveBlock` is given per call, so the Tablestore client it uses can change (FC rotates credentials).
   *
   * @throws whatever `reserveBlock` throws (a `TablestoreError` when storage is unavailable), and
   * {@link WaybillShardExhaustedError}.
   */
  async next(reserveBlock: ReserveWaybillBlock, deadline: number): Promise<WaybillNo> {
    for (;;) {
      const block = this.#block;
      if (block !== undefined && block.next < block.end) {
        const value = block.next;
        block.next = value + 1;
        return formatWaybillNo(block.shard * waybillShardCapacity + value);
      }
      // More callers may be waiting than the new block holds: those left over go round again.
      this.#reservation ??= this.#reserve(reserveBlock, deadline).finally(() => {
        this.#reservation = undefined;
      });
      await this.#reservation;
    }
  }

  async #reserve(reserveBlock: ReserveWaybillBlock, deadline: number): Promise<void> {
    const { blockSize, shards, random } = this.#options;
    const shard = Math.min(Math.floor(random() * shards), shards - 1);
    const end = await reserveBlock({ shard, size: blockSize, deadline });
    if (!Number.isSafeInteger(end) || end < blockSize) {
      throw new RangeError(`waybill counter shard ${shard} answered ${end} to an increment of ${blockSize}`);
    }
    if (end > waybillShardCapacity) throw new WaybillShardExhaustedError(shard);
    this.#block = { shard, next: end - blockSize, end };
  }
}
