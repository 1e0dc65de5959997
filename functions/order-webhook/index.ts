import { parsePartnerRegistry, type PartnerRegistry } from '../../layers/core/src/domain/index.ts';
import type { FcContext } from '../../layers/core/src/http/fc-context.ts';
import { parseHttpTriggerEvent, type HttpResponse } from '../../layers/core/src/http/http-event.ts';
import { handleOrderWebhook } from '../../layers/core/src/http/order-webhook.ts';
import { WaybillAllocator } from '../../layers/core/src/ingest/waybill-allocator.ts';
import { deadlineOf, tablestoreClientFor } from '../../layers/core/src/runtime/clients.ts';
import { readRuntimeConfig, type RuntimeConfig } from '../../layers/core/src/runtime/config.ts';

/**
 * FC entry of POST /v1/orders: decode the HTTP trigger event, hand it to the layer, return its answer. The
 * waybill allocator lives here, in module scope: the block of numbers it holds belongs to this instance.
 */

let instance: { config: RuntimeConfig; partners: PartnerRegistry; waybills: WaybillAllocator } | undefined;

function startInstance(): NonNullable<typeof instance> {
  const config = readRuntimeConfig(process.env);
  return {
    config,
    partners: parsePartnerRegistry(process.env.PARTNERS),
    waybills: new WaybillAllocator({ blockSize: config.WAYBILL_BLOCK_SIZE, shards: config.WAYBILL_COUNTER_SHARDS, random: Math.random }),
  };
}

export async function handler(event: Buffer, context: FcContext): Promise<HttpResponse> {
  const startedAtMs = Date.now();
  instance ??= startInstance();
  return handleOrderWebhook(parseHttpTriggerEvent(event), {
    tablestore: tablestoreClientFor(context, instance.config),
    partners: instance.partners,
    waybills: instance.waybills,
    nowMs: startedAtMs,
    deadline: deadlineOf(context, startedAtMs),
    traceId: context.requestId,
    log: (level, message, fields) => context.logger[level](JSON.stringify({ message, ...fields })),
  });
}
