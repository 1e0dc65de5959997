import { createHash } from 'node:crypto';
import { ordersTable } from '../../../../infra/tables.ts';
import type { Order, WaybillNo } from '../domain/index.ts';
import { ConditionCheckFailedError } from './errors.ts';
import type { TablestoreClient } from './tablestore-client.ts';
import type { Attributes } from './values.ts';

/**
 * The orders table (infra/tables.ts): one row per (partnerId, partnerOrderId), holding the full order and the
 * waybill number it was given. Inserted with EXPECT_NOT_EXIST, so when retries of one order race, Tablestore's
 * row condition picks exactly one winner and the others learn, by the condition failure, to read its row.
 */

/** An order as it is stored. */
export interface OrderRecord {
  partnerId: string;
  order: Order;
  waybillNo: WaybillNo;
  createdAtMs: number;
  /** `orderFingerprint(order)`: tells a resend of this order from a different order under the same id. */
  fingerprint: string;
  traceId?: string;
}

/** What a lost race reads back of the winner's row. */
export type StoredOrder = Pick<OrderRecord, 'waybillNo' | 'createdAtMs' | 'fingerprint'>;

/**
 * The key of a partner's order. `partition` hashes the partner's id and order id together (a partner id holds no
 * '/', so the text is unambiguous): partners number their orders in sequence, and bare ids would cluster.
 */
export function orderKeyOf(partnerId: string, partnerOrderId: string) {
  const partition = createHash('md5').update(`${partnerId}/${partnerOrderId}`).digest('hex').slice(0, 4);
  return { partition, partnerId, partnerOrderId };
}

function orderAttributes(record: OrderRecord): Attributes {
  const { order } = record;
  return {
    waybillNo: record.waybillNo,
    createdAt: record.createdAtMs,
    fingerprint: record.fingerprint,
    // The parties as JSON: read whole or not at all, and kept complete so masking can be redone from them.
    sender: JSON.stringify(order.sender),
    receiver: JSON.stringify(order.receiver),
    ...(order.weightGrams === undefined ? {} : { weightGrams: order.weightGrams }),
    ...(order.items === undefined ? {} : { items: JSON.stringify(order.items) }),
    ...(record.traceId === undefined ? {} : { traceId: record.traceId }),
  };
}

/**
 * Inserts the order unless the partner already has one under this id: `true` if this call's row was written,
 * `false` if a row was already there (the client re-sends a write whose outcome was unknown, so `false` can also
 * mean that an earlier attempt of this same call landed: compare the stored waybillNo to tell).
 *
 * @example
 * ```ts
 * if (!(await insertOrder(store, record, deadline))) {
 *   const winner = await readOrder(store, record.partnerId, record.order.partnerOrderId, deadline);
 * }
 * ```
 */
export async function insertOrder(client: TablestoreClient, record: OrderRecord, deadline: number): Promise<boolean> {
  try {
    await client.putRow({
      table: ordersTable.name,
      primaryKey: orderKeyOf(record.partnerId, record.order.partnerOrderId),
      attributes: orderAttributes(record),
      rowExistence: 'EXPECT_NOT_EXIST',
      deadline,
    });
    return true;
  } catch (error) {
    if (error instanceof ConditionCheckFailedError) return false;
    throw error;
  }
}

/** The stored order's waybill number, creation time and fingerprint; `undefined` when there is no such order. */
export async function readOrder(
  client: TablestoreClient,
  partnerId: string,
  partnerOrderId: string,
  deadline: number,
): Promise<StoredOrder | undefined> {
  const row = await client.getRow({
    table: ordersTable.name,
    primaryKey: orderKeyOf(partnerId, partnerOrderId),
    columns: ['waybillNo', 'createdAt', 'fingerprint'],
    deadline,
  });
  if (row === undefined) return undefined;
  const { waybillNo, createdAt, fingerprint } = row.attributes;
  if (typeof waybillNo !== 'string' || typeof createdAt !== 'number' || typeof fingerprint !== 'string') {
    throw new TypeError(`${ordersTable.name}/${partnerId}/${partnerOrderId}: the row lacks waybillNo, createdAt or fingerprint`);
  }
  // Written by insertOrder from a WaybillNo.
  return { waybillNo: waybillNo as WaybillNo, createdAtMs: createdAt, fingerprint };
}
