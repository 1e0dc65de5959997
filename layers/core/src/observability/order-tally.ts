import type { HttpResponse } from '../http/http-event.ts';
import { answeredError } from './answered-error.ts';
import { isCount, upperSnakeCase } from './metric-values.ts';

/**
 * The `orders` metric set: one line per order-webhook invocation, saying what the partner was answered and what it
 * cost in storage. On a peak day an operator charts orders per minute by partner and outcome (is a partner's
 * integration failing? is a partner resending everything?), the 5xx by reason (storage or bug?), OTS retries
 * (throttling before it turns into 503s) and waybill blocks reserved (the load on the counter rows, which rises
 * with cold starts: ingest/waybill-allocator.ts).
 */

export const orderMetricName = 'orders';

/**
 * What became of an order request, by the answer: `created` (201), `replayed` (200: the same order sent again),
 * `conflict` (409), `rejected` (any other 4xx: validation, method, size, media type), `unauthorized` (401),
 * `failed` (5xx, or no answer at all).
 */
export const orderOutcomes = ['created', 'replayed', 'conflict', 'rejected', 'unauthorized', 'failed'] as const;
export type OrderOutcome = (typeof orderOutcomes)[number];

/** The values of one `orders` line (the writer adds `kind`, `name`, `time` and its bound fields). */
export interface OrderMetricValues {
  /** The partner that signed the request. Absent when it was not authenticated: 401, or 405/413/415, refused first. */
  partnerId?: string;
  outcome: OrderOutcome;
  /**
   * Why no waybill number was answered, absent when one was: the API error code (`ORDER_CONFLICT`, `UNAUTHORIZED`,
   * `PAYLOAD_TOO_LARGE`, `STORAGE_UNAVAILABLE`, `INTERNAL`…), or for an invalid field `INVALID_` and its path in
   * upper snake case without indexes (`receiver.phone` → `INVALID_RECEIVER_PHONE`; see {@link orderRefusalReason}).
   */
  reason?: string;
  /** Waybill blocks this invocation reserved: the allocator's INCREMENTs of a counter row; 0 when served from memory. */
  waybillBlocksReserved: number;
  /**
   * Tablestore rows written successfully: the order row (when created), the order summary on the parcel row (on
   * every placed order, resends included, since a resend repairs it) and the counter row of each block reserved.
   */
  rowsWritten: number;
  /** Tablestore requests sent again after a retryable error, those of a request that failed in the end included. */
  otsRetries: number;
}

/** The counters of {@link OrderTally.count}. */
export type OrderCounts = Pick<OrderMetricValues, 'waybillBlocksReserved' | 'rowsWritten' | 'otsRetries'>;

/** How an answer is counted: its outcome and, unless a waybill number was answered, the reason. */
export interface OrderAnswerOutcome {
  outcome: OrderOutcome;
  reason?: string;
}

/**
 * What became of the one order request of an invocation. Counts that are not positive finite numbers are ignored,
 * and an answer that cannot be read is counted by its status alone: a metric never throws into the handler. Until
 * {@link OrderTally.answered} is told, the outcome is `failed` (the invocation ended without an answer).
 *
 * @example
 * ```ts
 * const tally = metrics.order();
 * tally.authenticated('demo').count({ waybillBlocksReserved: 1, rowsWritten: 1 });
 * tally.answered(response); // 201 → outcome 'created'
 * ```
 */
export class OrderTally {
  private readonly counts: OrderCounts = { waybillBlocksReserved: 0, rowsWritten: 0, otsRetries: 0 };
  private partnerId: string | undefined;
  private answer: OrderAnswerOutcome | undefined;

  /** The partner whose signature the request carried, once it checked out. */
  authenticated(partnerId: string): this {
    this.partnerId = partnerId;
    return this;
  }

  /** Adds to the counters. */
  count(counts: Partial<OrderCounts>): this {
    for (const key of Object.keys(this.counts) as (keyof OrderCounts)[]) {
      const n = counts[key];
      if (isCount(n)) this.counts[key] += n;
    }
    return this;
  }

  /** Settles the outcome from the answer the partner got (see {@link orderOutcomeOf}). */
  answered(response: HttpResponse): this {
    this.answer = orderOutcomeOf(response);
    return this;
  }

  /** The line's values as they stand. */
  values(): OrderMetricValues {
    const { outcome, reason } = this.answer ?? { outcome: 'failed' };
    return {
      ...(this.partnerId === undefined ? {} : { partnerId: this.partnerId }),
      outcome,
      ...(reason === undefined ? {} : { reason }),
      ...this.counts,
    };
  }
}

/**
 * How an order webhook answer is counted: by its status (201 created, other 2xx replayed, 409 conflict, 401
 * unauthorized, other 4xx rejected, 5xx failed), with the reason read from an error answer's body.
 *
 * @example
 * ```ts
 * orderOutcomeOf(jsonResponse(201, { waybillNo, createdAt }));          // { outcome: 'created' }
 * orderOutcomeOf(errorResponse(new ParcelscanError('ORDER_CONFLICT'))); // { outcome: 'conflict', reason: 'ORDER_CONFLICT' }
 * ```
 */
export function orderOutcomeOf(response: HttpResponse): OrderAnswerOutcome {
  const status = response.statusCode;
  if (status < 300) return { outcome: status === 201 ? 'created' : 'replayed' };
  const outcome: OrderOutcome = status === 409 ? 'conflict' : status === 401 ? 'unauthorized' : status < 500 ? 'rejected' : 'failed';
  const error = answeredError(response);
  return error === undefined ? { outcome } : { outcome, reason: orderRefusalReason(error) };
}

/**
 * The reason an order was refused: its error code, or for a field that failed validation `INVALID_` and every field
 * of its path without indexes (`items[2].quantity` → `INVALID_ITEMS_QUANTITY`). Finer than a scan's reason (first
 * field only) because an order nests its parties, and `receiver.phone` and `receiver.address` are different fixes
 * for a partner; still as few reasons as the schema has fields, since paths come from it (unknown keys are dropped).
 */
export function orderRefusalReason(error: { code: string; field?: string }): string {
  if (error.code !== 'INVALID_REQUEST' || error.field === undefined) return error.code;
  const fields = error.field
    .replace(/\[\d+\]/g, '')
    .split('.')
    .filter((field) => field !== '');
  return fields.length === 0 ? error.code : `INVALID_${fields.map(upperSnakeCase).join('_')}`;
}
