import { parsePartnerRegistry, type PartnerRegistry } from '../../layers/core/src/domain/index.ts';
import type { FcContext } from '../../layers/core/src/http/fc-context.ts';
import { parseHttpTriggerEvent, type HttpResponse } from '../../layers/core/src/http/http-event.ts';
import { handleScanWebhook } from '../../layers/core/src/http/scan-webhook.ts';
import { deadlineOf, tablestoreClientFor } from '../../layers/core/src/runtime/clients.ts';
import { readRuntimeConfig, type RuntimeConfig } from '../../layers/core/src/runtime/config.ts';

/** FC entry of POST /v1/scans: decode the HTTP trigger event, hand it to the layer, return its answer. */

let instance: { config: RuntimeConfig; partners: PartnerRegistry } | undefined;

export async function handler(event: Buffer, context: FcContext): Promise<HttpResponse> {
  const startedAtMs = Date.now();
  instance ??= { config: readRuntimeConfig(process.env), partners: parsePartnerRegistry(process.env.PARTNERS) };
  return handleScanWebhook(parseHttpTriggerEvent(event), {
    tablestore: tablestoreClientFor(context, instance.config),
    partners: instance.partners,
    nowMs: startedAtMs,
    deadline: deadlineOf(context, startedAtMs),
    traceId: context.requestId,
    log: (level, message, fields) => context.logger[level](JSON.stringify({ message, ...fields })),
  });
}
