import type { FcContext } from '../../layers/core/src/http/fc-context.ts';
import { parseHttpTriggerEvent, type HttpResponse } from '../../layers/core/src/http/http-event.ts';
import { handleTrackingPage } from '../../layers/core/src/http/tracking-page.ts';
import { deadlineOf, tablestoreClientFor } from '../../layers/core/src/runtime/clients.ts';
import { readRuntimeConfig, type RuntimeConfig } from '../../layers/core/src/runtime/config.ts';

/** FC entry of the tracking page, GET /track and /track/{waybillNo}: decode the event, hand it to the layer. */

let config: RuntimeConfig | undefined;

export async function handler(event: Buffer, context: FcContext): Promise<HttpResponse> {
  const startedAtMs = Date.now();
  config ??= readRuntimeConfig(process.env);
  return handleTrackingPage(parseHttpTriggerEvent(event), {
    tablestore: tablestoreClientFor(context, config),
    deadline: deadlineOf(context, startedAtMs),
    log: (level, message, fields) => context.logger[level](JSON.stringify({ message, ...fields })),
  });
}
