import { formatLogLine } from '../../../layers/core/src/observability/format-log-line.ts';

/** What the runtime reports: a function's own output, or the runtime's (cold starts, reaping, triggers). */
export interface LogRecord {
  source: 'function' | 'runtime';
  functionName: string;
  /** Absent for output outside any invocation (module initialisation) and for runtime events. */
  requestId?: string;
  instanceId?: string;
  level: 'log' | 'info' | 'warn' | 'error' | 'debug';
  message: string;
  time: Date;
}

export type LogSink = (record: LogRecord) => void;

/**
 * One line per record, prefixed with the function name and, as FC's log lines are
 * (`2022-04-01T10:04:19.024Z <requestId> [info] hello,fc`), the time, request id and level.
 */
export function formatLogRecord(record: LogRecord): string {
  const requestId = record.requestId ?? '-';
  const prefix = record.source === 'runtime' ? `[${record.functionName}] (runtime)` : `[${record.functionName}]`;
  return `${prefix} ${record.time.toISOString()} ${requestId} [${record.level}] ${record.message}`;
}

/** How a record is shown: `pretty` for a person at a terminal (with ANSI `color` or not), else as written. */
export interface RenderOptions {
  pretty: boolean;
  color: boolean;
}

/**
 * A record as `npm start` shows it. A function's structured line (a JSON object, layers/core/src/observability) is
 * made readable in a terminal (`formatLogLine`) and kept as the JSON itself otherwise, so piped output can be read by
 * `jq` or shipped as it is; any other record is {@link formatLogRecord}'s line.
 *
 * @example
 * ```ts
 * renderLogRecord(record, { pretty: true, color: false });
 * // '06:00:00.041 INFO  parcelscan-scan-webhook 4bf92f35 scans recorded partnerId=demo accepted=1 …'
 * ```
 */
export function renderLogRecord(record: LogRecord, options: RenderOptions): string {
  if (record.source !== 'function' || !record.message.startsWith('{')) return formatLogRecord(record);
  if (!options.pretty) return record.message;
  const pretty = formatLogLine(record.message, { color: options.color });
  // formatLogLine hands back its input when it is not a JSON object: show that as any other output.
  return pretty === record.message ? formatLogRecord(record) : pretty;
}

/** A stream the console sink writes to: `process.stdout` or `process.stderr`, or a test's stand-in. */
export interface ConsoleStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ConsoleLogSinkOptions {
  stdout: ConsoleStream;
  stderr: ConsoleStream;
  /** Read for `NO_COLOR`. */
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * Prints warnings and errors to stderr and the rest to stdout, each stream pretty when it is a terminal, in
 * colour unless `NO_COLOR` is set to anything but the empty string (https://no-color.org), and the JSON lines
 * themselves when the stream is piped.
 */
export function createConsoleLogSink(options: ConsoleLogSinkOptions): LogSink {
  const color = (options.env.NO_COLOR ?? '') === '';
  return (record) => {
    const stream = record.level === 'error' || record.level === 'warn' ? options.stderr : options.stdout;
    const pretty = stream.isTTY === true;
    stream.write(`${renderLogRecord(record, { pretty, color: pretty && color })}\n`);
  };
}

/** {@link createConsoleLogSink} on this process's streams and environment. */
export const consoleLogSink: LogSink = createConsoleLogSink({ stdout: process.stdout, stderr: process.stderr, env: process.env });
