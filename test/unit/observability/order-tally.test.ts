import { describe, expect, it } from 'vitest';
import { ParcelscanError } from '../../../layers/core/src/errors.ts';
import { errorResponse } from '../../../layers/core/src/http/error-response.ts';
import { jsonResponse, type HttpResponse } from '../../../layers/core/src/http/http-event.ts';
import {
  createLogger,
  InvocationMetrics,
  orderOutcomeOf,
  orderRefusalReason,
  OrderTally,
  type MetricWriter,
} from '../../../layers/core/src/observability/index.ts';

const writtenAt = Date.UTC(2025, 10, 25, 6, 0, 5);
const placed = { waybillNo: '773061155005900', createdAt: '2025-11-25T06:00:05.000Z' };

/** A writer that keeps what it is given. */
function recorder(): MetricWriter & { written: { name: string; values: object }[] } {
  const written: { name: string; values: object }[] = [];
  return { written, metric: (name, values) => written.push({ name, values }) };
}

const invalid = (path: string): HttpResponse =>
  errorResponse(new ParcelscanError('INVALID_REQUEST', { details: [{ path, message: 'must be a mainland mobile number' }] }));

describe('the orders line of an order-webhook invocation', () => {
  it('says who placed the order, that it was created, and what it cost in storage', () => {
    const metrics = new InvocationMetrics('webhook');
    metrics.order().authenticated('demo').count({ waybillBlocksReserved: 1, rowsWritten: 1 }).count({ rowsWritten: 2, otsRetries: 1 });
    metrics.order().answered(jsonResponse(201, placed));
    const writer = recorder();
    metrics.flush(writer);
    expect(writer.written).toEqual([
      { name: 'orders', values: { partnerId: 'demo', outcome: 'created', waybillBlocksReserved: 1, rowsWritten: 3, otsRetries: 1 } },
    ]);
  });

  it('comes after the scans lines and before the queue-batch line', () => {
    const metrics = new InvocationMetrics('webhook');
    metrics.countQueueBatch({ messages: 1 });
    metrics.order().answered(jsonResponse(200, placed));
    metrics.scans('demo').count({ batchSize: 1 });
    expect(metrics.lines().map(({ name }) => name)).toEqual(['scans', 'orders', 'queue-batch']);
  });

  it('is absent from an invocation that handled no order', () => {
    const metrics = new InvocationMetrics('webhook');
    metrics.scans('demo').count({ batchSize: 1 });
    expect(metrics.lines().map(({ name }) => name)).toEqual(['scans']);
  });

  it('leaves out the partner of a request no partner signed', () => {
    const tally = new OrderTally().answered(errorResponse(new ParcelscanError('UNAUTHORIZED')));
    expect(tally.values()).toEqual({ outcome: 'unauthorized', reason: 'UNAUTHORIZED', waybillBlocksReserved: 0, rowsWritten: 0, otsRetries: 0 });
  });

  it('counts an invocation that ended without an answer as failed, with what it did before', () => {
    const tally = new OrderTally().authenticated('demo').count({ otsRetries: 4 });
    expect(tally.values()).toEqual({ partnerId: 'demo', outcome: 'failed', waybillBlocksReserved: 0, rowsWritten: 0, otsRetries: 4 });
  });

  it('ignores counts that are not positive numbers rather than throwing into the handler', () => {
    const tally = new OrderTally().count({ waybillBlocksReserved: -1, rowsWritten: Number.NaN, otsRetries: Number.POSITIVE_INFINITY });
    expect(tally.values()).toMatchObject({ waybillBlocksReserved: 0, rowsWritten: 0, otsRetries: 0 });
  });

  it('is written through the logger with the bound request fields, partner and outcome first, as SLS receives it', () => {
    const lines: string[] = [];
    const log = createLogger({ sink: (line) => lines.push(line), clock: () => writtenAt, bindings: { function: 'parcelscan-order-webhook' } })
      .child({ requestId: '1-65362416-68afb557d64a2e283eccebce', traceId: '6536241668afb557d64a2e283eccebce' });
    const metrics = new InvocationMetrics('webhook');
    metrics.order().authenticated('demo').count({ rowsWritten: 1 }).answered(errorResponse(new ParcelscanError('ORDER_CONFLICT')));
    metrics.flush(log);
    expect(lines).toEqual([
      '{"kind":"metric","name":"orders","time":"2025-11-25T06:00:05.000Z","function":"parcelscan-order-webhook",' +
        '"requestId":"1-65362416-68afb557d64a2e283eccebce","traceId":"6536241668afb557d64a2e283eccebce","partnerId":"demo",' +
        '"outcome":"conflict","reason":"ORDER_CONFLICT","waybillBlocksReserved":0,"rowsWritten":1,"otsRetries":0}',
    ]);
  });
});

describe('orderOutcomeOf', () => {
  it('counts 201 as created and 200 as replayed, with no reason', () => {
    expect(orderOutcomeOf(jsonResponse(201, placed))).toEqual({ outcome: 'created' });
    expect(orderOutcomeOf(jsonResponse(200, placed))).toEqual({ outcome: 'replayed' });
  });

  it('counts each refusal by its status, with the error code as the reason', () => {
    const outcome = (error: ParcelscanError) => orderOutcomeOf(errorResponse(error));
    expect(outcome(new ParcelscanError('ORDER_CONFLICT'))).toEqual({ outcome: 'conflict', reason: 'ORDER_CONFLICT' });
    expect(outcome(new ParcelscanError('UNAUTHORIZED'))).toEqual({ outcome: 'unauthorized', reason: 'UNAUTHORIZED' });
    expect(outcome(new ParcelscanError('PAYLOAD_TOO_LARGE'))).toEqual({ outcome: 'rejected', reason: 'PAYLOAD_TOO_LARGE' });
    expect(outcome(new ParcelscanError('METHOD_NOT_ALLOWED'))).toEqual({ outcome: 'rejected', reason: 'METHOD_NOT_ALLOWED' });
    expect(outcome(new ParcelscanError('STORAGE_UNAVAILABLE'))).toEqual({ outcome: 'failed', reason: 'STORAGE_UNAVAILABLE' });
    expect(outcome(new ParcelscanError('INTERNAL'))).toEqual({ outcome: 'failed', reason: 'INTERNAL' });
  });

  it('names an invalid order after the field to fix', () => {
    expect(orderOutcomeOf(invalid('receiver.phone'))).toEqual({ outcome: 'rejected', reason: 'INVALID_RECEIVER_PHONE' });
  });

  it('counts an answer whose body cannot be read by its status alone', () => {
    const unreadable: HttpResponse = { statusCode: 502, headers: { 'content-type': 'application/json' }, isBase64Encoded: false, body: '{"error":' };
    expect(orderOutcomeOf(unreadable)).toEqual({ outcome: 'failed' });
    expect(orderOutcomeOf({ ...unreadable, statusCode: 400, headers: { 'content-type': 'text/plain' }, body: 'bad' })).toEqual({ outcome: 'rejected' });
  });
});

describe('orderRefusalReason', () => {
  it('spells every field of an invalid path, without indexes, so there are as few reasons as schema fields', () => {
    expect(orderRefusalReason({ code: 'INVALID_REQUEST', field: 'receiver.phone' })).toBe('INVALID_RECEIVER_PHONE');
    expect(orderRefusalReason({ code: 'INVALID_REQUEST', field: 'sender.address.detail' })).toBe('INVALID_SENDER_ADDRESS_DETAIL');
    expect(orderRefusalReason({ code: 'INVALID_REQUEST', field: 'items[2].quantity' })).toBe('INVALID_ITEMS_QUANTITY');
    expect(orderRefusalReason({ code: 'INVALID_REQUEST', field: 'partnerOrderId' })).toBe('INVALID_PARTNER_ORDER_ID');
    expect(orderRefusalReason({ code: 'INVALID_REQUEST', field: 'weightGrams' })).toBe('INVALID_WEIGHT_GRAMS');
  });

  it('is the error code when no field is named (a body that is not JSON) or the error is not about a field', () => {
    expect(orderRefusalReason({ code: 'INVALID_REQUEST' })).toBe('INVALID_REQUEST');
    expect(orderRefusalReason({ code: 'INVALID_REQUEST', field: '[0]' })).toBe('INVALID_REQUEST');
    expect(orderRefusalReason({ code: 'UNSUPPORTED_MEDIA_TYPE', field: 'receiver' })).toBe('UNSUPPORTED_MEDIA_TYPE');
  });
});
