import { handleTrackingApi, requestedWaybillNo } from '../../layers/core/src/http/tracking-api.ts';
import { withHttpObservability } from '../../layers/core/src/observability/instrument.ts';
import { createLogger } from '../../layers/core/src/observability/logger.ts';
import { deadlineOf, tablestoreClientFor } from '../../layers/core/src/runtime/clients.ts';
import { readRuntimeConfig, type RuntimeConfig } from '../../layers/core/src/runtime/config.ts';

/** FC entry of GET /v1/parcels/{waybillNo}: the layer's answer, with the request's trace and logger (bound to the waybill). */

const logger = createLogger({ level: process.env.LOG_LEVEL });
let config: RuntimeConfig | undefined;

export const handler = withHttpObservability(
  async (request, { context, startedAtMs, log }) => {
    config ??= readRuntimeConfig(process.env);
    return handleTrackingApi(request, { tablestore: tablestoreClientFor(context, config), deadline: deadlineOf(context, startedAtMs), log });
  },
  { logger, bind: (request) => ({ waybillNo: requestedWaybillNo(request) }) },
);
