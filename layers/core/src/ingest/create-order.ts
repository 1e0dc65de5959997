import { orderFingerprint, parcelOrderSummary, type Order, type WaybillNo } from '../domain/index.ts';
import { ParcelscanError } from '../errors.ts';
import { insertOrder, readOrder, type OrderRecord } from '../store/orders-table.ts';
import { writeParcelOrderSummary } from '../store/parcel-order-summary.ts';
import type { TablestoreClient } from '../store/tablestore-client.ts';
import { reserveWaybillBlock } from '../store/waybill-blocks-table.ts';
import type { WaybillAllocator } from './waybill-allocator.ts';

/**
 * createOrder: a partner's order gets a waybill number, once. The order row is inserted with EXPECT_NOT_EXIST,
 * so the conditional write decides, not a read: the first insert of (partner, partnerOrderId) wins, and every
 * retry, concurrent or later, fails the condition, reads the winner's row and answers its waybill number (the
 * number the retry took is left unused, a gap). Then the masked order summary goes onto the parcel row, for
 * tracking; retries write it too, so one that follows a failed summary write repairs it.
 */

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
 * const placed = await createOrder(store, waybills, { partnerId: 'demo', order, receivedAtMs: Date.now() }, deadline);
 * placed.created ? 201 : 200;
 * ```
 */
export async function createOrder(
  client: TablestoreClient,
  waybills: WaybillAllocator,
  submission: OrderSubmission,
  deadline: number,
): Promise<PlacedOrder> {
  const { partnerId, order } = submission;
  const placed = await placeOrder(client, waybills, submission, deadline);
  await writeParcelOrderSummary(
    client,
    placed.waybillNo,
    parcelOrderSummary(order, { partnerId, createdAtMs: placed.createdAtMs }),
    deadline,
  );
  return placed;
}

async function placeOrder(
  client: TablestoreClient,
  waybills: WaybillAllocator,
  submission: OrderSubmission,
  deadline: number,
): Promise<PlacedOrder> {
  const { partnerId, order } = submission;
  const record: OrderRecord = {
    partnerId,
    order,
    waybillNo: await waybills.next((request) => reserveWaybillBlock(client, request), deadline),
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
