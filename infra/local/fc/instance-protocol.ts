import type { FunctionErrorPayload, HandlerResult } from './events.ts';
import type { FcCredentials, FcFunctionMeta } from './fc-context.ts';
import type { LogRecord } from './logs.ts';

/**
 * The messages between the runtime and an instance (a worker thread). One message each way per invocation: the
 * event goes in as bytes the instance takes over (its ArrayBuffer is transferred, not cloned), and the result comes
 * back with the output lines written since the last message, so the runtime has every line of an invocation by
 * the time it has its result.
 */

/** What an instance (a worker thread) is started with. */
export interface InstanceSetup {
  codeUri: string;
  /** `file.export`, e.g. `index.handler`. */
  handler: string;
  functionMeta: FcFunctionMeta;
  region: string;
  accountId: string;
  credentials: FcCredentials;
  /** Requests the instance serves at once. */
  concurrency: number;
}

export interface InvokeMessage {
  type: 'invoke';
  invocationId: number;
  requestId: string;
  /** Transferred: the instance owns it. */
  event: Uint8Array;
}

/** A line the function wrote, stamped when and under which request it was written. */
export interface OutputLine {
  requestId: string | undefined;
  level: LogRecord['level'];
  message: string;
  /** Milliseconds since the epoch. */
  timeMs: number;
}

/**
 * A handler's result as it crosses: a {@link HandlerResult}, or a value `isPlainJson` accepted (plain-json.ts), sent
 * as it is — its JSON text is made only if something asks for it (`jsonResult`, events.ts).
 */
export type WireResult = HandlerResult | { kind: 'plain-json'; value: unknown };

export type InvocationResult = { ok: true; result: WireResult } | { ok: false; error: FunctionErrorPayload };

export type InstanceMessage =
  | { type: 'ready'; initDurationMs: number }
  | { type: 'init-error'; error: FunctionErrorPayload }
  /** Output sent ahead of a result: written outside an invocation, or during a long one. */
  | { type: 'lines'; lines: OutputLine[] }
  | { type: 'result'; invocationId: number; outcome: InvocationResult; lines: OutputLine[] };
