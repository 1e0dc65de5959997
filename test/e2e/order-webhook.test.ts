import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../infra/local/stack.ts';
import { isValidWaybillNo } from '../../layers/core/src/domain/index.ts';
import { orderInput } from '../support/orders.ts';
import { ordersUrl, signedPost } from '../support/signed-post.ts';

/** `npm start`'s whole stack on ephemeral ports, and a partner creating an order through its gateway. */

describe('orders end to end through the local stack', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startLocalStack({
      yamlPath: path.resolve(import.meta.dirname, '../../s.yaml'),
      gatewayPort: 0,
      tablestorePort: 0,
      mnsPort: 0,
      log: () => {},
    });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('answers a signed POST /v1/orders with 201 and a valid waybill number, and a resend with 200 and the same', async () => {
    const order = orderInput({ partnerOrderId: 'e2e-1' });

    const created = await signedPost(ordersUrl(stack.gatewayUrl), order);
    const resent = await signedPost(ordersUrl(stack.gatewayUrl), order);

    expect(created.status).toBe(201);
    const { waybillNo } = created.json as { waybillNo: string };
    expect(waybillNo).toMatch(/^\d{15}$/);
    expect(isValidWaybillNo(waybillNo)).toBe(true);
    expect(resent.status).toBe(200);
    expect(resent.json).toEqual(created.json);
  });
});
