import type { LogRecord } from './logs.ts';

/**
 * What a function writes to `process.stdout` / `process.stderr` cut into lines, as FC cuts it into log entries: a
 * write may hold several lines or part of one, and only a newline ends a line. The instance worker feeds its
 * streams' writes through one of these each; what is left without a newline is flushed when the invocation ends.
 */
export class OutputLines {
  private pending = '';

  /** Adds written text; returns the lines it completed, without their newlines. */
  push(text: string): string[] {
    // The usual write: one whole line (a structured log line), after a line that ended.
    if (this.pending === '' && text.length > 0 && text.indexOf('\n') === text.length - 1) return [text.endsWith('\r\n') ? text.slice(0, -2) : text.slice(0, -1)];
    const parts = (this.pending + text).split('\n');
    this.pending = parts.pop() ?? '';
    return parts.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  }

  /** The text written since the last newline, if any, as a last line. */
  flush(): string | undefined {
    const rest = this.pending;
    this.pending = '';
    return rest === '' ? undefined : rest;
  }
}

const jsonLevel = /^\{"level":"(debug|info|warn|error)"/;

/**
 * The level a line of raw output is reported at: a structured log line's own `level`
 * (layers/core/src/observability, which writes it first), else `fallback` (the stream's: stdout `log`, stderr
 * `warn`). A regular expression, not a JSON parse: every line of every function passes here.
 *
 * @example
 * ```ts
 * levelOfLine('{"level":"error","time":"…","msg":"scan webhook failed"}', 'log'); // 'error'
 * levelOfLine('plain text', 'log');                                                // 'log'
 * ```
 */
export function levelOfLine(line: string, fallback: LogRecord['level']): LogRecord['level'] {
  const level = jsonLevel.exec(line)?.[1];
  return level === 'debug' || level === 'info' || level === 'warn' || level === 'error' ? level : fallback;
}
