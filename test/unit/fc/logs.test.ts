import { describe, expect, it } from 'vitest';
import { createConsoleLogSink, renderLogRecord, type ConsoleStream, type LogRecord } from '../../../infra/local/fc/logs.ts';
import { levelOfLine, OutputLines } from '../../../infra/local/fc/output-lines.ts';

const jsonLine =
  '{"level":"info","time":"2025-11-25T06:00:00.041Z","function":"parcelscan-scan-webhook","requestId":"1-65362416-68afb557d64a2e283eccebce","traceId":"4bf92f3577b34da6a3ce929d0e0e4736","msg":"scans recorded","accepted":1}';

function record(overrides: Partial<LogRecord> = {}): LogRecord {
  return {
    source: 'function',
    functionName: 'parcelscan-scan-webhook',
    requestId: '1-65362416-68afb557d64a2e283eccebce',
    level: 'info',
    message: jsonLine,
    time: new Date(Date.UTC(2025, 10, 25, 6, 0, 0, 41)),
    ...overrides,
  };
}

function stream(isTTY: boolean): ConsoleStream & { text: string } {
  const written = {
    text: '',
    isTTY,
    write(text: string) {
      written.text += text;
    },
  };
  return written;
}

describe('a log record as npm start shows it', () => {
  it("is a function's JSON line made readable in a terminal", () => {
    expect(renderLogRecord(record(), { pretty: true, color: false })).toBe('06:00:00.041 INFO  parcelscan-scan-webhook 4bf92f35 scans recorded accepted=1');
  });

  it('is the JSON line itself when piped', () => {
    expect(renderLogRecord(record(), { pretty: false, color: false })).toBe(jsonLine);
  });

  it('keeps the FC-style prefix for runtime events and for output that is not a JSON object', () => {
    const runtime = record({ source: 'runtime', message: 'cold start: instance c-1 initialised in 40 ms' });
    expect(renderLogRecord(runtime, { pretty: true, color: true })).toBe(
      '[parcelscan-scan-webhook] (runtime) 2025-11-25T06:00:00.041Z 1-65362416-68afb557d64a2e283eccebce [info] cold start: instance c-1 initialised in 40 ms',
    );
    const text = record({ level: 'log', message: '{not json' });
    expect(renderLogRecord(text, { pretty: true, color: false })).toBe(
      '[parcelscan-scan-webhook] 2025-11-25T06:00:00.041Z 1-65362416-68afb557d64a2e283eccebce [log] {not json',
    );
  });
});

describe('the console log sink', () => {
  it('colours a terminal, unless NO_COLOR is set, and writes warnings and errors to stderr', () => {
    const stdout = stream(true);
    const stderr = stream(true);
    createConsoleLogSink({ stdout, stderr, env: {} })(record());
    createConsoleLogSink({ stdout, stderr, env: { NO_COLOR: '1' } })(record({ level: 'warn', message: jsonLine.replace('"info"', '"warn"') }));

    expect(stdout.text).toContain('\u001b[');
    expect(stderr.text).toBe('06:00:00.041 WARN  parcelscan-scan-webhook 4bf92f35 scans recorded accepted=1\n');
  });

  it('writes the JSON lines as they are when the stream is piped', () => {
    const stdout = stream(false);
    createConsoleLogSink({ stdout, stderr: stream(false), env: {} })(record());
    expect(stdout.text).toBe(`${jsonLine}\n`);
  });
});

describe("a function's raw output", () => {
  it('is cut into lines at newlines, whatever the writes, the rest kept for a flush', () => {
    const lines = new OutputLines();
    expect(lines.push('{"a":1}\n{"b"')).toEqual(['{"a":1}']);
    expect(lines.push(':2}\r\nthird\n')).toEqual(['{"b":2}', 'third']);
    expect(lines.push('no newline')).toEqual([]);
    expect(lines.flush()).toBe('no newline');
    expect(lines.flush()).toBeUndefined();
  });

  it('cuts writes of one whole line each, empty writes and blank lines as any other text', () => {
    const lines = new OutputLines();
    expect(lines.push('{"a":1}\n')).toEqual(['{"a":1}']);
    expect(lines.push('windows line\r\n')).toEqual(['windows line']);
    expect(lines.push('')).toEqual([]);
    expect(lines.push('\n')).toEqual(['']);
    expect(lines.flush()).toBeUndefined();
  });

  it("is reported at a structured line's own level, else at the stream's", () => {
    expect(levelOfLine('{"level":"error","time":"…"}', 'log')).toBe('error');
    expect(levelOfLine('{"kind":"metric","name":"scans"}', 'log')).toBe('log');
    expect(levelOfLine('{"level":"loud"}', 'warn')).toBe('warn');
    expect(levelOfLine('plain', 'warn')).toBe('warn');
  });
});
