import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createLogger,
  InvocationMetrics,
  rejectionReason,
  type MetricWriter,
} from '../../../layers/core/src/observability/index.ts';

/** A writer that keeps what it is given. */
function recorder(): MetricWriter & { written: { name: string; values: object }[] } {
  const written: { name: string; values: object }[] = [];
  return { written, metric: (name, values) => written.push({ name, values }) };
}

const writtenAt = Date.UTC(2025, 10, 25, 6, 0, 5);

describe('the metrics of one invocation', () => {
  it('flush as one scans line per partner, with counts, rejections by reason and lag', () => {
    const metrics = new InvocationMetrics('webhook');
    metrics
      .scans('demo')
      .count({ batchSize: 500, accepted: 497, duplicates: 1, rowsWritten: 994, otsRetries: 3 })
      .reject('INVALID_WAYBILL_NO')
      .reject('INVALID_OCCURRED_AT', 1)
      .observeLag([writtenAt - 3000, writtenAt - 1000, writtenAt - 2000, writtenAt - 4000], writtenAt);
    const writer = recorder();
    metrics.flush(writer);
    expect(writer.written).toEqual([
      {
        name: 'scans',
        values: {
          partnerId: 'demo',
          channel: 'webhook',
          batchSize: 500,
          accepted: 497,
          duplicates: 1,
          rowsWritten: 994,
          otsRetries: 3,
          rejected: 2,
          rejectedReasons: { INVALID_WAYBILL_NO: 1, INVALID_OCCURRED_AT: 1 },
          lagMsMax: 4000,
          lagMsP50: 2000,
        },
      },
    ]);
  });

  it('keeps partners apart and adds a queue-batch line for a consumer', () => {
    const metrics = new InvocationMetrics('queue');
    metrics.scans('hub-scanner').count({ batchSize: 10, accepted: 10 });
    metrics.scans('sto-hub-sh').count({ batchSize: 4, duplicates: 4 });
    metrics.scans('hub-scanner').count({ batchSize: 2, accepted: 1 }).reject('INVALID_EVENT');
    metrics.countQueueBatch({ messages: 16, events: 16, unreadable: 1 }).countQueueBatch({ deadLettered: 2 });
    expect(metrics.lines().map(({ name, values }) => [name, values])).toEqual([
      ['scans', { partnerId: 'hub-scanner', channel: 'queue', batchSize: 12, accepted: 11, duplicates: 0, rowsWritten: 0, otsRetries: 0, rejected: 1, rejectedReasons: { INVALID_EVENT: 1 } }],
      ['scans', { partnerId: 'sto-hub-sh', channel: 'queue', batchSize: 4, accepted: 0, duplicates: 4, rowsWritten: 0, otsRetries: 0, rejected: 0, rejectedReasons: {} }],
      ['queue-batch', { messages: 16, events: 16, unreadable: 1, deadLettered: 2 }],
    ]);
  });

  it('flushes once, however often flush is called', () => {
    const metrics = new InvocationMetrics('webhook');
    metrics.scans('demo').count({ accepted: 1 });
    const writer = recorder();
    metrics.flush(writer);
    metrics.flush(writer);
    expect(writer.written).toHaveLength(1);
  });

  it('ignores counts that are not positive numbers rather than throwing into the handler', () => {
    const metrics = new InvocationMetrics('webhook');
    metrics.scans('demo').count({ accepted: -1, duplicates: Number.NaN, batchSize: Number.POSITIVE_INFINITY }).reject('X', 0);
    expect(metrics.lines()[0]?.values).toMatchObject({ accepted: 0, duplicates: 0, batchSize: 0, rejected: 0, rejectedReasons: {} });
  });

  it('has a median lag by nearest rank and the largest lag (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -60_000, max: 7 * 86_400_000 }), { minLength: 1, maxLength: 600 }), (lags) => {
        const metrics = new InvocationMetrics('queue');
        metrics.scans('demo').observeLag(lags.map((lag) => writtenAt - lag), writtenAt);
        const values = metrics.lines()[0]?.values as { lagMsMax: number; lagMsP50: number };
        const sorted = [...lags].sort((a, b) => a - b);
        expect(values.lagMsMax).toBe(sorted[sorted.length - 1]);
        expect(values.lagMsP50).toBe(sorted[Math.ceil(sorted.length / 2) - 1]);
        expect(sorted.filter((lag) => lag <= values.lagMsP50).length).toBeGreaterThanOrEqual(sorted.length / 2);
      }),
    );
  });

  it('writes lines through the logger with the bound request fields, as SLS receives them', () => {
    const lines: string[] = [];
    const log = createLogger({ sink: (line) => lines.push(line), clock: () => writtenAt, bindings: { function: 'parcelscan-scan-webhook' } })
      .child({ requestId: '1-65362416-68afb557d64a2e283eccebce', traceId: '6536241668afb557d64a2e283eccebce' });
    const metrics = new InvocationMetrics('webhook');
    metrics.scans('demo').count({ batchSize: 2, accepted: 2, rowsWritten: 4 }).observeLag([writtenAt - 250, writtenAt - 100], writtenAt);
    metrics.flush(log);
    expect(lines).toEqual([
      '{"kind":"metric","name":"scans","time":"2025-11-25T06:00:05.000Z","function":"parcelscan-scan-webhook",' +
        '"requestId":"1-65362416-68afb557d64a2e283eccebce","traceId":"6536241668afb557d64a2e283eccebce","partnerId":"demo",' +
        '"channel":"webhook","batchSize":2,"accepted":2,"duplicates":0,"rowsWritten":4,"otsRetries":0,"rejected":0,' +
        '"rejectedReasons":{},"lagMsMax":250,"lagMsP50":100}',
    ]);
  });
});

describe('rejectionReason', () => {
  it("names a rejection after its first error's field", () => {
    expect(rejectionReason([{ path: 'events[3].waybillNo' }, { path: 'events[3].type' }])).toBe('INVALID_WAYBILL_NO');
    expect(rejectionReason([{ path: 'events[0].occurredAt' }])).toBe('INVALID_OCCURRED_AT');
    expect(rejectionReason([{ path: 'facilityCode' }])).toBe('INVALID_FACILITY_CODE');
    expect(rejectionReason([{ path: 'events[12].lat' }])).toBe('INVALID_LAT');
    expect(rejectionReason([{ path: 'events[3]' }])).toBe('INVALID_EVENT');
    expect(rejectionReason([])).toBe('INVALID_EVENT');
  });
});
