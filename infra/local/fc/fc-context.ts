import type { FunctionDefinition } from './deployment.ts';

import type { FcCredentials, FcFunctionMeta } from '../../../layers/core/src/http/fc-context.ts';

export type { FcContext, FcCredentials, FcFunctionMeta, FcLogger } from '../../../layers/core/src/http/fc-context.ts';

/** The local key pair every local server accepts. */
export const LOCAL_CREDENTIALS: FcCredentials = { accessKeyId: 'local', accessKeySecret: 'local-secret', securityToken: '' };

export function functionMeta(fn: FunctionDefinition): FcFunctionMeta {
  return { name: fn.name, handler: fn.handler, memory: fn.memorySize, timeout: fn.timeout };
}

export interface InstanceEnvironmentInput {
  fn: FunctionDefinition;
  accountId: string;
  credentials: FcCredentials;
  instanceId: string;
  /** Where the instance's code lives (`FC_FUNC_CODE_PATH`). */
  codePath: string;
  /** Host variables an instance inherits (PATH, HOME…), before FC's and the function's. */
  base: Readonly<Record<string, string>>;
  /** Applied last: e.g. local endpoints replacing s.yaml's cloud ones. */
  overrides: Readonly<Record<string, string>>;
}

/**
 * `process.env` of one instance: the system variables FC sets
 * (https://www.alibabacloud.com/help/en/functioncompute/fc/environment-variables: FC_FUNC_CODE_PATH,
 * ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET/SECURITY_TOKEN, FC_ACCOUNT_ID, FC_FUNCTION_HANDLER,
 * FC_FUNCTION_MEMORY_SIZE, FC_FUNCTION_NAME, FC_REGION, FC_INSTANCE_ID), then the function's
 * `environmentVariables`, then the local overrides.
 */
export function instanceEnvironment(input: InstanceEnvironmentInput): Record<string, string> {
  const { fn, credentials } = input;
  const system: Record<string, string> = {
    FC_FUNC_CODE_PATH: input.codePath,
    ALIBABA_CLOUD_ACCESS_KEY_ID: credentials.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: credentials.accessKeySecret,
    FC_ACCOUNT_ID: input.accountId,
    FC_FUNCTION_HANDLER: fn.handler,
    FC_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    FC_FUNCTION_NAME: fn.name,
    FC_REGION: fn.region,
    FC_INSTANCE_ID: input.instanceId,
  };
  // An empty token would make SDK credential chains take the keys for STS keys.
  if (credentials.securityToken !== '') system.ALIBABA_CLOUD_SECURITY_TOKEN = credentials.securityToken;
  return { ...input.base, ...system, ...fn.environmentVariables, ...input.overrides };
}
