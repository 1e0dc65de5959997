import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ParcelscanError } from '../errors.ts';
import { describeFieldError, fieldErrors } from './field-errors.ts';

/**
 * A partner's shipping order, as POST /v1/orders receives it: who sends, who receives, and optionally the weight
 * and the contents. Parsed at the edge into an {@link Order}; every error names the field path and the rule.
 */

/** A postal address in mainland China: province, city, district, then the street address. */
export interface OrderAddress {
  province: string;
  city: string;
  /** District or county; for the cities without districts (东莞市, 中山市 …) the town. */
  district: string;
  /** Street, building and room: never shown outside the carrier (the parcel row carries no address detail). */
  detail: string;
}

/** The sender or the receiver of an order. */
export interface OrderParty {
  name: string;
  /** A mainland mobile number (`13812345678`) or a landline with its area code (`021-12345678`). */
  phone: string;
  address: OrderAddress;
}

export interface OrderItem {
  name: string;
  quantity: number;
}

/** An order as the domain uses it. Text is trimmed; optional fields are absent rather than `null`. */
export interface Order {
  /** The partner's own id of the order: the same id from the same partner is the same order. */
  partnerOrderId: string;
  sender: OrderParty;
  receiver: OrderParty;
  weightGrams?: number;
  items?: OrderItem[];
}

/** Mainland mobile numbers: 11 digits, `1` then `3`–`9` (the 13x–19x number ranges). */
export const mobilePhonePattern = /^1[3-9]\d{9}$/;

/**
 * Mainland landlines: the area code with its leading `0` (3 or 4 digits: `010`, `021`, `0571`), an optional `-`,
 * then the 7- or 8-digit subscriber number. No country code, spaces or extension: a courier dials it as written.
 */
export const landlinePhonePattern = /^0\d{2,3}-?\d{7,8}$/;

/** The heaviest parcel an order may declare: 100 kg; above that a shipment is freight, not express. */
export const maxOrderWeightGrams = 100_000;

/** The most lines `items` may hold. */
export const maxOrderItems = 100;

/** The largest `quantity` of one item line. */
export const maxItemQuantity = 9999;

const phoneRule = 'must be a mainland mobile number (11 digits, e.g. 13812345678) or a landline with its area code (e.g. 021-12345678)';
const weightRule = `must be a whole number of grams from 1 to ${maxOrderWeightGrams}`;
const quantityRule = `must be a whole number from 1 to ${maxItemQuantity}`;
const itemsRule = `must be an array of at most ${maxOrderItems} items {name, quantity}`;

/** "is required" when the field is missing, else the rule it breaks. */
function requiredOr(rule: string) {
  return (issue: { input?: unknown }): string => (issue.input === undefined ? 'is required' : rule);
}

/** Required text, trimmed first, so `"  "` is as missing as `""` and a resend that differs in spacing is the same order. */
function requiredText(max: number) {
  const rule = `must be a string of 1 to ${max} characters`;
  return z.string({ error: requiredOr(rule) }).trim().min(1, rule).max(max, rule);
}

const addressSchema = z.object(
  {
    province: requiredText(32),
    city: requiredText(32),
    district: requiredText(32),
    detail: requiredText(256),
  },
  { error: requiredOr('must be an address object {province, city, district, detail}') },
);

const partySchema = z.object(
  {
    name: requiredText(64),
    phone: z
      .string({ error: requiredOr(phoneRule) })
      .trim()
      .refine((phone) => mobilePhonePattern.test(phone) || landlinePhonePattern.test(phone), phoneRule),
    address: addressSchema,
  },
  { error: requiredOr('must be an object {name, phone, address}') },
);

const itemSchema = z.object(
  {
    name: requiredText(64),
    quantity: z.int({ error: requiredOr(quantityRule) }).min(1, quantityRule).max(maxItemQuantity, quantityRule),
  },
  { error: 'must be an item object {name, quantity}' },
);

// Unknown fields are dropped, not rejected, as on scan events: a partner adding a field of its own must not have
// its orders refused. `null` means absent for the optional fields, as partners' serializers commonly write it.
const orderWireSchema = z.object(
  {
    // Not trimmed: it is the order's identity, compared exactly.
    partnerOrderId: z
      .string({ error: requiredOr('must be a string of 1 to 64 characters') })
      .min(1, 'must be a string of 1 to 64 characters')
      .max(64, 'must be a string of 1 to 64 characters'),
    sender: partySchema,
    receiver: partySchema,
    weightGrams: z.int({ error: weightRule }).min(1, weightRule).max(maxOrderWeightGrams, weightRule).nullish(),
    items: z.array(itemSchema, { error: itemsRule }).max(maxOrderItems, itemsRule).nullish(),
  },
  { error: 'must be a JSON object {partnerOrderId, sender, receiver, weightGrams?, items?}' },
);

/** An order as partners send it (the JSON wire shape); tests and tools build these. */
export type OrderInput = z.input<typeof orderWireSchema>;

type OrderWire = z.output<typeof orderWireSchema>;

/** Builds the order field by field, so equal orders serialize equally (see {@link orderFingerprint}). */
function toOrder(wire: OrderWire): Order {
  const party = ({ name, phone, address }: OrderWire['sender']): OrderParty => ({
    name,
    phone,
    address: { province: address.province, city: address.city, district: address.district, detail: address.detail },
  });
  const order: Order = { partnerOrderId: wire.partnerOrderId, sender: party(wire.sender), receiver: party(wire.receiver) };
  if (wire.weightGrams !== undefined && wire.weightGrams !== null) order.weightGrams = wire.weightGrams;
  if (wire.items !== undefined && wire.items !== null) order.items = wire.items.map(({ name, quantity }) => ({ name, quantity }));
  return order;
}

/**
 * Parses an order from partner JSON into an {@link Order}. Each issue's path names the field
 * (`receiver.address.city`, `items[2].quantity`) and its message the rule.
 *
 * @example
 * ```ts
 * const parsed = orderSchema.safeParse(JSON.parse(rawBody));
 * if (!parsed.success) fieldErrors(parsed.error, ''); // [{ path: 'receiver.phone', message: 'must be a mainland …' }]
 * ```
 */
export const orderSchema: z.ZodType<Order, OrderInput> = orderWireSchema.transform(toOrder);

export type OrderParse = { ok: true; order: Order } | { ok: false; error: ParcelscanError };

/**
 * Parses a POST /v1/orders body (already `JSON.parse`d). An invalid order is an `INVALID_REQUEST` error whose
 * details list every field to fix and whose message names the first.
 *
 * @example
 * ```ts
 * const parsed = parseOrder(JSON.parse(rawBody));
 * if (!parsed.ok) return errorResponse(parsed.error);
 * // 400 {"error": {"code": "INVALID_REQUEST", "message": "receiver.phone must be …", "details": [...]}}
 * ```
 */
export function parseOrder(json: unknown): OrderParse {
  const parsed = orderSchema.safeParse(json);
  if (parsed.success) return { ok: true, order: parsed.data };
  const details = fieldErrors(parsed.error, '');
  const [first] = details;
  const more = details.length > 1 ? ` (and ${details.length - 1} more; see details)` : '';
  return {
    ok: false,
    error: new ParcelscanError('INVALID_REQUEST', {
      ...(first === undefined ? {} : { message: `${describeFieldError(first)}${more}` }),
      details,
    }),
  };
}

/**
 * A digest of everything an order says: a resend of the same order has the same one, a different order sent under a
 * `partnerOrderId` already used has another, which is how the two are told apart without comparing every field.
 *
 * @example
 * ```ts
 * orderFingerprint(order); // 'f3b1…' (64 hex characters, SHA-256)
 * ```
 */
export function orderFingerprint(order: Order): string {
  return createHash('sha256').update(JSON.stringify(order)).digest('hex');
}
