import type { FunctionErrorPayload, HandlerResult } from './events.ts';
import type { FcCredentials, FcFunctionMeta } from './fc-context.ts';
import type { LogRecord } from './logs.ts';

/** What an instance (a worker thread) is started with. */
export interface InstanceSetup {
  codeUri: string;
  /** `file.export`, e.g. `index.handler`. */
  handler: string;
  functionMeta: FcFunctionMeta;
  region: string;
  accountId: string;
  credentials: FcCredentials;
}

export interface InvokeMessage {
  type: 'invoke';
  invocationId: number;
  requestId: string;
  event: Uint8Array;
}

export type InvocationResult = { ok: true; result: HandlerResult } | { ok: false; error: FunctionErrorPayload };

export type InstanceMessage =
  | { type: 'ready'; initDurationMs: number }
  | { type: 'init-error'; error: FunctionErrorPayload }
  | { type: 'log'; requestId: string | undefined; level: LogRecord['level']; message: string }
  | { type: 'result'; invocationId: number; outcome: InvocationResult };
