import { maskPersonName, maskPhone } from './masking.ts';
import type { Order } from './order.ts';

/**
 * What tracking may know of an order: kept on the parcel row (column `order`, JSON) so a tracking answer needs no
 * second read, in the shape `storedOrderSummarySchema` (tracking.ts) reads. It is masked when written, so no
 * reader of the parcel row can leak what the row never holds: names and the receiver's phone are masked (張* /
 * 138****5678), and there is no street address and no sender phone. The full order stays in the orders table.
 */
export interface ParcelOrderSummary {
  partnerId: string;
  partnerOrderId: string;
  /** When the order was created: ISO-8601 in UTC. */
  createdAt: string;
  weightGrams?: number;
  /** Pieces in the parcel: the sum of the item quantities, when the order lists items. */
  itemCount?: number;
  sender: {
    /** Masked by `maskPersonName`. */
    name: string;
    address: { province: string; city: string };
  };
  receiver: {
    /** Masked by `maskPersonName`. */
    name: string;
    /** Masked by `maskPhone`. */
    phone: string;
    /** To the district at most: never the street address. */
    address: { province: string; city: string; district: string };
  };
}

/**
 * The summary of `order` kept on its parcel's row (see {@link ParcelOrderSummary}).
 *
 * @example
 * ```ts
 * const summary = parcelOrderSummary(order, { partnerId: 'demo', createdAtMs: Date.parse('2026-11-25T08:00:00Z') });
 * summary.receiver; // { name: '張*', phone: '138****5678', address: { province: '浙江省', city: '杭州市', district: '西湖区' } }
 * ```
 */
export function parcelOrderSummary(order: Order, placed: { partnerId: string; createdAtMs: number }): ParcelOrderSummary {
  const { sender, receiver } = order;
  const summary: ParcelOrderSummary = {
    partnerId: placed.partnerId,
    partnerOrderId: order.partnerOrderId,
    createdAt: new Date(placed.createdAtMs).toISOString(),
    sender: {
      name: maskPersonName(sender.name),
      address: { province: sender.address.province, city: sender.address.city },
    },
    receiver: {
      name: maskPersonName(receiver.name),
      phone: maskPhone(receiver.phone),
      address: { province: receiver.address.province, city: receiver.address.city, district: receiver.address.district },
    },
  };
  if (order.weightGrams !== undefined) summary.weightGrams = order.weightGrams;
  if (order.items !== undefined) summary.itemCount = order.items.reduce((pieces, item) => pieces + item.quantity, 0);
  return summary;
}
