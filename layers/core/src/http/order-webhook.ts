import { parseOrder, type WaybillNo } from '../domain/index.ts';
import { createOrder } from '../ingest/create-order.ts';
import type { WaybillAllocator } from '../ingest/waybill-allocator.ts';
import type { InvocationMetrics } from '../observability/metrics.ts';
import type { OrderTally } from '../observability/order-tally.ts';
import type { TablestoreClient } from '../store/tablestore-client.ts';
import { jsonResponse, type HttpRequest, type HttpResponse } from './http-event.ts';
import { authenticatePartnerRequest, webhookFailureResponse, type PartnerWebhookDeps } from './partner-webhook.ts';

/**
 * POST /v1/orders: a partner creates a shipping order, signed like POST /v1/scans, and gets its waybill number:
 * 201 `{"waybillNo", "createdAt"}` the first time, 200 with the same answer for the same `partnerOrderId` again,
 * concurrent retries included; 409 ORDER_CONFLICT for the same id with a different order; 400 naming the field;
 * 401, 405, 413, 415 as for scans; 503 with Retry-After when storage stays unavailable past the deadline.
 */

/** An order is a few kilobytes even with 100 items; a larger body is a mistake, refused before it is parsed. */
export const maxOrderBodyBytes = 64 * 1024;

export interface OrderWebhookDeps extends PartnerWebhookDeps {
  tablestore: TablestoreClient;
  /** This instance's allocator (module scope in the FC entry). */
  waybills: WaybillAllocator;
  deadline: number;
  traceId?: string;
  /** The invocation's metrics: what became of the order goes into its `orders` line. */
  metrics: InvocationMetrics;
}

/** The answer to a placed order. */
export interface OrderWebhookAnswer {
  waybillNo: WaybillNo;
  /** When the order was first created, ISO-8601 in UTC: the same on every resend. */
  createdAt: string;
}

/** The 5xx answers speak of the order, and say why sending it again is safe. */
const failureWording = {
  logMessage: 'order webhook failed',
  storageUnavailable:
    'The order could not be stored right now. Send the same request again after Retry-After seconds; the same ' +
    'partnerOrderId always gets the same waybillNo, so resending is safe.',
  internal:
    'An internal error occurred. Resending the same request is safe: the same partnerOrderId always gets the same waybillNo.',
};

export async function handleOrderWebhook(request: HttpRequest, deps: OrderWebhookDeps): Promise<HttpResponse> {
  const tally = deps.metrics.order();
  // Counted from the answer itself, so the metric line and what the partner was told cannot disagree.
  const response = await answerOrder(request, deps, tally);
  tally.answered(response);
  return response;
}

async function answerOrder(request: HttpRequest, deps: OrderWebhookDeps, tally: OrderTally): Promise<HttpResponse> {
  let log = deps.log;
  try {
    const { partnerId, body } = authenticatePartnerRequest(request, deps, {
      purpose: 'create orders',
      maxBodyBytes: maxOrderBodyBytes,
      bodyShape: 'a JSON order object {partnerOrderId, sender, receiver, weightGrams?, items?}',
    });
    tally.authenticated(partnerId);
    log = log.child({ partnerId });
    const parsed = parseOrder(body);
    if (!parsed.ok) throw parsed.error;

    const placed = await createOrder(
      deps.tablestore,
      deps.waybills,
      {
        partnerId,
        order: parsed.order,
        receivedAtMs: deps.nowMs,
        ...(deps.traceId === undefined ? {} : { traceId: deps.traceId }),
      },
      deps.deadline,
      (counts) => tally.count(counts),
    );
    // The order's parties stay out of the line: only what identifies it (receiver and sender are personal data).
    log.info(placed.created ? 'order created' : 'order already placed', {
      waybillNo: placed.waybillNo,
      partnerOrderId: parsed.order.partnerOrderId,
      created: placed.created,
    });
    const answer: OrderWebhookAnswer = { waybillNo: placed.waybillNo, createdAt: new Date(placed.createdAtMs).toISOString() };
    return jsonResponse(placed.created ? 201 : 200, answer, { 'cache-control': 'no-store' });
  } catch (error) {
    return webhookFailureResponse(error, { log }, failureWording);
  }
}
