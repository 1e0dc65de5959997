import { waybillBlocksTable } from '../../../../infra/tables.ts';
import type { TablestoreClient } from './tablestore-client.ts';

/**
 * The waybill_blocks table (infra/tables.ts): one row per counter shard, `waybill-<shard>`, whose INTEGER column
 * `issued` counts the numbers of that shard reserved so far. A reservation is one UpdateRow that INCREMENTs
 * `issued` by the block size and returns the value after the change (an atomic counter:
 * https://alibabacloud.com/help/en/tablestore/developer-reference/configure-atomic-counter-by-using-nodejs-sdk).
 * Tablestore applies increments to a row one at a time, so every answer names a range no other answer names:
 * `[issued − size, issued)`.
 *
 * A lost answer (a timeout, a socket cut after the request was sent) leaves a gap, never a duplicate: the
 * increment may have been applied, but no one learns the range it reserved, so no one hands it out. The client
 * never re-sends an INCREMENT whose outcome is unknown (store/requests.ts `isIdempotentWrite`); the caller's next
 * reservation is a new increment, past the lost range.
 */

export interface WaybillBlockRequest {
  /** The counter shard, 0 to 9. */
  shard: number;
  /** How many numbers to reserve. */
  size: number;
  /** Absolute time (ms since the epoch) by which the reservation must be over. */
  deadline: number;
}

/** The row of a counter shard. */
export function waybillCounterKeyOf(shard: number) {
  return { counter: `waybill-${shard}` };
}

/**
 * Reserves `size` numbers of a counter shard and returns the counter's value after the increment: the block is
 * `[value − size, value)`. A counter row that does not exist yet starts at 0 (Tablestore counts a missing
 * INTEGER column as 0), so no setup is needed.
 *
 * @example
 * ```ts
 * const end = await reserveWaybillBlock(store, { shard: 3, size: 1000, deadline });
 * // this caller alone owns shard 3's numbers end − 1000 … end − 1
 * ```
 */
export async function reserveWaybillBlock(client: TablestoreClient, request: WaybillBlockRequest): Promise<number> {
  const primaryKey = waybillCounterKeyOf(request.shard);
  const { row } = await client.updateRow({
    table: waybillBlocksTable.name,
    primaryKey,
    increment: { issued: request.size },
    returnColumns: ['issued'],
    deadline: request.deadline,
  });
  const issued = row?.attributes.issued;
  if (typeof issued !== 'number') {
    throw new TypeError(`${waybillBlocksTable.name}/${primaryKey.counter}: the increment returned no integer "issued" (${String(issued)})`);
  }
  return issued;
}
