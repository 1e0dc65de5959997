/**
 * The code one FC instance runs, in its own worker thread: like FC's nodejs20 bootstrap it loads the
 * function's module once (module scope survives between invocations on a warm instance), then runs each
 * invocation with the event as a Buffer and an FC context, and reports its output per request: console and
 * `context.logger` calls, and what it writes straight to `process.stdout` / `process.stderr` (the structured log
 * lines of layers/core/src/observability), one record per line, as FC collects both into the function's logs.
 * Lines travel with the invocation's result (instance-protocol.ts); those of a long invocation, or written outside
 * one, follow within {@link FLUSH_AFTER_MS}, and those of an instance that exits or throws go before it ends. Only
 * a handler stuck in synchronous code until its timeout loses what it printed in its last {@link FLUSH_AFTER_MS}.
 * It is bundled by esbuild at runtime start (see `bootstrap.ts`) so a Worker can load it as plain JS.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { format } from 'node:util';
import { parentPort, workerData } from 'node:worker_threads';
import type { FunctionErrorPayload } from './events.ts';
import type { FcContext, FcLogger } from './fc-context.ts';
import type { InstanceMessage, InstanceSetup, InvocationResult, InvokeMessage, OutputLine, WireResult } from './instance-protocol.ts';
import { invocationScope } from './invocation-scope.ts';
import type { LogRecord } from './logs.ts';
import { levelOfLine, OutputLines } from './output-lines.ts';
import { isPlainJson } from './plain-json.ts';

type Handler = (event: Buffer, context: FcContext, callback?: (error: unknown, value?: unknown) => void) => unknown;

/** How long a line may wait for its invocation's result before it is sent on its own. */
const FLUSH_AFTER_MS = 20;
/** Lines kept at most before they are sent. */
const FLUSH_AT_LINES = 100;

const port = parentPort;
if (port === null) throw new Error('instance-worker must run in a worker thread');
const setup = workerData as InstanceSetup;
const scope = invocationScope(setup.concurrency);

function post(message: InstanceMessage, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer);
}

let pendingLines: OutputLine[] = [];
let flushTimer: NodeJS.Timeout | undefined;

/** The lines not sent yet, handed over to go with a message. */
function takeLines(): OutputLine[] {
  if (flushTimer !== undefined) clearTimeout(flushTimer);
  flushTimer = undefined;
  const lines = pendingLines;
  pendingLines = [];
  return lines;
}

function flushLines(): void {
  const lines = takeLines();
  if (lines.length > 0) post({ type: 'lines', lines });
}

function report(level: LogRecord['level'], requestId: string | undefined, message: string): void {
  pendingLines.push({ requestId, level, message, timeMs: Date.now() });
  if (pendingLines.length >= FLUSH_AT_LINES) flushLines();
  else flushTimer ??= setTimeout(flushLines, FLUSH_AFTER_MS);
}

function emit(level: LogRecord['level'], requestId: string | undefined, args: unknown[]): void {
  report(level, requestId, format(...args));
}

const LEVELS: readonly LogRecord['level'][] = ['log', 'info', 'warn', 'error', 'debug'];
for (const level of LEVELS) {
  console[level] = (...args: unknown[]) => emit(level, scope.current(), args);
}

function emitLine(line: string, fallback: LogRecord['level']): void {
  report(levelOfLine(line, fallback), scope.current(), line);
}

/** The text of a `write(chunk, encoding?)` call, as Node's streams read their arguments. */
function chunkText(chunk: unknown, encoding: unknown): string {
  if (typeof chunk === 'string') {
    return typeof encoding === 'string' && Buffer.isEncoding(encoding) ? Buffer.from(chunk, encoding).toString('utf8') : chunk;
  }
  return chunk instanceof Uint8Array ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8') : String(chunk);
}

/**
 * Replaces a stream's `write` with one that reports each line as a log record of the request running; the worker's
 * own stream would pass the text to the parent's stdout unseen by the log sink. Lines are cut at newlines
 * (output-lines.ts); the callback, when given, is called as a stream calls it once the data is handled.
 */
function captureOutput(stream: NodeJS.WriteStream, fallback: LogRecord['level']): OutputLines {
  const lines = new OutputLines();
  const write = (chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
    for (const line of lines.push(chunkText(chunk, encoding))) emitLine(line, fallback);
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') process.nextTick(() => (done as (error?: Error | null) => void)(null));
    return true;
  };
  stream.write = write as NodeJS.WriteStream['write'];
  return lines;
}

const capturedOutput: readonly { lines: OutputLines; fallback: LogRecord['level'] }[] = [
  { lines: captureOutput(process.stdout, 'log'), fallback: 'log' },
  { lines: captureOutput(process.stderr, 'warn'), fallback: 'warn' },
];

/** Reports what was written without a final newline, before the invocation ends. */
function flushOutput(): void {
  for (const { lines, fallback } of capturedOutput) {
    const rest = lines.flush();
    if (rest !== undefined) emitLine(rest, fallback);
  }
}

/** What was printed just before the instance ends (process.exit, an uncaught error), last line included. */
function flushAll(): void {
  flushOutput();
  flushLines();
}

process.on('exit', flushAll);
process.on('uncaughtExceptionMonitor', flushAll);

/** FC's error body for a thrown value (https://www.alibabacloud.com/help/en/functioncompute/fc/error-handling-nodejs). */
function errorPayload(error: unknown): FunctionErrorPayload {
  if (error instanceof Error) return { errorMessage: error.message, errorType: error.name, stackTrace: (error.stack ?? '').split('\n') };
  return { errorMessage: typeof error === 'string' ? error : format(error) };
}

/**
 * How the nodejs runtime serialises a return value: strings and bytes as they are, the rest as JSON — sent as the
 * value itself when its JSON text would mean the same (plain-json.ts), so neither thread writes nor parses it.
 */
function serialise(value: unknown): WireResult {
  if (value === undefined) return { kind: 'undefined' };
  if (typeof value === 'string') return { kind: 'string', text: value };
  if (value instanceof Uint8Array) return { kind: 'binary', data: new Uint8Array(value) };
  if (isPlainJson(value)) return { kind: 'plain-json', value };
  return { kind: 'json', text: JSON.stringify(value) ?? 'null' };
}

function loadHandler(): Handler {
  const dot = setup.handler.lastIndexOf('.');
  const file = setup.handler.slice(0, dot);
  const exportName = setup.handler.slice(dot + 1);
  const requireFromCode = createRequire(path.join(setup.codeUri, 'package.json'));
  const loaded: unknown = requireFromCode(path.join(setup.codeUri, file));
  const handler = typeof loaded === 'object' && loaded !== null ? (loaded as Record<string, unknown>)[exportName] : undefined;
  // Message as in FC's error table (https://www.alibabacloud.com/help/ja/fc/error-types).
  if (typeof handler !== 'function') throw new Error(`Handler '${exportName}' missing on module '${file}'`);
  return handler as Handler;
}

function contextFor(requestId: string): FcContext {
  const logger: FcLogger = {
    debug: (...args) => emit('debug', requestId, args),
    info: (...args) => emit('info', requestId, args),
    warn: (...args) => emit('warn', requestId, args),
    error: (...args) => emit('error', requestId, args),
    log: (...args) => emit('log', requestId, args),
  };
  return {
    requestId,
    credentials: { ...setup.credentials },
    function: { ...setup.functionMeta },
    service: { logProject: '', logStore: '', qualifier: 'LATEST' },
    region: setup.region,
    accountId: setup.accountId,
    logger,
    retryCount: 0,
  };
}

function call(handler: Handler, event: Buffer, context: FcContext): Promise<unknown> {
  // A handler declaring a callback parameter answers through it, as FC's Node.js runtimes allow.
  if (handler.length >= 3) {
    return new Promise((resolve, reject) => {
      handler(event, context, (error, value) => (error === null || error === undefined ? resolve(value) : reject(error)));
    });
  }
  return Promise.resolve(handler(event, context));
}

async function invoke(handler: Handler, message: InvokeMessage): Promise<void> {
  const { requestId } = message;
  const event = Buffer.from(message.event.buffer, message.event.byteOffset, message.event.byteLength);
  const outcome = await scope.run(requestId, async (): Promise<InvocationResult> => {
    try {
      return { ok: true, result: serialise(await call(handler, event, contextFor(requestId))) };
    } catch (error) {
      return { ok: false, error: errorPayload(error) };
    } finally {
      flushOutput();
    }
  });
  // The copy of the handler's bytes (serialise) moves to the runtime's thread rather than being cloned.
  const transfer = outcome.ok && outcome.result.kind === 'binary' ? [outcome.result.data.buffer as ArrayBuffer] : [];
  const lines = takeLines();
  try {
    post({ type: 'result', invocationId: message.invocationId, outcome, lines }, transfer);
  } catch (error) {
    // A result the thread cannot pass on (structured clone refused it) is the handler's error, as FC reports an
    // answer it cannot serialise, not a crash of the instance.
    post({ type: 'result', invocationId: message.invocationId, outcome: { ok: false, error: errorPayload(error) }, lines });
  }
}

const started = performance.now();
let handler: Handler | undefined;
try {
  handler = loadHandler();
  flushLines();
  post({ type: 'ready', initDurationMs: Math.round(performance.now() - started) });
} catch (error) {
  flushLines();
  post({ type: 'init-error', error: errorPayload(error) });
}

port.on('message', (message: InvokeMessage) => {
  if (handler !== undefined) void invoke(handler, message);
});
