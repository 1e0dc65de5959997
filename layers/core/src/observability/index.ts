/**
 * Observability for FC handlers: structured JSON logs with personal data redacted, business metrics as metric
 * lines, and one W3C trace id from a partner's request through the queue to the rows written. See README.md
 * beside this file for the line formats and the SLS queries.
 */
export {
  createLogger,
  parseLogLevel,
  stdoutSink,
  logLevels,
  type CoreLogFields,
  type LineLevel,
  type LogFields,
  type LogLevel,
  type LogSink,
  type Logger,
  type LoggerOptions,
  type MetricWriter,
} from './logger.ts';
export { isPersonalKey, maskText, redactedValue, sanitize, sanitizeFields, type JsonValue } from './redact.ts';
export {
  InvocationMetrics,
  ScanTally,
  queueBatchMetricName,
  rejectionReason,
  scanMetricName,
  type QueueBatchMetricValues,
  type ScanChannel,
  type ScanCounts,
  type ScanMetricValues,
} from './metrics.ts';
export {
  OrderTally,
  orderMetricName,
  orderOutcomeOf,
  orderOutcomes,
  orderRefusalReason,
  type OrderAnswerOutcome,
  type OrderCounts,
  type OrderMetricValues,
  type OrderOutcome,
} from './order-tally.ts';
export { answeredError, type AnsweredError } from './answered-error.ts';
export { listenToRetries } from './listen-to-retries.ts';
export {
  formatTraceparent,
  parseTraceparent,
  randomSpanId,
  traceFromMessage,
  traceFromRequest,
  traceHeaders,
  traceIdFromRequestId,
  type IncomingRequest,
  type TraceContext,
  type TraceHeaders,
  type Traceparent,
} from './trace.ts';
export {
  MetricTotals,
  emptyOrderTotals,
  parseMetricLine,
  type MetricLine,
  unauthenticatedPartner,
  type MetricTotalsSnapshot,
  type PartnerOrderTotals,
  type PartnerScanTotals,
  type QueueBatchTotals,
} from './metric-totals.ts';
export { formatLogLine, type FormatOptions } from './format-log-line.ts';
export {
  outcomeOf,
  withHttpObservability,
  withQueueObservability,
  type FcHandler,
  type HttpHandler,
  type HttpObservabilityOptions,
  type Invocation,
  type ObservabilityOptions,
  type QueueHandler,
  type QueueObservabilityOptions,
} from './instrument.ts';
