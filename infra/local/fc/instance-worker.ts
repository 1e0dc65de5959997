/**
 * The code one FC instance runs, in its own worker thread: like FC's nodejs20 bootstrap it loads the
 * function's module once (module scope survives between invocations on a warm instance), then runs each
 * invocation with the event as a Buffer and an FC context, and reports console output per request.
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
import type { InstanceMessage, InstanceSetup, InvokeMessage } from './instance-protocol.ts';
import type { LogRecord } from './logs.ts';

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
    try {
      const value = await call(handler, event, contextFor(message.requestId));
      post({ type: 'result', invocationId: message.invocationId, outcome: { ok: true, result: serialise(value) } });
    } catch (error) {
      post({ type: 'result', invocationId: message.invocationId, outcome: { ok: false, error: errorPayload(error) } });
    }
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
