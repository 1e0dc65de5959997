import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Which request the code running in an instance belongs to, so that what it prints is logged under that request's id.
 * An instance serving one request at a time (FC 3.0 nodejs20) needs no more than a variable: an
 * `AsyncLocalStorage` would slow down every promise the function makes (Node 20 propagates its store through
 * promise hooks). Output of work the function left running after its answer is logged without a request id, or
 * under the id of the request running when it prints. Only an instance serving several requests at once
 * (`honourInstanceConcurrency`) follows each request through its asynchronous work.
 */
export interface InvocationScope {
  /** The request the running code belongs to, if any. */
  current(): string | undefined;
  /** Runs `body` as the work of `requestId`. */
  run<T>(requestId: string, body: () => Promise<T>): Promise<T>;
}

/** The scope of an instance serving one request at a time. */
class OneRequestScope implements InvocationScope {
  private requestId: string | undefined;

  current(): string | undefined {
    return this.requestId;
  }

  async run<T>(requestId: string, body: () => Promise<T>): Promise<T> {
    this.requestId = requestId;
    try {
      return await body();
    } finally {
      this.requestId = undefined;
    }
  }
}

/** The scope of an instance serving several requests at once. */
class ConcurrentRequestsScope implements InvocationScope {
  private readonly storage = new AsyncLocalStorage<string>();

  current(): string | undefined {
    return this.storage.getStore();
  }

  run<T>(requestId: string, body: () => Promise<T>): Promise<T> {
    return this.storage.run(requestId, body);
  }
}

/** The scope for an instance serving `concurrency` requests at once. */
export function invocationScope(concurrency: number): InvocationScope {
  return concurrency > 1 ? new ConcurrentRequestsScope() : new OneRequestScope();
}
