import { withQueueObservability } from '../../layers/core/src/observability/instrument.ts';
import { createLogger } from '../../layers/core/src/observability/logger.ts';
import { consumeScanMessages } from '../../layers/core/src/queue/scan-consumer.ts';
import { deadlineOf, tablestoreClientFor } from '../../layers/core/src/runtime/clients.ts';
import { readRuntimeConfig, type RuntimeConfig } from '../../layers/core/src/runtime/config.ts';
import { queueClientFor } from '../../layers/core/src/runtime/queue-clients.ts';

/** FC entry of the scan-events MNS queue trigger: the CloudEvents batch to the layer, with its trace, logger and metrics. */

const logger = createLogger({ level: process.env.LOG_LEVEL });
let config: RuntimeConfig | undefined;

export const handler = withQueueObservability(
  async (event, { context, startedAtMs, trace, log, metrics }) => {
    config ??= readRuntimeConfig(process.env);
    return consumeScanMessages(event, {
      tablestore: tablestoreClientFor(context, config),
      deadLetters: queueClientFor(context, config),
      deadLetterQueue: config.SCAN_DEAD_LETTER_QUEUE,
      nowMs: startedAtMs,
      deadline: deadlineOf(context, startedAtMs),
      traceId: trace.traceId,
      log,
      metrics,
    });
  },
  { logger, summarise: (summary) => ({ ...summary }) },
);
