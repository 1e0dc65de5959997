import type { FcContext } from '../../layers/core/src/http/fc-context.ts';
import { consumeScanMessages, type ScanConsumerSummary } from '../../layers/core/src/queue/scan-consumer.ts';
import { deadlineOf, tablestoreClientFor } from '../../layers/core/src/runtime/clients.ts';
import { queueClientFor } from '../../layers/core/src/runtime/queue-clients.ts';
import { readRuntimeConfig, type RuntimeConfig } from '../../layers/core/src/runtime/config.ts';

/** FC entry of the scan-events MNS queue trigger: hand the CloudEvents batch to the layer. */

let config: RuntimeConfig | undefined;

export async function handler(event: Buffer, context: FcContext): Promise<ScanConsumerSummary> {
  const startedAtMs = Date.now();
  config ??= readRuntimeConfig(process.env);
  return consumeScanMessages(event, {
    tablestore: tablestoreClientFor(context, config),
    deadLetters: queueClientFor(context, config),
    deadLetterQueue: config.SCAN_DEAD_LETTER_QUEUE,
    nowMs: startedAtMs,
    deadline: deadlineOf(context, startedAtMs),
    traceId: context.requestId,
  });
}
