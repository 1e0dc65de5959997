import { parsePartnerRegistry, type PartnerRegistry } from '../../layers/core/src/domain/index.ts';
import { handleScanWebhook } from '../../layers/core/src/http/scan-webhook.ts';
import { withHttpObservability } from '../../layers/core/src/observability/instrument.ts';
import { createLogger } from '../../layers/core/src/observability/logger.ts';
import { deadlineOf, tablestoreClientFor } from '../../layers/core/src/runtime/clients.ts';
import { readRuntimeConfig, type RuntimeConfig } from '../../layers/core/src/runtime/config.ts';

/** FC entry of POST /v1/scans: the layer's use case, with the request's trace, logger and metrics around it. */

const logger = createLogger({ level: process.env.LOG_LEVEL });
let instance: { config: RuntimeConfig; partners: PartnerRegistry } | undefined;

export const handler = withHttpObservability(async (request, { context, startedAtMs, trace, log, metrics }) => {
  instance ??= { config: readRuntimeConfig(process.env), partners: parsePartnerRegistry(process.env.PARTNERS) };
  return handleScanWebhook(request, {
    tablestore: tablestoreClientFor(context, instance.config),
    partners: instance.partners,
    nowMs: startedAtMs,
    deadline: deadlineOf(context, startedAtMs),
    traceId: trace.traceId,
    log,
    metrics,
  });
}, { logger });
