import { isCount } from './metric-values.ts';
import { queueBatchMetricName, scanMetricName } from './metrics.ts';
import { orderMetricName, orderOutcomes, type OrderOutcome } from './order-tally.ts';

/**
 * Metric totals since a start time, added up from log lines: what the local FC runtime keeps for
 * `GET /__local/stats` and `parcelscan stats`. Pure: lines in, totals out. Lines that are not metric lines (most
 * of them) are skipped with one `startsWith`, before any JSON parsing.
 */

/** One partner's `scans` lines added up. */
export interface PartnerScanTotals {
  /** `scans` lines counted: invocations that handled this partner's scans. */
  invocations: number;
  batchSize: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  rejectedReasons: Record<string, number>;
  rowsWritten: number;
  otsRetries: number;
  /** The largest `lagMsMax` seen. */
  lagMsMax?: number;
  /** The largest `lagMsP50` seen: the worst invocation's median (medians do not add up). */
  lagMsP50Max?: number;
}

/**
 * One partner's `orders` lines added up: requests in all, then by outcome (which add up to `requests`), then what
 * they cost in storage.
 */
export interface PartnerOrderTotals extends Record<OrderOutcome, number> {
  /** `orders` lines counted: order requests answered. */
  requests: number;
  /** The requests answered without a waybill number, by reason: `{"ORDER_CONFLICT": 1, "INVALID_RECEIVER_PHONE": 2}`. */
  reasons: Record<string, number>;
  waybillBlocksReserved: number;
  rowsWritten: number;
  otsRetries: number;
}

/** Where the totals keep the order requests that no partner signed (partner ids are `a-z`, `0-9` and `-` only). */
export const unauthenticatedPartner = '(unauthenticated)';

/** The `queue-batch` lines added up. */
export interface QueueBatchTotals {
  invocations: number;
  messages: number;
  events: number;
  unreadable: number;
  deadLettered: number;
  /** The most messages one invocation received. */
  largestBatch: number;
}

/** What `GET /__local/stats` answers. */
export interface MetricTotalsSnapshot {
  /** When counting started (ISO-8601). */
  since: string;
  /** Metric lines counted. */
  metricLines: number;
  /** `scans` totals by partner id. */
  scans: Record<string, PartnerScanTotals>;
  /** `orders` totals by partner id, and under {@link unauthenticatedPartner}. */
  orders: Record<string, PartnerOrderTotals>;
  queueBatches: QueueBatchTotals;
}

/** A metric line as parsed: its name and its values. */
export interface MetricLine {
  name: string;
  values: Readonly<Record<string, unknown>>;
}

const metricPrefix = '{"kind":"metric"';

/**
 * Reads a metric line written by `Logger.metric`; `undefined` for any other line (a log line, a runtime message,
 * text that is not JSON).
 *
 * @example
 * ```ts
 * parseMetricLine('{"kind":"metric","name":"scans","partnerId":"demo","accepted":2}');
 * // { name: 'scans', values: { kind: 'metric', name: 'scans', partnerId: 'demo', accepted: 2 } }
 * parseMetricLine('{"level":"info","msg":"hello"}'); // undefined
 * ```
 */
export function parseMetricLine(line: string): MetricLine | undefined {
  const text = line.trim();
  if (!text.startsWith(metricPrefix)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const values = json as Record<string, unknown>;
  return typeof values.name === 'string' ? { name: values.name, values } : undefined;
}

/** A count from a line: positive finite numbers only, anything else 0. */
const count = (value: unknown): number => (isCount(value) ? value : 0);
const lag = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const maxOf = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined ? b : b === undefined ? a : Math.max(a, b));

const emptyPartner = (): PartnerScanTotals => ({
  invocations: 0,
  batchSize: 0,
  accepted: 0,
  duplicates: 0,
  rejected: 0,
  rejectedReasons: {},
  rowsWritten: 0,
  otsRetries: 0,
});

/** A partner's orders totals before its first order. */
export const emptyOrderTotals = (): PartnerOrderTotals => ({
  requests: 0,
  created: 0,
  replayed: 0,
  conflict: 0,
  rejected: 0,
  unauthorized: 0,
  failed: 0,
  reasons: {},
  waybillBlocksReserved: 0,
  rowsWritten: 0,
  otsRetries: 0,
});

const isOrderOutcome = (value: unknown): value is OrderOutcome => (orderOutcomes as readonly unknown[]).includes(value);

/**
 * Running totals of metric lines.
 *
 * @example
 * ```ts
 * const totals = new MetricTotals(new Date());
 * sink = (record) => { totals.addLine(record.message); print(record); };
 * // GET /__local/stats → JSON.stringify(totals.snapshot())
 * ```
 */
export class MetricTotals {
  private metricLines = 0;
  private readonly partners = new Map<string, PartnerScanTotals>();
  private readonly orders = new Map<string, PartnerOrderTotals>();
  private readonly queue: QueueBatchTotals = { invocations: 0, messages: 0, events: 0, unreadable: 0, deadLettered: 0, largestBatch: 0 };

  constructor(private readonly since: Date) {}

  /** Adds a line if it is a metric line of a known name; says whether it counted. */
  addLine(line: string): boolean {
    const metric = parseMetricLine(line);
    if (metric === undefined) return false;
    if (metric.name === scanMetricName) this.addScans(metric.values);
    else if (metric.name === orderMetricName) this.addOrder(metric.values);
    else if (metric.name === queueBatchMetricName) this.addQueueBatch(metric.values);
    else return false;
    this.metricLines += 1;
    return true;
  }

  /** A copy of the totals as they stand. */
  snapshot(): MetricTotalsSnapshot {
    const scans: Record<string, PartnerScanTotals> = {};
    for (const [partnerId, totals] of this.partners) scans[partnerId] = { ...totals, rejectedReasons: { ...totals.rejectedReasons } };
    const orders: Record<string, PartnerOrderTotals> = {};
    for (const [partnerId, totals] of this.orders) orders[partnerId] = { ...totals, reasons: { ...totals.reasons } };
    return { since: this.since.toISOString(), metricLines: this.metricLines, scans, orders, queueBatches: { ...this.queue } };
  }

  private addScans(values: Readonly<Record<string, unknown>>): void {
    const partnerId = typeof values.partnerId === 'string' ? values.partnerId : 'unknown';
    const totals = this.partners.get(partnerId) ?? emptyPartner();
    this.partners.set(partnerId, totals);
    totals.invocations += 1;
    totals.batchSize += count(values.batchSize);
    totals.accepted += count(values.accepted);
    totals.duplicates += count(values.duplicates);
    totals.rejected += count(values.rejected);
    totals.rowsWritten += count(values.rowsWritten);
    totals.otsRetries += count(values.otsRetries);
    const reasons = values.rejectedReasons;
    if (typeof reasons === 'object' && reasons !== null) {
      for (const [reason, n] of Object.entries(reasons)) totals.rejectedReasons[reason] = (totals.rejectedReasons[reason] ?? 0) + count(n);
    }
    const lagMsMax = maxOf(totals.lagMsMax, lag(values.lagMsMax));
    const lagMsP50Max = maxOf(totals.lagMsP50Max, lag(values.lagMsP50));
    if (lagMsMax !== undefined) totals.lagMsMax = lagMsMax;
    if (lagMsP50Max !== undefined) totals.lagMsP50Max = lagMsP50Max;
  }

  private addOrder(values: Readonly<Record<string, unknown>>): void {
    const partnerId = typeof values.partnerId === 'string' ? values.partnerId : unauthenticatedPartner;
    const totals = this.orders.get(partnerId) ?? emptyOrderTotals();
    this.orders.set(partnerId, totals);
    totals.requests += 1;
    // A line of a later version with an outcome this one does not know counts as a request, under no outcome.
    if (isOrderOutcome(values.outcome)) totals[values.outcome] += 1;
    if (typeof values.reason === 'string') totals.reasons[values.reason] = (totals.reasons[values.reason] ?? 0) + 1;
    totals.waybillBlocksReserved += count(values.waybillBlocksReserved);
    totals.rowsWritten += count(values.rowsWritten);
    totals.otsRetries += count(values.otsRetries);
  }

  private addQueueBatch(values: Readonly<Record<string, unknown>>): void {
    const messages = count(values.messages);
    this.queue.invocations += 1;
    this.queue.messages += messages;
    this.queue.events += count(values.events);
    this.queue.unreadable += count(values.unreadable);
    this.queue.deadLettered += count(values.deadLettered);
    this.queue.largestBatch = Math.max(this.queue.largestBatch, messages);
  }
}
