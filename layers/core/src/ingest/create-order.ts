import { orderFingerprint, parcelOrderSummary, type Order, type WaybillNo } from '../domain/index.ts';
import { ParcelscanError } from '../errors.ts';
import { listenToRetries } from '../observability/listen-to-retries.ts';
import type { OrderCounts } from '../observability/order-tally.ts';
import { insertOrder, readOrder, type OrderRecord } from '../store/orders-table.ts';
import { writeParcelOrderSummary } from '../store/parcel-order-summary.ts';
import type { TablestoreClient } from '../store/tablestore-client.ts';
import { reserveWaybillBlock } from '../store/waybill-blocks-table.ts';
import type { ReserveWaybillBlock, WaybillAllocator } from './waybill-allocator.ts';

/**
 * createOrder: a partner's order gets a waybill number, once. The order row is inserted with EXPECT_NOT_EXIST,
 * so the conditional write decides, not a read: the first insert of (partner, partnerOrderId) wins, and every
 * retry, concurrent or later, fails the condition, reads the winner's row and answers its waybill number (the
 * number the retry took is left unused, a gap). Then the masked order summary goes onto the parcel row, for
 * tracking; retries write it too, so one that follows a failed summary write repairs it.
 */

/**
 * Told what storage work a placed order cost as it is done, so a call that fails in the end is counted too: each
 * waybill block reserved, each row written, each OTS retry (the `orders` metric set, observability/order-tally.ts).
 */
export type OrderCounter = (counts: Partial<OrderCounts>) => void;

export interface OrderSubmission {
  partnerId: string;
  order: Order;
  receivedAtMs: number;
  traceId?: string;
}

export interface PlacedOrder {
  waybillNo: WaybillNo;
  createdAtMs: number;
  /** Whether this call created the order (201) rather than finding it already there (200). */
  created: boolean;
}

/**
 * Places the order, or finds it placed.
 *
 * @throws ParcelscanError `ORDER_CONFLICT` when the partner already used this `partnerOrderId` for a different
 * order; a `TablestoreError` when storage fails past `deadline`.
 * @example
 * ```ts
 * const placed = await createOrder(store, waybills, { partnerId: 'demo', order, receivedAtMs: Date.now() }, deadline, (counts) => tally.count(counts));
 * placed.created ? 201 : 200;
 * ```
 */
export async function createOrder(
  client: TablestoreClient,
  waybills: WaybillAllocator,
  submission: OrderSubmission,
  deadline: number,
  count: OrderCounter = () => undefined,
): Promise<PlacedOrder> {
  const { partnerId, order } = submission;
  const store = listenToRetries(client, () => count({ otsRetries: 1 }));
  const placed = await placeOrder(store, waybills, submission, deadline, count);
  // Our insert wrote the order row, even when its answer was lost and a resend found it (see placeOrder).
  if (placed.created) count({ rowsWritten: 1 });
  await writeParcelOrderSummary(
    store,
    placed.waybillNo,
    parcelOrderSummary(order, { partnerId, createdAtMs: placed.createdAtMs }),
    deadline,
  );
  count({ rowsWritten: 1 });
  return placed;
}

async function placeOrder(
  client: TablestoreClient,
  waybills: WaybillAllocator,
  submission: OrderSubmission,
  deadline: number,
  count: OrderCounter,
): Promise<PlacedOrder> {
  const { partnerId, order } = submission;
  // Only the call that reserves a block counts it: callers waiting on that reservation share it (waybill-allocator.ts).
  const reserveBlock: ReserveWaybillBlock = async (request) => {
    const end = await reserveWaybillBlock(client, request);
    count({ waybillBlocksReserved: 1, rowsWritten: 1 });
    return end;
  };
  const record: OrderRecord = {
    partnerId,
    order,
    waybillNo: await waybills.next(reserveBlock, deadline),
    createdAtMs: submission.receivedAtMs,
    fingerprint: orderFingerprint(order),
    ...(submission.traceId === undefined ? {} : { traceId: submission.traceId }),
  };
  if (await insertOrder(client, record, deadline)) {
    return { waybillNo: record.waybillNo, createdAtMs: record.createdAtMs, created: true };
  }
  const winner = await readOrder(client, partnerId, order.partnerOrderId, deadline);
  if (winner === undefined) {
    // Only if the row expired or was deleted between the failed condition and the read: the partner's retry
    // inserts the order afresh.
    throw new Error(`order ${partnerId}/${order.partnerOrderId} existed at insert but not at read`);
  }
  if (winner.fingerprint !== record.fingerprint) throw new ParcelscanError('ORDER_CONFLICT');
  // Our own waybill number in the row means our insert landed and only its answer was lost (the client re-sent
  // it and the resend found the row): this call created the order.
  return { waybillNo: winner.waybillNo, createdAtMs: winner.createdAtMs, created: winner.waybillNo === record.waybillNo };
}
