import { describe, expect, it } from 'vitest';
import { renderStats, statsCommand, type StatsIo } from '../../../infra/local/commands/stats.ts';
import { ParcelscanError } from '../../../layers/core/src/errors.ts';
import { errorResponse } from '../../../layers/core/src/http/error-response.ts';
import { jsonResponse } from '../../../layers/core/src/http/http-event.ts';
import { createLogger, InvocationMetrics, MetricTotals, type MetricTotalsSnapshot } from '../../../layers/core/src/observability/index.ts';

/** Totals as the runtime would keep them after two scan webhook calls, one consumer batch and four orders. */
function totalsAfterTraffic(): MetricTotalsSnapshot {
  const totals = new MetricTotals(new Date(Date.UTC(2025, 10, 25, 6)));
  const log = createLogger({ sink: (line) => totals.addLine(line), clock: () => 0 });
  const first = new InvocationMetrics('webhook');
  first.scans('demo').count({ batchSize: 500, accepted: 499, rowsWritten: 998 }).reject('INVALID_WAYBILL_NO').observeLag([-120, -300], 0);
  first.flush(log);
  const second = new InvocationMetrics('webhook');
  second.scans('demo').count({ batchSize: 500, duplicates: 499, otsRetries: 2 }).reject('INVALID_WAYBILL_NO');
  second.flush(log);
  const consumer = new InvocationMetrics('queue');
  consumer.scans('hub-scanner').count({ batchSize: 16, accepted: 16, rowsWritten: 32 });
  consumer.countQueueBatch({ messages: 16, events: 16 });
  consumer.flush(log);
  const placed = { waybillNo: '773061155005900', createdAt: '2025-11-25T06:00:00.000Z' };
  const orders = [
    { partnerId: 'demo', answer: jsonResponse(201, placed), counts: { waybillBlocksReserved: 1, rowsWritten: 3 } },
    { partnerId: 'demo', answer: jsonResponse(200, placed), counts: { rowsWritten: 1 } },
    { partnerId: 'demo', answer: errorResponse(new ParcelscanError('ORDER_CONFLICT')), counts: { otsRetries: 1 } },
    { partnerId: undefined, answer: errorResponse(new ParcelscanError('UNAUTHORIZED')), counts: {} },
  ];
  for (const { partnerId, answer, counts } of orders) {
    const metrics = new InvocationMetrics('webhook');
    const tally = metrics.order().count(counts);
    if (partnerId !== undefined) tally.authenticated(partnerId);
    tally.answered(answer);
    metrics.flush(log);
  }
  return totals.snapshot();
}

/** An io that answers fetches with `answer` and keeps what is written. */
function fakeIo(answer: () => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>) {
  const out = { stdout: '', stderr: '', exitCode: 0, urls: [] as string[] };
  const io: StatsIo = {
    stdout: (text) => {
      out.stdout += text;
    },
    stderr: (text) => {
      out.stderr += text;
    },
    setExitCode: (code) => {
      out.exitCode = code;
    },
    fetch: (url) => {
      out.urls.push(url);
      return answer();
    },
  };
  return { io, out };
}

describe('parcelscan stats', () => {
  it('prints one row per partner and a total for scans and for orders, the reasons, and the queue batches', () => {
    expect(renderStats(totalsAfterTraffic())).toBe(
      [
        'parcelscan metric totals since 2025-11-25T06:00:00.000Z (8 metric lines)',
        '',
        'scans',
        'partner      invocations  events  accepted  duplicates  rejected  rows written  OTS retries  lag p50 (worst)  lag max',
        'demo                   2    1000       499         499         2           998            2           120 ms   300 ms',
        'hub-scanner            1      16        16           0         0            32            0                -        -',
        'total                  3    1016       515         499         2          1030            2           120 ms   300 ms',
        '',
        'rejected by reason',
        '  demo  INVALID_WAYBILL_NO  2',
        '',
        'orders',
        'partner            requests  created  replayed  conflict  rejected  unauthorized  failed  blocks reserved  rows written  OTS retries',
        '(unauthenticated)         1        0         0         0         0             1       0                0             0            0',
        'demo                      3        1         1         1         0             0       0                1             4            1',
        'total                     4        1         1         1         0             1       0                1             4            1',
        '',
        'orders refused by reason',
        '  (unauthenticated)    UNAUTHORIZED  1',
        '  demo               ORDER_CONFLICT  1',
        '',
        'queue batches: 1 invocations, 16 messages (largest batch 16), 16 events, 0 unreadable, 0 dead-lettered',
        '',
      ].join('\n'),
    );
  });

  it('says there is nothing yet when no metric line arrived', () => {
    expect(renderStats(new MetricTotals(new Date(0)).snapshot())).toContain('No metric lines yet');
  });

  it('fetches /__local/stats from the gateway and prints the totals', async () => {
    const snapshot = totalsAfterTraffic();
    const { io, out } = fakeIo(async () => ({ ok: true, status: 200, json: async () => JSON.parse(JSON.stringify(snapshot)) as unknown }));
    await statsCommand(io).parseAsync(['--gateway', 'http://127.0.0.1:9100'], { from: 'user' });
    expect(out.urls).toEqual(['http://127.0.0.1:9100/__local/stats']);
    expect(out.stdout).toBe(renderStats(snapshot));
    expect(out.exitCode).toBe(0);
  });

  it('prints JSON with --json', async () => {
    const snapshot = totalsAfterTraffic();
    const { io, out } = fakeIo(async () => ({ ok: true, status: 200, json: async () => JSON.parse(JSON.stringify(snapshot)) as unknown }));
    await statsCommand(io).parseAsync(['--json'], { from: 'user' });
    expect(out.urls).toEqual(['http://127.0.0.1:9000/__local/stats']);
    expect(JSON.parse(out.stdout)).toEqual(snapshot);
  });

  it('explains in one line when no local stack answers, or when the answer is not totals', async () => {
    const refused = fakeIo(async () => {
      throw new TypeError('fetch failed');
    });
    await statsCommand(refused.io).parseAsync([], { from: 'user' });
    expect(refused.out.stderr).toBe('parcelscan stats: no local stack answers at http://127.0.0.1:9000/__local/stats; start it with `npm start`\n');
    expect(refused.out.exitCode).toBe(1);

    const notFound = fakeIo(async () => ({ ok: false, status: 404, json: async () => ({}) }));
    await statsCommand(notFound.io).parseAsync([], { from: 'user' });
    expect(notFound.out.stderr).toContain('answered HTTP 404');

    const wrong = fakeIo(async () => ({ ok: true, status: 200, json: async () => ({ hello: 'world' }) }));
    await statsCommand(wrong.io).parseAsync([], { from: 'user' });
    expect(wrong.out.stderr).toContain('did not answer with metric totals');
  });
});
