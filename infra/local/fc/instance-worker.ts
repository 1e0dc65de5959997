/**
 * The code one FC instance runs, in its own worker thread: like FC's nodejs20 bootstrap it loads the
 * function's module once (module scope survives between invocations on a warm instance), then runs each
 * invocation with the event as a Buffer and an FC context, and reports its output per request: console and
 * `context.logger` calls, and what it writes straight to `process.stdout` / `process.stderr` (the structured log
 * lines of layers/core/src/observability), one record per line, as FC collects both into the function's logs.
 * It is bundled by esbuild at runtime start (see `bootstrap.ts`) so a Worker can load it as plain JS.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { format } from 'node:util';
import { parentPort, workerData } from 'node:worker_threads';
import type { FunctionErrorPayload, HandlerResult } from './events.ts';
import type { FcContext, FcLogger } from './fc-context.ts';
import type { InstanceMessage, InstanceSetup, InvocationResult, InvokeMessage } from './instance-protocol.ts';
import type { LogRecord } from './logs.ts';
import { levelOfLine, OutputLines } from './output-lines.ts';

type Handler = (event: Buffer, context: FcContext, callback?: (error: unknown, value?: unknown) => void) => unknown;

const port = parentPort;
if (port === null) throw new Error('instance-worker must run in a worker thread');
const setup = workerData as InstanceSetup;
const currentRequest = new AsyncLocalStorage<string>();

function post(message: InstanceMessage): void {
  port?.postMessage(message);
}

function emit(level: LogRecord['level'], requestId: string | undefined, args: unknown[]): void {
  post({ type: 'log', requestId, level, message: format(...args) });
}

const LEVELS: readonly LogRecord['level'][] = ['log', 'info', 'warn', 'error', 'debug'];
for (const level of LEVELS) {
  console[level] = (...args: unknown[]) => emit(level, currentRequest.getStore(), args);
}

function emitLine(line: string, fallback: LogRecord['level']): void {
  post({ type: 'log', requestId: currentRequest.getStore(), level: levelOfLine(line, fallback), message: line });
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

/** FC's error body for a thrown value (https://www.alibabacloud.com/help/en/functioncompute/fc/error-handling-nodejs). */
function errorPayload(error: unknown): FunctionErrorPayload {
  if (error instanceof Error) return { errorMessage: error.message, errorType: error.name, stackTrace: (error.stack ?? '').split('\n') };
  return { errorMessage: typeof error === 'string' ? error : format(error) };
}

/** How the nodejs runtime serialises a return value: strings and bytes as they are, the rest as JSON. */
function serialise(value: unknown): HandlerResult {
  if (value === undefined) return { kind: 'undefined' };
  if (typeof value === 'string') return { kind: 'string', text: value };
  if (value instanceof Uint8Array) return { kind: 'binary', data: new Uint8Array(value) };
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
  const event = Buffer.from(message.event);
  await currentRequest.run(message.requestId, async () => {
    let outcome: InvocationResult;
    try {
      outcome = { ok: true, result: serialise(await call(handler, event, contextFor(message.requestId))) };
    } catch (error) {
      outcome = { ok: false, error: errorPayload(error) };
    }
    flushOutput();
    post({ type: 'result', invocationId: message.invocationId, outcome });
  });
}

const started = performance.now();
let handler: Handler | undefined;
try {
  handler = loadHandler();
  post({ type: 'ready', initDurationMs: Math.round(performance.now() - started) });
} catch (error) {
  post({ type: 'init-error', error: errorPayload(error) });
}

port.on('message', (message: InvokeMessage) => {
  if (handler !== undefined) void invoke(handler, message);
});
