import { parsePartnerRegistry, type PartnerRegistry } from '../../layers/core/src/domain/index.ts';
import { handleOrderWebhook } from '../../layers/core/src/http/order-webhook.ts';
import { WaybillAllocator } from '../../layers/core/src/ingest/waybill-allocator.ts';
import { withHttpObservability } from '../../layers/core/src/observability/instrument.ts';
import { createLogger } from '../../layers/core/src/observability/logger.ts';
import { deadlineOf, tablestoreClientFor } from '../../layers/core/src/runtime/clients.ts';
import { readRuntimeConfig, type RuntimeConfig } from '../../layers/core/src/runtime/config.ts';

/**
 * FC entry of POST /v1/orders: the layer's use case, with the request's trace and logger around it. The waybill
 * allocator lives here, in module scope: the block of numbers it holds belongs to this instance.
 */

const logger = createLogger({ level: process.env.LOG_LEVEL });
let instance: { config: RuntimeConfig; partners: PartnerRegistry; waybills: WaybillAllocator } | undefined;

function startInstance(): NonNullable<typeof instance> {
  const config = readRuntimeConfig(process.env);
  return {
    config,
    partners: parsePartnerRegistry(process.env.PARTNERS),
    waybills: new WaybillAllocator({ blockSize: config.WAYBILL_BLOCK_SIZE, shards: config.WAYBILL_COUNTER_SHARDS, random: Math.random }),
  };
}

export const handler = withHttpObservability(async (request, { context, startedAtMs, trace, log, metrics }) => {
  // The orders line is begun before the instance, so an invocation that fails on its configuration counts as failed.
  metrics.order();
  instance ??= startInstance();
  return handleOrderWebhook(request, {
    tablestore: tablestoreClientFor(context, instance.config),
    partners: instance.partners,
    waybills: instance.waybills,
    nowMs: startedAtMs,
    deadline: deadlineOf(context, startedAtMs),
    traceId: trace.traceId,
    log,
    metrics,
  });
}, { logger });
