import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParcelscanError } from '../../../layers/core/src/errors.ts';
import { errorResponse } from '../../../layers/core/src/http/error-response.ts';
import { jsonResponse, type HttpResponse } from '../../../layers/core/src/http/http-event.ts';
import {
  createLogger,
  InvocationMetrics,
  MetricTotals,
  orderOutcomes,
  parseMetricLine,
  type OrderCounts,
  type PartnerOrderTotals,
} from '../../../layers/core/src/observability/index.ts';

const writtenAt = Date.UTC(2025, 10, 25, 6, 0, 5);

describe('parseMetricLine', () => {
  it('reads metric lines and nothing else', () => {
    expect(parseMetricLine('{"kind":"metric","name":"scans","accepted":2}\n')).toEqual({ name: 'scans', values: { kind: 'metric', name: 'scans', accepted: 2 } });
    expect(parseMetricLine('{"level":"info","kind":"metric","name":"x"}')).toBeUndefined();
    expect(parseMetricLine('{"kind":"metric","name":')).toBeUndefined();
    expect(parseMetricLine('{"kind":"metric"}')).toBeUndefined();
  });
});

describe('metric totals', () => {
  /** The lines some invocations would write, as the local runtime receives them. */
  function invocationLines(): string[] {
    const lines: string[] = [];
    const log = createLogger({ sink: (line) => lines.push(line), clock: () => writtenAt, bindings: { function: 'f' } });
    const first = new InvocationMetrics('webhook');
    first.scans('demo').count({ batchSize: 500, accepted: 498, rowsWritten: 996, otsRetries: 1 }).reject('INVALID_WAYBILL_NO', 2).observeLag([writtenAt - 900, writtenAt - 100], writtenAt);
    first.flush(log);
    log.info('scans recorded', { partnerId: 'demo', accepted: 498 });
    const second = new InvocationMetrics('webhook');
    second.scans('demo').count({ batchSize: 500, duplicates: 498 }).reject('INVALID_WAYBILL_NO', 2);
    second.flush(log);
    const consumer = new InvocationMetrics('queue');
    consumer.scans('hub-scanner').count({ batchSize: 16, accepted: 15, rowsWritten: 30 }).reject('INVALID_EVENT').observeLag([writtenAt - 2000], writtenAt);
    consumer.countQueueBatch({ messages: 16, events: 16, deadLettered: 1 });
    consumer.flush(log);
    return lines;
  }

  it('add up the metric lines and skip every other line', () => {
    const totals = new MetricTotals(new Date(Date.UTC(2025, 10, 25, 6)));
    const counted = [...invocationLines(), 'not json', '2025-11-25T06:00:00.000Z 1-abc [info] console output', '{"level":"info","msg":"x"}', '{"kind":"metric","name":"unknown-set"}']
      .map((line) => totals.addLine(line));
    expect(counted.filter(Boolean)).toHaveLength(4);
    expect(totals.snapshot()).toEqual({
      since: '2025-11-25T06:00:00.000Z',
      metricLines: 4,
      scans: {
        demo: {
          invocations: 2,
          batchSize: 1000,
          accepted: 498,
          duplicates: 498,
          rejected: 4,
          rejectedReasons: { INVALID_WAYBILL_NO: 4 },
          rowsWritten: 996,
          otsRetries: 1,
          lagMsMax: 900,
          lagMsP50Max: 100,
        },
        'hub-scanner': {
          invocations: 1,
          batchSize: 16,
          accepted: 15,
          duplicates: 0,
          rejected: 1,
          rejectedReasons: { INVALID_EVENT: 1 },
          rowsWritten: 30,
          otsRetries: 0,
          lagMsMax: 2000,
          lagMsP50Max: 2000,
        },
      },
      orders: {},
      queueBatches: { invocations: 1, messages: 16, events: 16, unreadable: 0, deadLettered: 1, largestBatch: 16 },
    });
  });

  it('match what was sent, whatever the split into invocations (property)', () => {
    const invocation = fc.record({
      partnerId: fc.constantFrom('demo', 'sto-hub-sh', 'hub-scanner'),
      accepted: fc.nat(500),
      duplicates: fc.nat(500),
      rejected: fc.nat(20),
    });
    fc.assert(
      fc.property(fc.array(invocation, { maxLength: 30 }), (invocations) => {
        const totals = new MetricTotals(new Date(0));
        const log = createLogger({ sink: (line) => totals.addLine(line), clock: () => 0 });
        for (const sent of invocations) {
          const metrics = new InvocationMetrics('webhook');
          metrics.scans(sent.partnerId).count({ batchSize: sent.accepted + sent.duplicates + sent.rejected, accepted: sent.accepted, duplicates: sent.duplicates }).reject('INVALID_TYPE', sent.rejected);
          metrics.flush(log);
        }
        const snapshot = totals.snapshot();
        for (const partnerId of ['demo', 'sto-hub-sh', 'hub-scanner']) {
          const sent = invocations.filter((one) => one.partnerId === partnerId);
          const sum = (pick: (one: (typeof invocations)[number]) => number) => sent.reduce((total, one) => total + pick(one), 0);
          if (sent.length === 0) {
            expect(snapshot.scans[partnerId]).toBeUndefined();
            continue;
          }
          expect(snapshot.scans[partnerId]).toMatchObject({
            invocations: sent.length,
            accepted: sum((one) => one.accepted),
            duplicates: sum((one) => one.duplicates),
            rejected: sum((one) => one.rejected),
            batchSize: sum((one) => one.accepted + one.duplicates + one.rejected),
          });
        }
      }),
    );
  });

  it('hand out copies, so a snapshot does not change as lines arrive', () => {
    const totals = new MetricTotals(new Date(0));
    const lines = invocationLines();
    totals.addLine(lines[0] ?? '');
    const before = totals.snapshot();
    for (const line of lines) totals.addLine(line);
    expect(before.scans.demo?.invocations).toBe(1);
    expect(before.scans.demo?.rejectedReasons).toEqual({ INVALID_WAYBILL_NO: 2 });
  });
});

describe('order totals', () => {
  const placed = { waybillNo: '773061155005900', createdAt: '2025-11-25T06:00:05.000Z' };
  const noOrders: PartnerOrderTotals = { requests: 0, created: 0, replayed: 0, conflict: 0, rejected: 0, unauthorized: 0, failed: 0, reasons: {}, waybillBlocksReserved: 0, rowsWritten: 0, otsRetries: 0 };

  /** Writes the orders line of one invocation into `totals`, as the local runtime receives it. */
  function placeOrder(totals: MetricTotals, partnerId: string | undefined, answer: HttpResponse, counts: Partial<OrderCounts> = {}): void {
    const log = createLogger({ sink: (line) => totals.addLine(line), clock: () => writtenAt, bindings: { function: 'parcelscan-order-webhook' } });
    const metrics = new InvocationMetrics('webhook');
    const tally = metrics.order().count(counts);
    if (partnerId !== undefined) tally.authenticated(partnerId);
    tally.answered(answer);
    metrics.flush(log);
  }

  it('add up the orders lines by partner and outcome, with the refusals by reason', () => {
    const totals = new MetricTotals(new Date(0));
    placeOrder(totals, 'demo', jsonResponse(201, placed), { waybillBlocksReserved: 1, rowsWritten: 3 });
    placeOrder(totals, 'demo', jsonResponse(200, placed), { rowsWritten: 1 });
    placeOrder(totals, 'demo', errorResponse(new ParcelscanError('ORDER_CONFLICT')), { otsRetries: 2 });
    placeOrder(totals, 'demo', errorResponse(new ParcelscanError('INVALID_REQUEST', { details: [{ path: 'receiver.phone', message: 'x' }] })));
    placeOrder(totals, 'acme', errorResponse(new ParcelscanError('STORAGE_UNAVAILABLE')), { waybillBlocksReserved: 1, rowsWritten: 1, otsRetries: 7 });
    placeOrder(totals, undefined, errorResponse(new ParcelscanError('UNAUTHORIZED')));
    placeOrder(totals, undefined, errorResponse(new ParcelscanError('UNSUPPORTED_MEDIA_TYPE')));

    const snapshot = totals.snapshot();
    expect(snapshot.metricLines).toBe(7);
    expect(snapshot.orders).toEqual({
      demo: {
        ...noOrders,
        requests: 4,
        created: 1,
        replayed: 1,
        conflict: 1,
        rejected: 1,
        reasons: { ORDER_CONFLICT: 1, INVALID_RECEIVER_PHONE: 1 },
        waybillBlocksReserved: 1,
        rowsWritten: 4,
        otsRetries: 2,
      },
      acme: { ...noOrders, requests: 1, failed: 1, reasons: { STORAGE_UNAVAILABLE: 1 }, waybillBlocksReserved: 1, rowsWritten: 1, otsRetries: 7 },
      '(unauthenticated)': { ...noOrders, requests: 2, unauthorized: 1, rejected: 1, reasons: { UNAUTHORIZED: 1, UNSUPPORTED_MEDIA_TYPE: 1 } },
    });
    expect(snapshot.scans).toEqual({});
  });

  it('count a line with an outcome this version does not know as a request under no outcome, and skip counts that are not numbers', () => {
    const totals = new MetricTotals(new Date(0));
    totals.addLine('{"kind":"metric","name":"orders","partnerId":"demo","outcome":"queued","rowsWritten":"2","otsRetries":-1}');
    expect(totals.snapshot().orders).toEqual({ demo: { ...noOrders, requests: 1 } });
  });

  it('have outcomes that add up to the requests, whatever the answers (property)', () => {
    const answers = [
      jsonResponse(201, placed),
      jsonResponse(200, placed),
      errorResponse(new ParcelscanError('ORDER_CONFLICT')),
      errorResponse(new ParcelscanError('UNAUTHORIZED')),
      errorResponse(new ParcelscanError('PAYLOAD_TOO_LARGE')),
      errorResponse(new ParcelscanError('STORAGE_UNAVAILABLE')),
      errorResponse(new ParcelscanError('INTERNAL')),
    ];
    const invocation = fc.record({ partnerId: fc.constantFrom('demo', 'acme', undefined), answer: fc.constantFrom(...answers), rowsWritten: fc.nat(3) });
    fc.assert(
      fc.property(fc.array(invocation, { maxLength: 30 }), (invocations) => {
        const totals = new MetricTotals(new Date(0));
        for (const sent of invocations) placeOrder(totals, sent.partnerId, sent.answer, { rowsWritten: sent.rowsWritten });
        const orders = Object.values(totals.snapshot().orders);
        expect(orders.reduce((sum, partner) => sum + partner.requests, 0)).toBe(invocations.length);
        for (const partner of orders) expect(orderOutcomes.reduce((sum, outcome) => sum + partner[outcome], 0)).toBe(partner.requests);
        expect(orders.reduce((sum, partner) => sum + partner.rowsWritten, 0)).toBe(invocations.reduce((sum, sent) => sum + sent.rowsWritten, 0));
      }),
    );
  });

  it('hand out copies, so a snapshot does not change as lines arrive', () => {
    const totals = new MetricTotals(new Date(0));
    placeOrder(totals, 'demo', errorResponse(new ParcelscanError('ORDER_CONFLICT')));
    const before = totals.snapshot();
    placeOrder(totals, 'demo', errorResponse(new ParcelscanError('ORDER_CONFLICT')));
    expect(before.orders.demo).toMatchObject({ requests: 1, reasons: { ORDER_CONFLICT: 1 } });
  });
});
