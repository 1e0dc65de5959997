import { describe, expect, it } from 'vitest';
import {
  maxItemQuantity,
  maxOrderItems,
  maxOrderWeightGrams,
  orderFingerprint,
  parseOrder,
  type Order,
} from '../../../layers/core/src/domain/index.ts';
import { orderInput } from '../../support/orders.ts';

function parsed(json: unknown): Order {
  const result = parseOrder(json);
  if (!result.ok) throw new Error(`expected a valid order: ${JSON.stringify(result.error.toBody())}`);
  return result.order;
}

function errorsOf(json: unknown) {
  const result = parseOrder(json);
  if (result.ok) throw new Error('expected an invalid order');
  return result.error;
}

describe('an order', () => {
  it('parses with every field', () => {
    expect(parsed(orderInput())).toEqual({
      partnerOrderId: 'SO-1',
      sender: {
        name: '李四',
        phone: '0571-87654321',
        address: { province: '浙江省', city: '杭州市', district: '余杭区', detail: '文一西路 969 号' },
      },
      receiver: {
        name: '張三',
        phone: '13812345678',
        address: { province: '上海市', city: '上海市', district: '浦东新区', detail: '世纪大道 100 号 8 楼' },
      },
      weightGrams: 1250,
      items: [{ name: '茶叶', quantity: 2 }],
    });
  });

  it('parses without the optional fields, and takes null for absent', () => {
    const { weightGrams: _weight, items: _items, ...required } = orderInput();
    expect(parsed(required)).not.toHaveProperty('weightGrams');
    const withNulls = parsed({ ...required, weightGrams: null, items: null });
    expect(withNulls).not.toHaveProperty('weightGrams');
    expect(withNulls).not.toHaveProperty('items');
  });

  it('trims text but keeps partnerOrderId exactly as sent, and drops fields it does not know', () => {
    const order = parsed({
      ...orderInput({ partnerOrderId: ' A-1 ' }),
      receiver: { ...orderInput().receiver, name: '  張三 ', phone: ' 13812345678 ' },
      giftWrap: true,
    });
    expect(order.partnerOrderId).toBe(' A-1 ');
    expect(order.receiver.name).toBe('張三');
    expect(order.receiver.phone).toBe('13812345678');
    expect(order).not.toHaveProperty('giftWrap');
  });

  it.each(['13812345678', '19912345678', '010-12345678', '02112345678', '0571-8765432', '057187654321'])(
    'accepts the phone %s',
    (phone) => {
      expect(parsed(orderInput({ receiver: { ...orderInput().receiver, phone } })).receiver.phone).toBe(phone);
    },
  );

  it.each(['12812345678', '1381234567', '138123456789', '+8613812345678', '138 1234 5678', '21-12345678', '0571-123456', ''])(
    'refuses the phone %j, naming the field and the rule',
    (phone) => {
      expect(errorsOf(orderInput({ receiver: { ...orderInput().receiver, phone } })).details).toEqual([
        {
          path: 'receiver.phone',
          message: 'must be a mainland mobile number (11 digits, e.g. 13812345678) or a landline with its area code (e.g. 021-12345678)',
        },
      ]);
    },
  );

  it('names the path of every field to fix, and the first in the message', () => {
    const error = errorsOf({
      partnerOrderId: 'x'.repeat(65),
      sender: { name: '', phone: '13812345678', address: { province: '浙江省', city: '杭州市', district: '余杭区' } },
      receiver: orderInput().receiver,
      weightGrams: 0,
      items: [{ name: '茶叶', quantity: 2 }, { name: '书', quantity: 1.5 }],
    });
    expect(error.status).toBe(400);
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.details).toEqual([
      { path: 'partnerOrderId', message: 'must be a string of 1 to 64 characters' },
      { path: 'sender.name', message: 'must be a string of 1 to 64 characters' },
      { path: 'sender.address.detail', message: 'is required' },
      { path: 'weightGrams', message: `must be a whole number of grams from 1 to ${maxOrderWeightGrams}` },
      { path: 'items[1].quantity', message: `must be a whole number from 1 to ${maxItemQuantity}` },
    ]);
    expect(error.message).toBe('partnerOrderId: must be a string of 1 to 64 characters (and 4 more; see details)');
  });

  it('says which party is missing, and what a body that is not an object should be', () => {
    const { receiver: _receiver, ...withoutReceiver } = orderInput();
    expect(errorsOf(withoutReceiver).details).toEqual([{ path: 'receiver', message: 'is required' }]);
    expect(errorsOf([]).details).toEqual([
      { path: '', message: 'must be a JSON object {partnerOrderId, sender, receiver, weightGrams?, items?}' },
    ]);
  });

  it('bounds the weight and the items', () => {
    expect(parsed(orderInput({ weightGrams: maxOrderWeightGrams })).weightGrams).toBe(maxOrderWeightGrams);
    expect(errorsOf(orderInput({ weightGrams: maxOrderWeightGrams + 1 })).details?.[0]?.path).toBe('weightGrams');
    const item = { name: '书', quantity: 1 };
    expect(parsed(orderInput({ items: Array.from({ length: maxOrderItems }, () => item) })).items).toHaveLength(maxOrderItems);
    expect(errorsOf(orderInput({ items: Array.from({ length: maxOrderItems + 1 }, () => item) })).details).toEqual([
      { path: 'items', message: `must be an array of at most ${maxOrderItems} items {name, quantity}` },
    ]);
    expect(errorsOf(orderInput({ items: [{ name: '书', quantity: maxItemQuantity + 1 }] })).details?.[0]?.path).toBe('items[0].quantity');
  });
});

describe('an order fingerprint', () => {
  it('is the same for a resend, whatever its spacing, field order or unknown fields', () => {
    const input = orderInput();
    const reordered = { items: input.items, weightGrams: input.weightGrams, receiver: input.receiver, sender: input.sender, partnerOrderId: input.partnerOrderId, note: 'resend' };
    const respaced = { ...input, receiver: { ...input.receiver, name: ' 張三 ' } };
    const fingerprint = orderFingerprint(parsed(input));
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(orderFingerprint(parsed(reordered))).toBe(fingerprint);
    expect(orderFingerprint(parsed(respaced))).toBe(fingerprint);
  });

  it('differs for a different order under the same partnerOrderId', () => {
    const input = orderInput();
    const other = { ...input, receiver: { ...input.receiver, address: { ...input.receiver.address, detail: '世纪大道 200 号' } } };
    expect(orderFingerprint(parsed(other))).not.toBe(orderFingerprint(parsed(input)));
  });
});
