import { maskText, sanitizeFields, type JsonValue } from './redact.ts';

/**
 * Structured logs: one JSON object per line on stdout, which Function Compute ships to the function's SLS
 * Logstore (`logConfig`) as the `message` field of one log entry.
 *
 * Why raw lines on `process.stdout`: FC's Node.js logging page says output of `process.stdout.write` is stored
 * "as is", while `console.log` and `context.logger` prefix every line with time, request id and level
 * (`2023-04-01T10:04:19.024Z 19b394a3-… [info] hello,world`), which would stop SLS from reading the line as JSON
 * (FC 3.0 "Logs" for Node.js, https://www.alibabacloud.com/help/doc-detail/2512968.html, "Use process.stdout.write
 * to print logs"; FC captures stdout and stderr: https://help.aliyun.com/en/functioncompute/fc/print-function-logs).
 * The request id those prefixes carried is a field of every line here instead.
 *
 * Every line carries, in this order: `level, time, function, requestId, traceId, partnerId?, waybillNo?, outcome?,
 * durationMs?, msg`, then the call's other fields. Per-request fields are bound with {@link Logger.child}: one root
 * logger per instance (module scope, never changed), one child per invocation passed down explicitly. Every field
 * goes through {@link sanitizeFields}, so personal data (receiver, sender, name, phone, address, signedBy…) never
 * reaches a line. One line costs microseconds (bench/README.md puts a structured line at ≈ 9 µs):
 * log per batch and per invocation, never per scan event.
 *
 * Why not pino (10.4.0, the standard fast JSON logger): bundled for node20 by esbuild as build.ts bundles functions
 * (unminified), pino and its 11 dependencies are 150 KB (64 KB minified) against 22 KB for this whole folder, and
 * loading it and writing a first line took ≈ 6 ms more than a bare `process.stdout.write` of a JSON line (this
 * folder: ≈ 3 ms, half of it `node:crypto`, which the SDKs load anyway) — measured on this machine, medians of 25
 * runs. That is more than a third of a function's 400 KB bundle budget and a sixth of its 40 ms cold-start budget,
 * and its redaction matches fixed paths only (see redact.ts), so the deep walk below would be needed on top of it.
 * At one line per batch its speed buys nothing here: a line with nested fields costs ≈ 5 µs with this logger.
 */

/** Severities, lowest first; `silent` turns logs off (metric lines are still written). */
export const logLevels = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];
/** A level a line can be written at. */
export type LineLevel = Exclude<LogLevel, 'silent'>;

const severity: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** The fields every line may carry, by the names SLS queries use; anything else is allowed beside them. */
export interface CoreLogFields {
  /** The FC function name, e.g. `parcelscan-scan-webhook`. */
  function?: string;
  /** FC's request id of the invocation (`context.requestId`). */
  requestId?: string;
  /** The W3C trace id that links a partner's request to every line and row it caused (see trace.ts). */
  traceId?: string;
  partnerId?: string;
  waybillNo?: string;
  /** What became of the work the line reports, e.g. `ok`, `rejected`, `unauthorized`, `storage-unavailable`. */
  outcome?: string;
  durationMs?: number;
}

/** Fields of a line: the core ones, and any others (redacted and made JSON-safe before they are written). */
export type LogFields = CoreLogFields & Readonly<Record<string, unknown>>;

/** Where finished lines go: one JSON text per call, without the trailing newline. */
export type LogSink = (line: string) => void;

/** Writes a line and a newline to the process's stdout, which FC collects (see the module comment). */
export const stdoutSink: LogSink = (line) => {
  process.stdout.write(`${line}\n`);
};

/** Something metric lines can be written to; {@link Logger} is one. */
export interface MetricWriter {
  /**
   * Writes one metric line `{"kind":"metric","name":…,"time":…, <bound core fields>, …values}` whatever the log
   * level (metrics are not logs, and dashboards must not go blank when LOG_LEVEL is raised).
   */
  metric(name: string, values: object): void;
}

/** A structured logger. Immutable: {@link Logger.child} returns a new one. */
export interface Logger extends MetricWriter {
  /** The lowest level written. */
  readonly level: LogLevel;
  isLevelEnabled(level: LineLevel): boolean;
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger whose lines also carry `bindings` (redacted once, here); a call's own fields win over them. */
  child(bindings: LogFields): Logger;
}

export interface LoggerOptions {
  /**
   * The lowest level written, usually `process.env.LOG_LEVEL`: one of `debug`, `info`, `warn`, `error`, `silent`
   * (any case). Absent means `info`; anything else also means `info`, and the logger says so in a `warn` line.
   */
  level?: string;
  /** Defaults to {@link stdoutSink}. */
  sink?: LogSink;
  /** Milliseconds since the epoch, like `Date.now` (the default). */
  clock?: () => number;
  /** Fields on every line of this logger, e.g. `{ function: 'parcelscan-scan-webhook' }`. */
  bindings?: LogFields;
}

/**
 * Reads a level name, case-insensitively; `undefined` for anything that is not one.
 *
 * @example
 * ```ts
 * parseLogLevel('WARN');    // 'warn'
 * parseLogLevel('verbose'); // undefined
 * ```
 */
export function parseLogLevel(text: string | undefined): LogLevel | undefined {
  const name = text?.trim().toLowerCase();
  return (logLevels as readonly string[]).includes(name ?? '') ? (name as LogLevel) : undefined;
}

/** The core fields in the order they are written, after `level` and `time`. */
const coreKeys = ['function', 'requestId', 'traceId', 'partnerId', 'waybillNo', 'outcome', 'durationMs'] as const;
const coreKeySet: ReadonlySet<string> = new Set(coreKeys);
/** Keys a caller's fields may not overwrite; such a field is written as `_<key>`. */
const reservedKeys: ReadonlySet<string> = new Set(['level', 'time', 'msg', 'kind', 'name']);

interface LoggerConfig {
  threshold: number;
  level: LogLevel;
  sink: LogSink;
  clock: () => number;
}

/**
 * Makes the root logger of an FC instance: create it once in module scope, then bind each invocation with
 * {@link Logger.child} and pass the child down.
 *
 * @example
 * ```ts
 * const root = createLogger({ level: process.env.LOG_LEVEL });
 *
 * export async function handler(event: Buffer, context: FcContext) {
 *   const request = parseHttpTriggerEvent(event);
 *   const trace = traceFromRequest({ headers: request.headers, requestId: context.requestId });
 *   const log = root.child({ function: context.function.name, requestId: context.requestId, traceId: trace.traceId });
 *   log.info('scans recorded', { partnerId: 'demo', outcome: 'ok', accepted: 498, durationMs: 41 });
 *   // {"level":"info","time":"2025-11-25T06:00:00.041Z","function":"parcelscan-scan-webhook","requestId":"1-…",
 *   //  "traceId":"4bf92f3577b34da6a3ce929d0e0e4736","partnerId":"demo","outcome":"ok","durationMs":41,
 *   //  "msg":"scans recorded","accepted":498}
 * }
 * ```
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const parsed = parseLogLevel(options.level);
  const level = parsed ?? 'info';
  const config: LoggerConfig = {
    threshold: severity[level],
    level,
    sink: options.sink ?? stdoutSink,
    clock: options.clock ?? Date.now,
  };
  const logger = new JsonLogger(config, sanitizeFields(options.bindings ?? {}));
  if (parsed === undefined && options.level !== undefined && options.level.trim() !== '') {
    logger.warn('LOG_LEVEL is not a level; logging at info', { logLevel: options.level, levels: logLevels });
  }
  return logger;
}

class JsonLogger implements Logger {
  constructor(
    private readonly config: LoggerConfig,
    private readonly bindings: Readonly<Record<string, JsonValue>>,
  ) {}

  get level(): LogLevel {
    return this.config.level;
  }

  isLevelEnabled(level: LineLevel): boolean {
    return severity[level] >= this.config.threshold;
  }

  debug(msg: string, fields?: LogFields): void {
    this.write('debug', msg, fields);
  }

  info(msg: string, fields?: LogFields): void {
    this.write('info', msg, fields);
  }

  warn(msg: string, fields?: LogFields): void {
    this.write('warn', msg, fields);
  }

  error(msg: string, fields?: LogFields): void {
    this.write('error', msg, fields);
  }

  child(bindings: LogFields): Logger {
    return new JsonLogger(this.config, { ...this.bindings, ...sanitizeFields(bindings) });
  }

  metric(name: string, values: object): void {
    const line: Record<string, JsonValue> = { kind: 'metric', name, time: this.now() };
    this.compose(line, sanitizeFields(values), undefined);
    this.config.sink(JSON.stringify(line));
  }

  private write(level: LineLevel, msg: string, fields: LogFields | undefined): void {
    if (severity[level] < this.config.threshold) return;
    const line: Record<string, JsonValue> = { level, time: this.now() };
    this.compose(line, fields === undefined ? {} : sanitizeFields(fields), maskText(msg));
    this.config.sink(JSON.stringify(line));
  }

  /** Core fields in their order (the call's over the bound ones), then `msg`, then every other field. */
  private compose(line: Record<string, JsonValue>, own: Readonly<Record<string, JsonValue>>, msg: string | undefined): void {
    for (const key of coreKeys) {
      const value = own[key] ?? this.bindings[key];
      if (value !== undefined) line[key] = value;
    }
    if (msg !== undefined) line.msg = msg;
    for (const source of [this.bindings, own]) {
      for (const [key, value] of Object.entries(source)) {
        if (coreKeySet.has(key)) continue;
        line[reservedKeys.has(key) ? `_${key}` : key] = value;
      }
    }
  }

  private now(): string {
    return new Date(this.config.clock()).toISOString();
  }
}
