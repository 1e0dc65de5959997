import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { FunctionDefinition } from './deployment.ts';
import type { FunctionErrorPayload, HandlerResult } from './events.ts';
import { functionMeta, instanceEnvironment, type FcCredentials } from './fc-context.ts';
import type { InstanceMessage, InstanceSetup, InvocationResult } from './instance-protocol.ts';
import type { LogRecord, LogSink } from './logs.ts';

/**
 * The instances of one function. Each instance is a worker thread with its own module scope and
 * `process.env`, created on demand up to `maxInstances`, serving at most `concurrency` requests at once
 * (1 for nodejs20: FC 3.0 built-in runtimes serve one request per instance — "Comparison and compatibility
 * between Function Compute 3.0 and Function Compute 2.0"), kept warm and reaped after `idleTimeoutMs` idle.
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
  startedAt: number;
  timer: NodeJS.Timeout | undefined;
  resolve: (outcome: InvocationOutcome) => void;
}

interface Instance {
  id: string;
  worker: Worker;
  ready: Promise<boolean>;
  active: Map<number, PendingInvocation>;
  idleTimer: NodeJS.Timeout | undefined;
  dead: boolean;
  createdAt: number;
}

export class FunctionPool {
  private readonly instances: Instance[] = [];
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
  invoke(event: Buffer, requestId: string): Promise<InvocationOutcome> {
    const { concurrency, maxInstances } = this.options;
    if (this.closing) return Promise.resolve({ ok: false, cause: 'throttled', error: { errorMessage: 'the local runtime is shutting down' } });
    let instance = this.instances.find((candidate) => !candidate.dead && candidate.active.size < concurrency);
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

  private spawn(): Instance {
    const { fn, codeUri, accountId, credentials } = this.options;
    const id = this.options.newInstanceId();
    const setup: InstanceSetup = { codeUri, handler: fn.handler, functionMeta: functionMeta(fn), region: fn.region, accountId, credentials };
    const env = instanceEnvironment({ fn, accountId, credentials, instanceId: id, codePath: codeUri, base: this.options.baseEnvironment, overrides: this.options.environmentOverrides });
    const worker = new Worker(this.options.bootstrapPath, {
      workerData: setup,
      env,
      // The function's memory size caps the instance's heap, so a leak fails locally as it would on FC.
      resourceLimits: { maxOldGenerationSizeMb: Math.max(fn.memorySize, 64) },
    });
    let markReady: (ok: boolean) => void = () => undefined;
    const instance: Instance = {
      id,
      worker,
      ready: new Promise<boolean>((resolve) => {
        markReady = resolve;
      }),
      active: new Map(),
      idleTimer: undefined,
      dead: false,
      createdAt: performance.now(),
    };
    this.instances.push(instance);
    worker.on('message', (message: InstanceMessage) => this.onMessage(instance, message, markReady));
    worker.on('error', (error) => this.runtimeLog('error', `instance ${id} crashed: ${error.stack ?? error.message}`, id));
    worker.on('exit', () => {
      markReady(false);
      this.onExit(instance);
    });
    return instance;
  }

  private onMessage(instance: Instance, message: InstanceMessage, markReady: (ok: boolean) => void): void {
    switch (message.type) {
      case 'ready':
        this.runtimeLog('info', `cold start: instance ${instance.id} initialised in ${message.initDurationMs} ms`, instance.id);
        markReady(true);
        return;
      case 'init-error':
        this.runtimeLog('error', `instance ${instance.id} failed to initialise: ${message.error.errorMessage}`, instance.id);
        this.failAll(instance, 'error', message.error);
        markReady(false);
        void this.retire(instance);
        return;
      case 'log':
        this.options.log({
          source: 'function',
          functionName: this.options.fn.name,
          level: message.level,
          message: message.message,
          time: new Date(),
          instanceId: instance.id,
          ...(message.requestId === undefined ? {} : { requestId: message.requestId }),
        });
        return;
      case 'result':
        this.settle(instance, message.invocationId, message.outcome);
        return;
    }
  }

  private run(instance: Instance, event: Buffer, requestId: string): Promise<InvocationOutcome> {
    if (instance.idleTimer !== undefined) clearTimeout(instance.idleTimer);
    instance.idleTimer = undefined;
    const invocationId = (this.nextInvocationId += 1);
    return new Promise<InvocationOutcome>((resolve) => {
      const pending: PendingInvocation = { requestId, startedAt: performance.now(), timer: undefined, resolve };
      instance.active.set(invocationId, pending);
      void instance.ready.then((ok) => {
        if (!ok || instance.dead || !instance.active.has(invocationId)) return;
        // The timeout counts from the start of the handler; module initialisation is the cold start.
        pending.startedAt = performance.now();
        pending.timer = setTimeout(() => this.timeOut(instance, invocationId), this.options.fn.timeout * 1000);
        instance.worker.postMessage({ type: 'invoke', invocationId, requestId, event: new Uint8Array(event) });
      });
    });
  }

  private settle(instance: Instance, invocationId: number, outcome: InvocationResult): void {
    const pending = instance.active.get(invocationId);
    if (pending === undefined) return;
    instance.active.delete(invocationId);
    if (pending.timer !== undefined) clearTimeout(pending.timer);
    const durationMs = Math.round(performance.now() - pending.startedAt);
    pending.resolve(outcome.ok ? { ok: true, result: outcome.result, instanceId: instance.id, durationMs } : { ok: false, cause: 'error', error: outcome.error, instanceId: instance.id, durationMs });
    if (instance.active.size === 0 && !instance.dead) this.scheduleReap(instance);
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
    const wasDead = instance.dead;
    this.remove(instance);
    if (!wasDead) this.runtimeLog('error', `instance ${instance.id} exited unexpectedly`, instance.id);
    this.failAll(instance, 'crash');
  }

  private scheduleReap(instance: Instance): void {
    instance.idleTimer = setTimeout(() => {
      if (instance.active.size > 0 || instance.dead) return;
      this.runtimeLog('info', `instance ${instance.id} reaped after ${this.options.idleTimeoutMs} ms idle`, instance.id);
      void this.retire(instance);
    }, this.options.idleTimeoutMs);
    instance.idleTimer.unref();
  }

  private remove(instance: Instance): void {
    instance.dead = true;
    if (instance.idleTimer !== undefined) clearTimeout(instance.idleTimer);
    const index = this.instances.indexOf(instance);
    if (index !== -1) this.instances.splice(index, 1);
  }

  private async retire(instance: Instance): Promise<void> {
    this.remove(instance);
    await instance.worker.terminate();
  }
}
