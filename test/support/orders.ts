import type { OrderInput } from '../../layers/core/src/domain/index.ts';

/** A valid order as a partner writes it, with the fields a test cares about overridden. */
export function orderInput(overrides: Partial<OrderInput> = {}): OrderInput {
  return {
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
    ...overrides,
  };
}
