import { signPartnerRequest, type OrderInput } from '../../layers/core/src/domain/index.ts';

/**
 * A partner's POST /v1/orders over real HTTP, signed as every partner webhook is (X-Partner-Id, X-Timestamp,
 * X-Signature), with the local demo partner by default; and a valid order to send.
 */

export interface OrderPostOptions {
  partnerId?: string;
  secret?: string;
  contentType?: string;
  /** Headers set after signing, over the signed ones (to break the signature, say). */
  headers?: Readonly<Record<string, string>>;
}

export interface OrderPostAnswer {
  status: number;
  headers: Headers;
  /** The body parsed as JSON. */
  json: unknown;
}

/** The endpoint on a gateway. */
export function ordersUrl(gatewayUrl: string): string {
  return `${gatewayUrl}/v1/orders`;
}

/** Signs and POSTs a body: an object as its JSON, a string as it is. */
export async function signedOrderPost(url: string, body: string | object, options: OrderPostOptions = {}): Promise<OrderPostAnswer> {
  const rawBody = typeof body === 'string' ? body : JSON.stringify(body);
  const headers = {
    ...signPartnerRequest(options.partnerId ?? 'demo', options.secret ?? 'demo-secret', rawBody, Date.now()),
    'Content-Type': options.contentType ?? 'application/json',
    ...options.headers,
  };
  const response = await fetch(url, { method: 'POST', headers, body: rawBody });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

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
