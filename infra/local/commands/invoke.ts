import { readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError } from 'commander';
import { layerPackages } from '../../layer-packages.ts';
import { FunctionBuildError, FunctionNotFoundError, ServerlessYamlError } from '../fc/errors.ts';
import type { InvocationOutcome } from '../fc/instances.ts';
import { formatLogRecord } from '../fc/logs.ts';
import { invokeOnce } from '../fc/runtime.ts';
import { invokeRemotely } from './invoke-remote.ts';

/** Where the command writes: the result on stdout (so it can be piped), logs and errors on stderr. */
export interface InvokeIo {
  stdout: (data: string | Uint8Array) => void;
  stderr: (text: string) => void;
  setExitCode: (code: number) => void;
  readStdin: () => Promise<Buffer>;
  /** The environment `--remote` reads its credentials from; `process.env` when absent. */
  env?: Readonly<Record<string, string | undefined>>;
}

const processIo: InvokeIo = {
  stdout: (data) => process.stdout.write(data),
  stderr: (text) => process.stderr.write(text),
  setExitCode: (code) => {
    process.exitCode = code;
  },
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  },
};

/** The result as `parcelscan invoke` prints it: strings raw, JSON indented, bytes raw, errors as FC's error JSON. */
export function renderOutcome(outcome: InvocationOutcome): { stdout: Buffer; stderr: string; exitCode: number } {
  if (outcome.ok) {
    const { result } = outcome;
    switch (result.kind) {
      case 'undefined':
        return { stdout: Buffer.alloc(0), stderr: '', exitCode: 0 };
      case 'string':
        return { stdout: Buffer.from(`${result.text}\n`), stderr: '', exitCode: 0 };
      case 'binary':
        return { stdout: Buffer.from(result.data), stderr: '', exitCode: 0 };
      case 'json':
        return { stdout: Buffer.from(`${JSON.stringify(JSON.parse(result.text), null, 2)}\n`), stderr: '', exitCode: 0 };
    }
  }
  const errorType = outcome.cause === 'throttled' ? 'ResourceExhausted' : 'UnhandledInvocationError';
  return { stdout: Buffer.alloc(0), stderr: `${errorType}: ${JSON.stringify(outcome.error, null, 2)}\n`, exitCode: 1 };
}

function parseEndpoint(value: string): string {
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) throw new InvalidArgumentError('must be an http(s) URL');
  return value;
}

function collectEnv(pair: string, previous: Record<string, string> | undefined): Record<string, string> {
  const equals = pair.indexOf('=');
  if (equals <= 0) throw new InvalidArgumentError('must be KEY=VALUE');
  return { ...previous, [pair.slice(0, equals)]: pair.slice(equals + 1) };
}

/** Problems of the project's own making, reported as one line rather than a stack. */
function isUserError(error: unknown): error is Error {
  return error instanceof ServerlessYamlError || error instanceof FunctionNotFoundError || error instanceof FunctionBuildError;
}

interface InvokeOptions {
  event?: string;
  template: string;
  outDir?: string;
  env?: Record<string, string>;
  remote?: boolean;
  endpoint?: string;
}

/** Options that only make sense on one side: a local run's build and environment, a remote call's endpoint. */
function misplacedOption(options: InvokeOptions): string | undefined {
  if (options.remote === true && options.env !== undefined) return '--env applies to local invocations only (a deployed function has the environment s deploy gave it)';
  if (options.remote === true && options.outDir !== undefined) return '--out-dir applies to local invocations only';
  if (options.remote !== true && options.endpoint !== undefined) return '--endpoint applies with --remote only';
  return undefined;
}

/**
 * `parcelscan invoke <function> [--event FILE]`: builds the function as deployment does, invokes it once
 * with the event bytes as FC would pass them, prints its logs and its result. With `--remote`, invokes the
 * deployed function instead, through FC 3.0's InvokeFunction API (invoke-remote.ts).
 *
 * @example
 * parcelscan invoke scan-webhook --event events/scan.json --env TABLESTORE_ENDPOINT=http://127.0.0.1:9001
 * parcelscan invoke tracking-api --remote --event events/track.json
 */
export function invokeCommand(io: InvokeIo = processIo): Command {
  return new Command('invoke')
    .description('invoke one function from s.yaml once, locally (or deployed, with --remote), and print its result and logs')
    .argument('<function>', 'function name (functionName) or s.yaml resource key')
    .option('-e, --event <file>', 'file holding the event, passed as is; "-" reads standard input (default: empty event)')
    .option('-t, --template <path>', 'the s.yaml to read', 's.yaml')
    .option('--out-dir <dir>', 'build output directory (default: dist next to s.yaml)')
    .option('--env <KEY=VALUE>', 'environment variable for the instance, over s.yaml (repeatable)', collectEnv)
    .option('--remote', 'invoke the deployed function through the FC 3.0 API (ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET, ALIBABA_CLOUD_ACCOUNT_ID from the environment)')
    .option('--endpoint <url>', 'with --remote: the FC API endpoint (default: https://<account id>.<region>.fc.aliyuncs.com)', parseEndpoint)
    .action(async (functionName: string, options: InvokeOptions) => {
      const misplaced = misplacedOption(options);
      if (misplaced !== undefined) {
        io.stderr(`parcelscan invoke: ${misplaced}\n`);
        io.setExitCode(1);
        return;
      }
      let event: Buffer = Buffer.alloc(0);
      if (options.event === '-') event = await io.readStdin();
      else if (options.event !== undefined) event = await readFile(options.event);
      if (options.remote === true) {
        await invokeRemotely(functionName, { template: options.template, event, ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }) }, { ...io, env: io.env ?? process.env });
        return;
      }
      let outcome: InvocationOutcome;
      try {
        outcome = await invokeOnce({
          yamlPath: options.template,
          functionName,
          event,
          env: options.env ?? {},
          // As deployed and as `parcelscan start` runs them: the SDKs come from the layer, not the bundle.
          external: layerPackages,
          ...(options.outDir === undefined ? {} : { outDir: options.outDir }),
          log: (record) => io.stderr(`${formatLogRecord(record)}\n`),
        });
      } catch (error) {
        if (!isUserError(error)) throw error;
        io.stderr(`parcelscan invoke: ${error.message}\n`);
        io.setExitCode(1);
        return;
      }
      const rendered = renderOutcome(outcome);
      if (rendered.stdout.length > 0) io.stdout(rendered.stdout);
      if (rendered.stderr !== '') io.stderr(rendered.stderr);
      io.setExitCode(rendered.exitCode);
    });
}
