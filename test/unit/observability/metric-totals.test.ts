import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLogger, InvocationMetrics, MetricTotals, parseMetricLine } from '../../../layers/core/src/observability/index.ts';

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
