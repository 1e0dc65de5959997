import { z } from 'zod';
import type { PartnerOrderTotals } from '../../../layers/core/src/observability/metric-totals.ts';
import { orderOutcomes } from '../../../layers/core/src/observability/order-tally.ts';

/**
 * How `parcelscan stats` reads and shows the `orders` totals: one row per partner (and the requests no partner
 * signed), by outcome, and the reasons orders were refused. The command itself is stats.ts.
 */

const count = z.number().nonnegative();

export const partnerOrderTotalsSchema = z.object({
  requests: count,
  created: count,
  replayed: count,
  conflict: count,
  rejected: count,
  unauthorized: count,
  failed: count,
  reasons: z.record(z.string(), count),
  waybillBlocksReserved: count,
  rowsWritten: count,
  otsRetries: count,
});

const columns: readonly { title: string; value: (totals: PartnerOrderTotals) => number }[] = [
  { title: 'requests', value: (t) => t.requests },
  ...orderOutcomes.map((outcome) => ({ title: outcome, value: (t: PartnerOrderTotals) => t[outcome] })),
  { title: 'blocks reserved', value: (t) => t.waybillBlocksReserved },
  { title: 'rows written', value: (t) => t.rowsWritten },
  { title: 'OTS retries', value: (t) => t.otsRetries },
];

/**
 * The orders table as rows of cells: a header, one row per partner in name order, and a total when there are
 * several. Every column adds up, so the total is the sum of each.
 *
 * @example
 * ```ts
 * orderRows({ demo: { requests: 3, created: 1, replayed: 1, conflict: 1, … } });
 * // [['partner', 'requests', 'created', …], ['demo', '3', '1', …]]
 * ```
 */
export function orderRows(orders: Readonly<Record<string, PartnerOrderTotals>>): string[][] {
  const partners = Object.entries(orders).sort(([a], [b]) => a.localeCompare(b));
  const rows = [['partner', ...columns.map((c) => c.title)], ...partners.map(([partnerId, totals]) => [partnerId, ...columns.map((c) => String(c.value(totals)))])];
  if (partners.length > 1) rows.push(['total', ...columns.map((c) => String(partners.reduce((sum, [, totals]) => sum + c.value(totals), 0)))]);
  return rows;
}

/** The reasons orders were refused, one row per partner and reason: `['  demo', 'ORDER_CONFLICT', '1']`. */
export function orderReasonRows(orders: Readonly<Record<string, PartnerOrderTotals>>): string[][] {
  return Object.entries(orders)
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([partnerId, totals]) =>
      Object.entries(totals.reasons)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([reason, n]) => [`  ${partnerId}`, reason, String(n)]),
    );
}
