import { describe, expect, it } from 'vitest';
import { createLogger, formatLogLine, InvocationMetrics } from '../../../layers/core/src/observability/index.ts';

const t0 = Date.UTC(2025, 10, 25, 6, 0, 0, 41);

/** Lines exactly as the functions write them. */
function written(write: (log: ReturnType<typeof createLogger>) => void): string[] {
  const lines: string[] = [];
  const root = createLogger({ sink: (line) => lines.push(line), clock: () => t0, bindings: { function: 'parcelscan-scan-webhook' } });
  write(root.child({ requestId: '1-65362416-68afb557d64a2e283eccebce', traceId: '4bf92f3577b34da6a3ce929d0e0e4736' }));
  return lines;
}

describe('formatLogLine', () => {
  it('shows a log line as time, level, function, short trace id, message and the other fields', () => {
    const [line] = written((log) => log.warn('partner request refused', { partnerId: 'demo', reason: 'bad signature', status: 401 }));
    expect(formatLogLine(line ?? '', { color: false })).toBe(
      '06:00:00.041 WARN  parcelscan-scan-webhook 4bf92f35 partner request refused partnerId=demo reason="bad signature" status=401',
    );
  });

  it('shows a metric line with its name and values', () => {
    const [line] = written((log) => {
      const metrics = new InvocationMetrics('webhook');
      metrics.scans('demo').count({ batchSize: 2, accepted: 2 }).reject('INVALID_TYPE', 0);
      metrics.flush(log);
    });
    expect(formatLogLine(line ?? '', { color: false })).toBe(
      '06:00:00.041 METRIC parcelscan-scan-webhook 4bf92f35 scans partnerId=demo channel=webhook batchSize=2 accepted=2 duplicates=0 ' +
        'rowsWritten=0 otsRetries=0 rejected=0 rejectedReasons={}',
    );
  });

  it('colours the level for a terminal, and adds no colour codes otherwise', () => {
    const [line] = written((log) => log.error('scan webhook failed'));
    const coloured = formatLogLine(line ?? '', { color: true });
    expect(coloured).toContain('\u001b[31mERROR\u001b[0m');
    expect(formatLogLine(line ?? '', { color: false })).not.toContain('\u001b[');
  });

  it('returns lines that are not JSON objects unchanged', () => {
    for (const line of ['plain console output', '[1,2]', '{broken', '2025-11-25T06:00:00.041Z 1-abc [info] hello,fc']) {
      expect(formatLogLine(line, { color: true })).toBe(line);
    }
  });
});
