import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { FunctionDefinition } from './deployment.ts';
import { jsonResult, type FunctionErrorPayload, type HandlerResult } from './events.ts';
import { functionMeta, instanceEnvironment, type FcCredentials } from './fc-context.ts';
import type { InstanceMessage, InstanceSetup, InvocationResult, InvokeMessage, OutputLine, WireResult } from './instance-protocol.ts';
import type { LogRecord, LogSink } from './logs.ts';

/**
 * The instances of one function. Each instance is a worker thread with its own module scope and
 * `process.env`, created on demand up to `maxInstances`, serving at most `concurrency` requests at once
 * (1 for nodejs20: FC 3.0 built-in runtimes serve one request per instance — "Comparison and compatibility
 * between Function Compute 3.0 and Function Compute 2.0"), kept warm and reaped after `idleTimeoutMs` idle.
 * A request goes to the instance that became free last (LIFO), so a lull leaves the fewest instances warm and the
 * rest idle long enough to be reaped, and a steady load keeps landing on the warmest instance.
 * The function's `timeout` is enforced by ending the instance, as FC ends a timed-out one.
 */
export interface FunctionPoolOptions {
  fn: FunctionDefinition;
  /** The built code directory the instances load. */
  codeUri: string;
  bootstrapPath: string;
  accountId: string;
  credentials: FcCredentials;
  /** Requests one instance serves at once. */
  concurrency: number;
  maxInstances: number;
  idleTimeoutMs: number;
  baseEnvironment: Readonly<Record<string, string>>;
  environmentOverrides: Readonly<Record<string, string>>;
  newInstanceId: () => string;
  log: LogSink;
}

export type InvocationOutcome =
  | { ok: true; result: HandlerResult; instanceId: string; durationMs: number }
  | { ok: false; cause: 'error' | 'timeout' | 'crash'; error: FunctionErrorPayload; instanceId: string; durationMs: number }
  | { ok: false; cause: 'throttled'; error: FunctionErrorPayload };

interface PendingInvocation {
  requestId: string;
  /** The event, copied into memory of its own that moves to the instance with the invoke message. */
  event: Uint8Array;
  startedAt: number;
  timer: NodeJS.Timeout | undefined;
  resolve: (outcome: InvocationOutcome) => void;
}

interface Instance {
  id: string;
  worker: Worker;
  /** `starting` until its module is loaded; invocations given to it meanwhile wait in `active`. */
  state: 'starting' | 'ready' | 'gone';
  active: Map<number, PendingInvocation>;
  /** Whether it is in the pool's `available` stack. */
  offered: boolean;
  /** When its last request ended (performance.now()). */
  idleSince: number;
}

/** Reaping is checked to the millisecond; a timer may fire a fraction of one early. */
const REAP_TOLERANCE_MS = 1;

function toHandlerResult(result: WireResult): HandlerResult {
  return result.kind === 'plain-json' ? jsonResult(result.value) : result;
}

export class FunctionPool {
  private readonly instances: Instance[] = [];
  /** Instances with room for a request; the one that became free last on top. */
  private readonly available: Instance[] = [];
  private reapTimer: NodeJS.Timeout | undefined;
  private nextInvocationId = 0;
  private closing = false;

  constructor(private readonly options: FunctionPoolOptions) {}

  /** Instances alive now (warm or busy). */
  get instanceCount(): number {
    return this.instances.length;
  }

  /**
   * Runs one invocation. Past `maxInstances` busy instances the request is throttled, as FC answers
   * 429 ResourceExhausted (https://www.alibabacloud.com/help/en/functioncompute/error-codes).
   */
  invoke(event: Uint8Array, requestId: string): Promise<InvocationOutcome> {
    const { maxInstances } = this.options;
    if (this.closing) return Promise.resolve({ ok: false, cause: 'throttled', error: { errorMessage: 'the local runtime is shutting down' } });
    let instance = this.take();
    if (instance === undefined) {
      if (this.instances.length >= maxInstances) {
        return Promise.resolve({ ok: false, cause: 'throttled', error: { errorMessage: `all ${maxInstances} instance(s) of ${this.options.fn.name} are busy` } });
      }
      instance = this.spawn();
    }
    return this.run(instance, event, requestId);
  }

  /** Waits for the invocations in flight, then ends every instance. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.reapTimer !== undefined) clearTimeout(this.reapTimer);
    await Promise.all(this.instances.map((instance) => this.drain(instance)));
    await Promise.all([...this.instances].map((instance) => this.retire(instance)));
  }

  private drain(instance: Instance): Promise<void> {
    const waits = [...instance.active.values()].map(
      (pending) =>
        new Promise<void>((resolve) => {
          const original = pending.resolve;
          pending.resolve = (outcome) => {
            original(outcome);
            resolve();
          };
        }),
    );
    return Promise.all(waits).then(() => undefined);
  }

  private runtimeLog(level: LogRecord['level'], message: string, instanceId?: string): void {
    this.options.log({ source: 'runtime', functionName: this.options.fn.name, level, message, time: new Date(), ...(instanceId === undefined ? {} : { instanceId }) });
  }

  /** The instance that became free last and can take one more request; it leaves the stack once full. */
  private take(): Instance | undefined {
    const instance = this.available.at(-1);
    if (instance === undefined) return undefined;
    if (instance.active.size + 1 >= this.options.concurrency) {
      this.available.pop();
      instance.offered = false;
    }
    return instance;
  }

  /** Puts an instance with room for another request on top of the stack, unless it is there already. */
  private offer(instance: Instance): void {
    if (instance.offered || instance.state === 'gone' || instance.active.size >= this.options.concurrency) return;
    instance.offered = true;
    this.available.push(instance);
  }

  /** An instance whose request ended: offered again, and watched for reaping once it has nothing to do. */
  private release(instance: Instance): void {
    this.offer(instance);
    if (instance.state !== 'gone' && instance.active.size === 0) {
      instance.idleSince = performance.now();
      this.scheduleReap();
    }
  }

  private spawn(): Instance {
    const { fn, codeUri, accountId, credentials, concurrency } = this.options;
    const id = this.options.newInstanceId();
    const setup: InstanceSetup = { codeUri, handler: fn.handler, functionMeta: functionMeta(fn), region: fn.region, accountId, credentials, concurrency };
    const env = instanceEnvironment({ fn, accountId, credentials, instanceId: id, codePath: codeUri, base: this.options.baseEnvironment, overrides: this.options.environmentOverrides });
    const worker = new Worker(this.options.bootstrapPath, {
      workerData: setup,
      env,
      // The function's memory size caps the instance's heap, so a leak fails locally as it would on FC.
      resourceLimits: { maxOldGenerationSizeMb: Math.max(fn.memorySize, 64) },
    });
    const instance: Instance = { id, worker, state: 'starting', active: new Map(), offered: false, idleSince: performance.now() };
    this.instances.push(instance);
    worker.on('message', (message: InstanceMessage) => this.onMessage(instance, message));
    worker.on('error', (error) => this.runtimeLog('error', `instance ${id} crashed: ${error.stack ?? error.message}`, id));
    worker.on('exit', () => this.onExit(instance));
    return instance;
  }

  private onMessage(instance: Instance, message: InstanceMessage): void {
    switch (message.type) {
      case 'ready':
        this.runtimeLog('info', `cold start: instance ${instance.id} initialised in ${message.initDurationMs} ms`, instance.id);
        this.onReady(instance);
        return;
      case 'init-error':
        this.runtimeLog('error', `instance ${instance.id} failed to initialise: ${message.error.errorMessage}`, instance.id);
        this.failAll(instance, 'error', message.error);
        void this.retire(instance);
        return;
      case 'lines':
        this.report(instance, message.lines);
        return;
      case 'result':
        this.report(instance, message.lines);
        this.settle(instance, message.invocationId, message.outcome);
        return;
    }
  }

  private report(instance: Instance, lines: readonly OutputLine[]): void {
    const { log, fn } = this.options;
    for (const line of lines) {
      log({
        source: 'function',
        functionName: fn.name,
        level: line.level,
        message: line.message,
        time: new Date(line.timeMs),
        instanceId: instance.id,
        ...(line.requestId === undefined ? {} : { requestId: line.requestId }),
      });
    }
  }

  private onReady(instance: Instance): void {
    if (instance.state !== 'starting') return;
    instance.state = 'ready';
    for (const [invocationId, pending] of instance.active) this.post(instance, invocationId, pending);
    if (instance.active.size === 0) this.release(instance);
  }

  private run(instance: Instance, event: Uint8Array, requestId: string): Promise<InvocationOutcome> {
    const invocationId = (this.nextInvocationId += 1);
    return new Promise<InvocationOutcome>((resolve) => {
      const pending: PendingInvocation = { requestId, event: new Uint8Array(event), startedAt: performance.now(), timer: undefined, resolve };
      instance.active.set(invocationId, pending);
      // A new instance takes more requests while it starts, when it serves several at once.
      this.offer(instance);
      if (instance.state === 'ready') this.post(instance, invocationId, pending);
    });
  }

  private post(instance: Instance, invocationId: number, pending: PendingInvocation): void {
    // The timeout counts from the start of the handler; module initialisation is the cold start.
    pending.startedAt = performance.now();
    pending.timer = setTimeout(() => this.timeOut(instance, invocationId), this.options.fn.timeout * 1000);
    const message: InvokeMessage = { type: 'invoke', invocationId, requestId: pending.requestId, event: pending.event };
    instance.worker.postMessage(message, [pending.event.buffer as ArrayBuffer]);
  }

  private settle(instance: Instance, invocationId: number, outcome: InvocationResult): void {
    const pending = instance.active.get(invocationId);
    if (pending === undefined) return;
    instance.active.delete(invocationId);
    if (pending.timer !== undefined) clearTimeout(pending.timer);
    const durationMs = Math.round(performance.now() - pending.startedAt);
    this.release(instance);
    pending.resolve(outcome.ok ? { ok: true, result: toHandlerResult(outcome.result), instanceId: instance.id, durationMs } : { ok: false, cause: 'error', error: outcome.error, instanceId: instance.id, durationMs });
  }

  private timeOut(instance: Instance, invocationId: number): void {
    const pending = instance.active.get(invocationId);
    if (pending === undefined) return;
    instance.active.delete(invocationId);
    const { timeout } = this.options.fn;
    this.runtimeLog('error', `request ${pending.requestId} timed out after ${timeout} s; ending instance ${instance.id}`, instance.id);
    pending.resolve({
      ok: false,
      cause: 'timeout',
      error: { errorMessage: `Function timed out after ${timeout} seconds` },
      instanceId: instance.id,
      durationMs: Math.round(performance.now() - pending.startedAt),
    });
    void this.retire(instance);
  }

  /** Ends invocations still in flight on an instance that is gone, with FC's message for a dead process. */
  private failAll(instance: Instance, cause: 'error' | 'crash', error?: FunctionErrorPayload): void {
    for (const [invocationId, pending] of instance.active) {
      instance.active.delete(invocationId);
      if (pending.timer !== undefined) clearTimeout(pending.timer);
      const durationMs = Math.round(performance.now() - pending.startedAt);
      // Message from https://www.alibabacloud.com/help/en/functioncompute/fc/error-handling-nodejs ("Abnormal exits").
      const payload = error ?? { errorMessage: `Process exited unexpectedly before completing request (duration: ${durationMs}ms)` };
      pending.resolve({ ok: false, cause, error: payload, instanceId: instance.id, durationMs });
    }
  }

  private onExit(instance: Instance): void {
    const wasGone = instance.state === 'gone';
    this.remove(instance);
    if (!wasGone) this.runtimeLog('error', `instance ${instance.id} exited unexpectedly`, instance.id);
    this.failAll(instance, 'crash');
  }

  /** Arms one timer for the instance idle longest, unless one is armed. */
  private scheduleReap(): void {
    if (this.reapTimer !== undefined || this.closing) return;
    let oldest: number | undefined;
    for (const instance of this.instances) {
      if (instance.state === 'ready' && instance.active.size === 0 && (oldest === undefined || instance.idleSince < oldest)) oldest = instance.idleSince;
    }
    if (oldest === undefined) return;
    this.reapTimer = setTimeout(() => this.reapIdle(), Math.max(0, oldest + this.options.idleTimeoutMs - performance.now()));
    this.reapTimer.unref();
  }

  private reapIdle(): void {
    this.reapTimer = undefined;
    const { idleTimeoutMs } = this.options;
    const now = performance.now();
    for (const instance of [...this.instances]) {
      if (instance.state !== 'ready' || instance.active.size > 0 || now - instance.idleSince < idleTimeoutMs - REAP_TOLERANCE_MS) continue;
      this.runtimeLog('info', `instance ${instance.id} reaped after ${idleTimeoutMs} ms idle`, instance.id);
      void this.retire(instance);
    }
    this.scheduleReap();
  }

  private remove(instance: Instance): void {
    instance.state = 'gone';
    const index = this.instances.indexOf(instance);
    if (index !== -1) this.instances.splice(index, 1);
    if (instance.offered) {
      instance.offered = false;
      this.available.splice(this.available.indexOf(instance), 1);
    }
  }

  private async retire(instance: Instance): Promise<void> {
    this.remove(instance);
    await instance.worker.terminate();
  }
}
