import { handleTrackingPage, requestedPageWaybillNo } from '../../layers/core/src/http/tracking-page.ts';
import { withHttpObservability } from '../../layers/core/src/observability/instrument.ts';
import { createLogger } from '../../layers/core/src/observability/logger.ts';
import { deadlineOf, tablestoreClientFor } from '../../layers/core/src/runtime/clients.ts';
import { readRuntimeConfig, type RuntimeConfig } from '../../layers/core/src/runtime/config.ts';

/** FC entry of the tracking page, GET /track and /track/{waybillNo}: the layer's page, with the request's trace and logger. */

const logger = createLogger({ level: process.env.LOG_LEVEL });
let config: RuntimeConfig | undefined;

export const handler = withHttpObservability(
  async (request, { context, startedAtMs, log }) => {
    config ??= readRuntimeConfig(process.env);
    return handleTrackingPage(request, { tablestore: tablestoreClientFor(context, config), deadline: deadlineOf(context, startedAtMs), log });
  },
  { logger, bind: (request) => ({ waybillNo: requestedPageWaybillNo(request) }) },
);
