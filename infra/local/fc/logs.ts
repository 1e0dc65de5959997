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

/** Prints function output to stdout and runtime events and errors to stderr. */
export const consoleLogSink: LogSink = (record) => {
  const line = formatLogRecord(record);
  if (record.level === 'error' || record.level === 'warn') process.stderr.write(`${line}\n`);
  else process.stdout.write(`${line}\n`);
};
