import type { MetricWriter } from './logger.ts';
import { isCount, upperSnakeCase } from './metric-values.ts';
import { orderMetricName, OrderTally, type OrderMetricValues } from './order-tally.ts';

/**
 * Business metrics as structured metric lines: one accumulator per invocation (made by the handler, passed down
 * explicitly, never module state), flushed once at the end as one line per metric set. SLS aggregates the lines
 * (queries in README.md); `parcelscan stats` adds them up locally (metric-totals.ts).
 *
 * Three metric sets:
 * - `scans`, one line per partner per invocation: what became of the scan events of that partner.
 * - `orders`, one line per order-webhook invocation: what the partner was answered (order-tally.ts).
 * - `queue-batch`, one line per scan-consumer invocation: the trigger batch itself.
 *
 * Counting costs a few additions per batch; the lag percentiles sort one number per accepted event at flush.
 */

export const scanMetricName = 'scans';
export const queueBatchMetricName = 'queue-batch';

/** How the scans arrived. */
export type ScanChannel = 'webhook' | 'queue';

/** The values of one `scans` line (the writer adds `kind`, `name`, `time` and its bound fields). */
export interface ScanMetricValues {
  partnerId: string;
  channel: ScanChannel;
  /** Scan events received for this partner in the invocation: accepted + duplicates + rejected. */
  batchSize: number;
  /** Written for the first time. */
  accepted: number;
  /** Already stored (same partner and `eventId`): nothing changed. */
  duplicates: number;
  /** Refused by validation; the total of `rejectedReasons`. */
  rejected: number;
  /** Rejections by reason, e.g. `{"INVALID_WAYBILL_NO": 1}` (see {@link rejectionReason}). */
  rejectedReasons: Record<string, number>;
  /** Tablestore rows written successfully: scan rows and parcel rows. */
  rowsWritten: number;
  /** Tablestore requests or BatchWriteRow rounds sent again after a retryable error. */
  otsRetries: number;
  /** End-to-end lag of the accepted events, `occurredAt` → written, in ms: the largest. Absent when none. */
  lagMsMax?: number;
  /** The same lag's median (nearest rank). Absent when no event was accepted. */
  lagMsP50?: number;
}

/** The values of one `queue-batch` line. */
export interface QueueBatchMetricValues {
  /** MNS messages in the trigger's batch (the queue batch size). */
  messages: number;
  /** Scan events decoded from them, valid or not. */
  events: number;
  /** Messages that could not be read at all (not base64, not JSON, not a scan message). */
  unreadable: number;
  /** Dead-letter records sent: one per unreadable message and one per rejected event. */
  deadLettered: number;
}

/** The counters of {@link ScanTally.count}. */
export interface ScanCounts {
  batchSize: number;
  accepted: number;
  duplicates: number;
  rowsWritten: number;
  otsRetries: number;
}

/** The median by nearest rank: the value at rank ⌈n/2⌉ of the sorted sample. */
function median(sorted: readonly number[]): number {
  return sorted[Math.ceil(sorted.length / 2) - 1] ?? 0;
}

/**
 * What happened to one partner's scans in one invocation. Counts that are not positive finite numbers are
 * ignored: a metric never throws into the handler.
 */
export class ScanTally {
  private readonly counts: ScanCounts = { batchSize: 0, accepted: 0, duplicates: 0, rowsWritten: 0, otsRetries: 0 };
  private readonly reasons = new Map<string, number>();
  private readonly lagsMs: number[] = [];

  constructor(
    readonly partnerId: string,
    readonly channel: ScanChannel,
  ) {}

  /**
   * Adds to the counters.
   *
   * @example
   * ```ts
   * tally.count({ batchSize: events.length, accepted: result.accepted, duplicates: result.duplicates });
   * ```
   */
  count(counts: Partial<ScanCounts>): this {
    for (const key of Object.keys(this.counts) as (keyof ScanCounts)[]) {
      const n = counts[key];
      if (isCount(n)) this.counts[key] += n;
    }
    return this;
  }

  /**
   * Counts `n` events rejected for `reason`. `batchSize` is not changed: count every event received there.
   *
   * @example
   * ```ts
   * for (const rejected of batch.rejected) tally.reject(rejectionReason(rejected.errors));
   * ```
   */
  reject(reason: string, n = 1): this {
    if (isCount(n)) this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + n);
    return this;
  }

  /**
   * Records the end-to-end lag of events written at `writtenAtMs` (pass the accepted events only: a duplicate was
   * written earlier). A device clock ahead of ours gives a negative lag; it is kept as measured.
   *
   * @example
   * ```ts
   * tally.observeLag(acceptedEvents.map((event) => event.occurredAtMs), clock());
   * ```
   */
  observeLag(occurredAtMs: Iterable<number>, writtenAtMs: number): this {
    for (const occurred of occurredAtMs) {
      const lag = writtenAtMs - occurred;
      if (Number.isFinite(lag)) this.lagsMs.push(Math.round(lag));
    }
    return this;
  }

  /** The line's values as they stand. */
  values(): ScanMetricValues {
    const rejectedReasons = Object.fromEntries(this.reasons);
    const rejected = [...this.reasons.values()].reduce((sum, n) => sum + n, 0);
    const values: ScanMetricValues = { partnerId: this.partnerId, channel: this.channel, ...this.counts, rejected, rejectedReasons };
    if (this.lagsMs.length > 0) {
      const sorted = [...this.lagsMs].sort((a, b) => a - b);
      values.lagMsMax = sorted[sorted.length - 1] ?? 0;
      values.lagMsP50 = median(sorted);
    }
    return values;
  }
}

/**
 * The metrics of one invocation. Make one at the start of the handler, pass it (or a partner's
 * {@link InvocationMetrics.scans} tally) down, and {@link InvocationMetrics.flush} it once in a `finally`.
 *
 * @example
 * ```ts
 * const metrics = new InvocationMetrics('webhook');
 * try {
 *   const tally = metrics.scans(partnerId).count({ batchSize: 500, accepted: 498, duplicates: 1 });
 *   tally.reject('INVALID_WAYBILL_NO');
 * } finally {
 *   metrics.flush(log); // {"kind":"metric","name":"scans",…,"partnerId":"demo","batchSize":500,"accepted":498,…}
 * }
 * ```
 */
export class InvocationMetrics {
  private readonly tallies = new Map<string, ScanTally>();
  private orderTally: OrderTally | undefined;
  private queueBatch: QueueBatchMetricValues | undefined;
  private flushed = false;

  constructor(readonly channel: ScanChannel) {}

  /** The tally of one partner's scans, made on first use. */
  scans(partnerId: string): ScanTally {
    let tally = this.tallies.get(partnerId);
    if (tally === undefined) {
      tally = new ScanTally(partnerId, this.channel);
      this.tallies.set(partnerId, tally);
    }
    return tally;
  }

  /** The tally of the invocation's order request (only an order webhook has one), made on first use. */
  order(): OrderTally {
    this.orderTally ??= new OrderTally();
    return this.orderTally;
  }

  /**
   * Adds to the invocation's `queue-batch` line (only a queue consumer has one).
   *
   * @example
   * ```ts
   * metrics.countQueueBatch({ messages: batch.length, unreadable: 1, deadLettered: 3 });
   * ```
   */
  countQueueBatch(counts: Partial<QueueBatchMetricValues>): this {
    const line = (this.queueBatch ??= { messages: 0, events: 0, unreadable: 0, deadLettered: 0 });
    for (const key of Object.keys(line) as (keyof QueueBatchMetricValues)[]) {
      const n = counts[key];
      if (isCount(n)) line[key] += n;
    }
    return this;
  }

  /** Every line this invocation would write, in order: one `scans` line per partner, then `orders`, then `queue-batch`. */
  lines(): { name: string; values: ScanMetricValues | OrderMetricValues | QueueBatchMetricValues }[] {
    const lines: { name: string; values: ScanMetricValues | OrderMetricValues | QueueBatchMetricValues }[] = [...this.tallies.values()].map((tally) => ({
      name: scanMetricName,
      values: tally.values(),
    }));
    if (this.orderTally !== undefined) lines.push({ name: orderMetricName, values: this.orderTally.values() });
    if (this.queueBatch !== undefined) lines.push({ name: queueBatchMetricName, values: { ...this.queueBatch } });
    return lines;
  }

  /** Writes {@link InvocationMetrics.lines} once; a second call writes nothing. */
  flush(writer: MetricWriter): void {
    if (this.flushed) return;
    this.flushed = true;
    for (const line of this.lines()) writer.metric(line.name, line.values);
  }
}

/**
 * The reason a rejected event is counted under: `INVALID_` and its first error's field in upper snake case
 * (`events[3].waybillNo` → `INVALID_WAYBILL_NO`), or `INVALID_EVENT` when the error is about the event as a whole.
 * Reasons come from schema field names, so there are few of them (SLS groups by them cheaply).
 *
 * @example
 * ```ts
 * rejectionReason([{ path: 'events[3].occurredAt', message: 'must be ISO-8601 with an offset' }]); // 'INVALID_OCCURRED_AT'
 * rejectionReason([{ path: 'events[3]', message: 'must be an object' }]);                         // 'INVALID_EVENT'
 * ```
 */
export function rejectionReason(errors: readonly { path: string }[]): string {
  const path = errors[0]?.path ?? '';
  const field = path.replace(/^events\[\d+\]\.?/, '').split(/[.[]/)[0] ?? '';
  if (field === '') return 'INVALID_EVENT';
  return `INVALID_${upperSnakeCase(field)}`;
}
