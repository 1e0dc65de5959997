import { describe, expect, it } from 'vitest';
import { parcelOrderSummary, parseOrder, parseStoredOrderSummary, type Order } from '../../../layers/core/src/domain/index.ts';

const order: Order = {
  partnerOrderId: 'SO-1',
  sender: {
    name: '李小四',
    phone: '0571-87654321',
    address: { province: '浙江省', city: '杭州市', district: '余杭区', detail: '文一西路 969 号' },
  },
  receiver: {
    name: '張三',
    phone: '13812345678',
    address: { province: '上海市', city: '上海市', district: '浦东新区', detail: '世纪大道 100 号 8 楼' },
  },
  weightGrams: 1250,
  items: [
    { name: '茶叶', quantity: 2 },
    { name: '茶杯', quantity: 3 },
  ],
};

const createdAtMs = Date.parse('2026-11-25T08:00:00.000Z');

describe('the order summary on a parcel row', () => {
  it('masks names and the receiver phone, and keeps places to the district', () => {
    expect(parcelOrderSummary(order, { partnerId: 'demo', createdAtMs })).toEqual({
      partnerId: 'demo',
      partnerOrderId: 'SO-1',
      createdAt: '2026-11-25T08:00:00.000Z',
      weightGrams: 1250,
      itemCount: 5,
      sender: { name: '李**', address: { province: '浙江省', city: '杭州市' } },
      receiver: { name: '張*', phone: '138****5678', address: { province: '上海市', city: '上海市', district: '浦东新区' } },
    });
  });

  it('never holds a street address or the sender phone', () => {
    const json = JSON.stringify(parcelOrderSummary(order, { partnerId: 'demo', createdAtMs }));
    for (const secret of ['文一西路', '世纪大道', '87654321', '13812345678', '張三', '李小四']) expect(json).not.toContain(secret);
  });

  it('leaves out the weight and the piece count when the order has none', () => {
    const { weightGrams: _weight, items: _items, ...bare } = order;
    const summary = parcelOrderSummary(bare, { partnerId: 'demo', createdAtMs });
    expect(summary).not.toHaveProperty('weightGrams');
    expect(summary).not.toHaveProperty('itemCount');
  });

  it('masks a landline receiver to its area code and last four digits', () => {
    const parsed = parseOrder({ ...order, receiver: { ...order.receiver, phone: '021-12345678' } });
    if (!parsed.ok) throw parsed.error;
    expect(parcelOrderSummary(parsed.order, { partnerId: 'demo', createdAtMs }).receiver.phone).toBe('021-****5678');
  });

  it('is read back by the tracking reader of the parcel row, every public field as written', () => {
    const written = parcelOrderSummary(order, { partnerId: 'demo', createdAtMs });
    const read = parseStoredOrderSummary(JSON.parse(JSON.stringify(written)));
    expect(read).toMatchObject({
      createdAt: written.createdAt,
      weightGrams: written.weightGrams,
      sender: written.sender,
      receiver: written.receiver,
    });
    expect(written).toMatchObject(read ?? {});
  });
});
