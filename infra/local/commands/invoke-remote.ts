import { findFunction } from '../fc/deployment.ts';
import { FunctionNotFoundError, ServerlessYamlError } from '../fc/errors.ts';
import { loadDeployment } from '../fc/serverless-yaml.ts';
import { readRemoteEnvironment } from '../../remote/environment.ts';
import { FcApiError, FcEndpointUnreachableError, RemoteEnvironmentError } from '../../remote/errors.ts';
import { fcEndpoint, invokeFunction, type InvokeDependencies, type RemoteInvocation } from '../../remote/fc-invoke.ts';

/**
 * `parcelscan invoke --remote <function>`: the deployed function, invoked once through FC 3.0's InvokeFunction
 * API (infra/remote/fc-invoke.ts). `<function>` is resolved in s.yaml as the local `parcelscan invoke` resolves it
 * (resource key or functionName, `findFunction`), with the variables `s deploy` would see: the environment and
 * `${config('AccountID')}` from ALIBABA_CLOUD_ACCOUNT_ID; the function's region is s.yaml's.
 */
export interface RemoteInvokeOptions {
  template: string;
  /** Overrides `https://<account id>.<region>.fc.aliyuncs.com` (another region's internal endpoint, the local gateway). */
  endpoint?: string;
  event: Buffer;
}

export interface RemoteInvokeIo {
  stdout: (data: string | Uint8Array) => void;
  stderr: (text: string) => void;
  setExitCode: (code: number) => void;
  env: Readonly<Record<string, string | undefined>>;
}

/** How long past the function's own timeout to wait: fc3's `s invoke` allows 5 s (devsapp/fc3 `src/subCommands/invoke`). */
const TIMEOUT_MARGIN_SECONDS = 5;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The result as the local invoke prints it: JSON indented, text with a final newline, other bytes as they are. */
function renderBody(body: Buffer): Buffer {
  if (body.length === 0) return body;
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return body;
  }
  try {
    return Buffer.from(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
  } catch {
    return Buffer.from(text.endsWith('\n') ? text : `${text}\n`);
  }
}

/** Logs, request id and errors on stderr; the result on stdout, so it can be piped. Exit 1 on a function error. */
function report(invocation: RemoteInvocation, io: RemoteInvokeIo): void {
  if (invocation.log !== undefined) io.stderr(invocation.log.endsWith('\n') ? invocation.log : `${invocation.log}\n`);
  io.stderr(`FC request id: ${invocation.requestId ?? '(none)'}\n`);
  if (invocation.errorType !== undefined) {
    io.stderr(`${invocation.errorType}: ${renderBody(invocation.body).toString('utf8')}`);
    io.setExitCode(1);
    return;
  }
  const rendered = renderBody(invocation.body);
  if (rendered.length > 0) io.stdout(rendered);
  io.setExitCode(0);
}

function isUserError(error: unknown): error is Error {
  return (
    error instanceof RemoteEnvironmentError ||
    error instanceof ServerlessYamlError ||
    error instanceof FunctionNotFoundError ||
    error instanceof FcApiError ||
    error instanceof FcEndpointUnreachableError
  );
}

/**
 * Invokes the deployed function `nameOrKey` once and reports FC's answer.
 *
 * @example
 * await invokeRemotely('tracking-api', { template: 's.yaml', event: Buffer.from('{}') }, io);
 */
export async function invokeRemotely(nameOrKey: string, options: RemoteInvokeOptions, io: RemoteInvokeIo, dependencies?: InvokeDependencies): Promise<void> {
  try {
    const { credentials, accountId } = readRemoteEnvironment(io.env);
    const deployment = await loadDeployment(options.template, {
      env: io.env,
      config: { AccountID: accountId, AccessKeyID: credentials.accessKeyId, AccessKeySecret: credentials.accessKeySecret },
    });
    const fn = findFunction(deployment, nameOrKey);
    if (fn === undefined) throw new FunctionNotFoundError(nameOrKey);
    const invocation = await invokeFunction(
      {
        endpoint: options.endpoint ?? fcEndpoint(accountId, fn.region),
        functionName: fn.name,
        event: options.event,
        credentials,
        timeoutMs: (fn.timeout + TIMEOUT_MARGIN_SECONDS) * 1000,
      },
      dependencies,
    );
    report(invocation, io);
  } catch (error) {
    if (!isUserError(error)) throw error;
    io.stderr(`parcelscan invoke --remote: ${error.message}\n`);
    io.setExitCode(1);
  }
}
