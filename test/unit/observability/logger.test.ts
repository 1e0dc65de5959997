import { describe, expect, it } from 'vitest';
import { createLogger, parseLogLevel, type LoggerOptions } from '../../../layers/core/src/observability/index.ts';

const t0 = Date.UTC(2025, 10, 25, 6, 0, 0, 41);

/** A logger writing into an array, at a fixed time. */
function capture(options: Omit<LoggerOptions, 'sink' | 'clock'> = {}) {
  const lines: string[] = [];
  const log = createLogger({ ...options, sink: (line) => lines.push(line), clock: () => t0 });
  const parsed = (): Record<string, unknown>[] => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { log, lines, parsed };
}

describe('a log line', () => {
  it('is one line of valid JSON with level, time, the bound fields, msg, then the extra fields, in that order', () => {
    const { log, lines } = capture({ bindings: { function: 'parcelscan-scan-webhook' } });
    log
      .child({ requestId: '1-65362416-68afb557d64a2e283eccebce', traceId: '6536241668afb557d64a2e283eccebce' })
      .info('scans recorded', { accepted: 498, partnerId: 'demo', outcome: 'ok', durationMs: 41, waybillNo: '773061155005903' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    const line = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(Object.keys(line)).toEqual([
      'level', 'time', 'function', 'requestId', 'traceId', 'partnerId', 'waybillNo', 'outcome', 'durationMs', 'msg', 'accepted',
    ]);
    expect(line).toEqual({
      level: 'info',
      time: '2025-11-25T06:00:00.041Z',
      function: 'parcelscan-scan-webhook',
      requestId: '1-65362416-68afb557d64a2e283eccebce',
      traceId: '6536241668afb557d64a2e283eccebce',
      partnerId: 'demo',
      waybillNo: '773061155005903',
      outcome: 'ok',
      durationMs: 41,
      msg: 'scans recorded',
      accepted: 498,
    });
  });

  it("keeps a message's newlines inside the JSON string, so one event stays one line", () => {
    const { log, lines } = capture();
    log.error('first\nsecond', { detailText: 'a\r\nb' });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.split('\n')).toHaveLength(1);
  });

  it("lets a call's fields win over the bound ones, and never overwrites level, time or msg", () => {
    const { log, parsed } = capture();
    log.child({ partnerId: 'demo', outcome: 'pending' }).warn('done', { outcome: 'ok', level: 'debug', msg: 'x', time: 1 });
    expect(parsed()[0]).toMatchObject({ level: 'warn', msg: 'done', outcome: 'ok', partnerId: 'demo', _level: 'debug', _msg: 'x', _time: 1 });
  });

  it('writes an Error as its type, message, own fields and stack', () => {
    const { log, parsed } = capture();
    const error = Object.assign(new Error('OTSServerBusy: try later'), { code: 'OTSServerBusy', retryable: true });
    log.error('scan webhook failed', { error });
    expect(parsed()[0]?.error).toMatchObject({ type: 'Error', message: 'OTSServerBusy: try later', code: 'OTSServerBusy', retryable: true });
  });

  it('leaves child loggers independent: binding one request never changes another', () => {
    const { log, parsed } = capture({ bindings: { function: 'f' } });
    const first = log.child({ requestId: 'r1', traceId: 't1' });
    const second = log.child({ requestId: 'r2', traceId: 't2' });
    first.info('a');
    second.info('b');
    log.info('c');
    expect(parsed().map((line) => [line.requestId, line.traceId])).toEqual([
      ['r1', 't1'],
      ['r2', 't2'],
      [undefined, undefined],
    ]);
  });
});

describe('the log level', () => {
  it('comes from LOG_LEVEL, case-insensitively, and is info when absent', () => {
    expect(parseLogLevel('WARN')).toBe('warn');
    expect(parseLogLevel(' debug ')).toBe('debug');
    expect(parseLogLevel(undefined)).toBeUndefined();
    expect(createLogger({ sink: () => undefined }).level).toBe('info');
  });

  it('drops lines below it', () => {
    const { log, parsed } = capture({ level: 'warn' });
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(parsed().map((line) => line.level)).toEqual(['warn', 'error']);
    expect(log.isLevelEnabled('info')).toBe(false);
    expect(log.isLevelEnabled('error')).toBe(true);
  });

  it('falls back to info, and says so, when LOG_LEVEL is not a level', () => {
    const { log, parsed } = capture({ level: 'verbose' });
    expect(log.level).toBe('info');
    expect(parsed()[0]).toMatchObject({ level: 'warn', msg: 'LOG_LEVEL is not a level; logging at info', logLevel: 'verbose' });
  });

  it('does not silence metric lines', () => {
    const { log, parsed } = capture({ level: 'silent', bindings: { function: 'f' } });
    log.error('hidden');
    log.child({ requestId: 'r1' }).metric('scans', { partnerId: 'demo', accepted: 2 });
    expect(parsed()).toEqual([{ kind: 'metric', name: 'scans', time: '2025-11-25T06:00:00.041Z', function: 'f', requestId: 'r1', partnerId: 'demo', accepted: 2 }]);
  });
});

describe('personal data', () => {
  it('is masked in bound fields, call fields and nested values, and in free text', () => {
    const { log, lines } = capture();
    log
      .child({ receiver: { name: 'Li Lei', phone: '13812345678' } })
      .info('delivered, call 138 1234 5678', {
        waybillNo: '773061155005903',
        event: { signedBy: 'Han Meimei', remark: 'left at door', address: { detail: 'Room 1, No. 2 Road' } },
        senderMobile: '13900001111',
      });
    const text = lines.join('\n');
    for (const secret of ['Li Lei', '13812345678', '138 1234 5678', 'Han Meimei', 'Room 1', '13900001111']) expect(text).not.toContain(secret);
    const line = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(line).toMatchObject({
      receiver: '[REDACTED]',
      senderMobile: '[REDACTED]',
      waybillNo: '773061155005903',
      event: { signedBy: '[REDACTED]', remark: 'left at door', address: '[REDACTED]' },
      msg: 'delivered, call [REDACTED]',
    });
  });
});
