/**
 * The `context` a Node.js handler receives, with the fields the FC docs list
 * (https://www.alibabacloud.com/help/en/functioncompute/context): requestId, credentials, function,
 * service, region, accountId, logger; `retryCount` is present on FC 3.0 though undocumented.
 */
export interface FcCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  /** Empty when the keys are not STS keys (no role). */
  securityToken: string;
}

export interface FcLogger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  log(...args: unknown[]): void;
}

export interface FcFunctionMeta {
  name: string;
  handler: string;
  memory: number;
  timeout: number;
}

export interface FcContext {
  requestId: string;
  credentials: FcCredentials;
  function: FcFunctionMeta;
  service: { logProject: string; logStore: string; qualifier: string };
  region: string;
  accountId: string;
  logger: FcLogger;
  retryCount: number;
}
