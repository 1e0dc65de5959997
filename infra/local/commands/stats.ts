import { Command } from 'commander';
import { z } from 'zod';
import type { MetricTotalsSnapshot, PartnerScanTotals } from '../../../layers/core/src/observability/metric-totals.ts';
import { STATS_PATH } from '../fc/gateway.ts';
import { orderReasonRows, orderRows, partnerOrderTotalsSchema } from './stats-orders.ts';

/**
 * `parcelscan stats`: the metric totals of a running local stack (`npm start`) since it started, read from the
 * gateway's `GET /__local/stats`. The runtime adds up the metric lines its functions write
 * (layers/core/src/observability/metric-totals.ts); this command only fetches and prints them.
 */

/** Where the command writes and how it reaches the gateway; replaced in tests. */
export interface StatsIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  setExitCode: (code: number) => void;
  fetch: (url: string) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;
}

const processIo: StatsIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  setExitCode: (code) => {
    process.exitCode = code;
  },
  fetch: (url) => fetch(url),
};

const count = z.number().nonnegative();
const partnerTotalsSchema = z.object({
  invocations: count,
  batchSize: count,
  accepted: count,
  duplicates: count,
  rejected: count,
  rejectedReasons: z.record(z.string(), count),
  rowsWritten: count,
  otsRetries: count,
  lagMsMax: z.number().optional(),
  lagMsP50Max: z.number().optional(),
});
const snapshotSchema = z.object({
  since: z.string(),
  metricLines: count,
  scans: z.record(z.string(), partnerTotalsSchema),
  orders: z.record(z.string(), partnerOrderTotalsSchema),
  queueBatches: z.object({
    invocations: count,
    messages: count,
    events: count,
    unreadable: count,
    deadLettered: count,
    largestBatch: count,
  }),
});

const columns: readonly { title: string; value: (totals: PartnerScanTotals) => string }[] = [
  { title: 'invocations', value: (t) => String(t.invocations) },
  { title: 'events', value: (t) => String(t.batchSize) },
  { title: 'accepted', value: (t) => String(t.accepted) },
  { title: 'duplicates', value: (t) => String(t.duplicates) },
  { title: 'rejected', value: (t) => String(t.rejected) },
  { title: 'rows written', value: (t) => String(t.rowsWritten) },
  { title: 'OTS retries', value: (t) => String(t.otsRetries) },
  { title: 'lag p50 (worst)', value: (t) => (t.lagMsP50Max === undefined ? '-' : `${t.lagMsP50Max} ms`) },
  { title: 'lag max', value: (t) => (t.lagMsMax === undefined ? '-' : `${t.lagMsMax} ms`) },
];

function sumOf(partners: readonly PartnerScanTotals[]): PartnerScanTotals {
  const total: PartnerScanTotals = { invocations: 0, batchSize: 0, accepted: 0, duplicates: 0, rejected: 0, rejectedReasons: {}, rowsWritten: 0, otsRetries: 0 };
  for (const p of partners) {
    total.invocations += p.invocations;
    total.batchSize += p.batchSize;
    total.accepted += p.accepted;
    total.duplicates += p.duplicates;
    total.rejected += p.rejected;
    total.rowsWritten += p.rowsWritten;
    total.otsRetries += p.otsRetries;
    if (p.lagMsMax !== undefined) total.lagMsMax = Math.max(total.lagMsMax ?? p.lagMsMax, p.lagMsMax);
    if (p.lagMsP50Max !== undefined) total.lagMsP50Max = Math.max(total.lagMsP50Max ?? p.lagMsP50Max, p.lagMsP50Max);
  }
  return total;
}

/** Rows of cells as text columns: the first left-aligned, the others right-aligned. */
function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ').trimEnd());
}

/**
 * The totals as the command prints them: the scans, one row per partner and a total, and their rejections by
 * reason; the orders the same way (stats-orders.ts); the queue batches.
 *
 * @example
 * ```ts
 * renderStats(snapshot);
 * // parcelscan metric totals since 2025-11-25T06:00:00.000Z (2 metric lines)
 * //
 * // scans
 * // partner  invocations  events  accepted  duplicates  rejected  rows written  OTS retries  lag p50 (worst)  lag max
 * // demo               2    1000       500         500         0           500            0           120 ms   300 ms
 * // …
 * ```
 */
export function renderStats(snapshot: MetricTotalsSnapshot): string {
  const lines = [`parcelscan metric totals since ${snapshot.since} (${snapshot.metricLines} metric lines)`];
  const partners = Object.entries(snapshot.scans).sort(([a], [b]) => a.localeCompare(b));
  const orderPartners = Object.keys(snapshot.orders).length;
  if (partners.length === 0 && orderPartners === 0 && snapshot.queueBatches.invocations === 0) {
    lines.push('', 'No metric lines yet: send some scans or orders to the local stack, then run `parcelscan stats` again.');
    return `${lines.join('\n')}\n`;
  }
  if (partners.length > 0) {
    lines.push('', 'scans');
    const rows = [['partner', ...columns.map((c) => c.title)], ...partners.map(([partnerId, totals]) => [partnerId, ...columns.map((c) => c.value(totals))])];
    if (partners.length > 1) rows.push(['total', ...columns.map((c) => c.value(sumOf(partners.map(([, totals]) => totals))))]);
    lines.push(...table(rows));
    const reasons = partners.flatMap(([partnerId, totals]) =>
      Object.entries(totals.rejectedReasons)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([reason, n]) => [`  ${partnerId}`, reason, String(n)]),
    );
    if (reasons.length > 0) lines.push('', 'rejected by reason', ...table(reasons));
  }
  if (orderPartners > 0) {
    lines.push('', 'orders', ...table(orderRows(snapshot.orders)));
    const reasons = orderReasonRows(snapshot.orders);
    if (reasons.length > 0) lines.push('', 'orders refused by reason', ...table(reasons));
  }
  const queue = snapshot.queueBatches;
  if (queue.invocations > 0) {
    lines.push(
      '',
      `queue batches: ${queue.invocations} invocations, ${queue.messages} messages (largest batch ${queue.largestBatch}), ` +
        `${queue.events} events, ${queue.unreadable} unreadable, ${queue.deadLettered} dead-lettered`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Problems worth one line rather than a stack: nothing listening, or a runtime without the endpoint. */
async function fetchSnapshot(io: StatsIo, url: string): Promise<{ ok: true; snapshot: MetricTotalsSnapshot } | { ok: false; message: string }> {
  let response: Awaited<ReturnType<StatsIo['fetch']>>;
  try {
    response = await io.fetch(url);
  } catch {
    return { ok: false, message: `no local stack answers at ${url}; start it with \`npm start\`` };
  }
  if (!response.ok) return { ok: false, message: `${url} answered HTTP ${response.status}; is this the gateway of \`npm start\`?` };
  const parsed = snapshotSchema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) return { ok: false, message: `${url} did not answer with metric totals` };
  return { ok: true, snapshot: parsed.data };
}

/**
 * @example
 * parcelscan stats                      # totals from http://127.0.0.1:9000/__local/stats
 * parcelscan stats --json               # the same, as JSON
 * parcelscan stats --gateway http://127.0.0.1:9100
 */
export function statsCommand(io: StatsIo = processIo): Command {
  return new Command('stats')
    .description('print the metric totals (scans accepted, duplicate, rejected, rows, retries, lag; orders by outcome) of the running local stack since it started')
    .option('--gateway <url>', 'the local FC gateway that `npm start` printed', 'http://127.0.0.1:9000')
    .option('--json', 'print the totals as JSON')
    .action(async (options: { gateway: string; json?: boolean }) => {
      const url = new URL(STATS_PATH, options.gateway).toString();
      const result = await fetchSnapshot(io, url);
      if (!result.ok) {
        io.stderr(`parcelscan stats: ${result.message}\n`);
        io.setExitCode(1);
        return;
      }
      io.stdout(options.json === true ? `${JSON.stringify(result.snapshot, null, 2)}\n` : renderStats(result.snapshot));
    });
}
