import { readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError } from 'commander';
import { layerPackages } from '../../layer-packages.ts';
import { FunctionBuildError, FunctionNotFoundError, ServerlessYamlError } from '../fc/errors.ts';
import type { InvocationOutcome } from '../fc/instances.ts';
import { formatLogRecord } from '../fc/logs.ts';
import { invokeOnce } from '../fc/runtime.ts';

/** Where the command writes: the result on stdout (so it can be piped), logs and errors on stderr. */
export interface InvokeIo {
  stdout: (data: string | Uint8Array) => void;
  stderr: (text: string) => void;
  setExitCode: (code: number) => void;
  readStdin: () => Promise<Buffer>;
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
}

/**
 * `parcelscan invoke <function> [--event FILE]`: builds the function as deployment does, invokes it once
 * with the event bytes as FC would pass them, prints its logs and its result.
 *
 * @example
 * parcelscan invoke scan-webhook --event events/scan.json --env TABLESTORE_ENDPOINT=http://127.0.0.1:9001
 */
export function invokeCommand(io: InvokeIo = processIo): Command {
  return new Command('invoke')
    .description('invoke one function from s.yaml once, locally, and print its result and logs')
    .argument('<function>', 'function name (functionName) or s.yaml resource key')
    .option('-e, --event <file>', 'file holding the event, passed as is; "-" reads standard input (default: empty event)')
    .option('-t, --template <path>', 'the s.yaml to read', 's.yaml')
    .option('--out-dir <dir>', 'build output directory (default: dist next to s.yaml)')
    .option('--env <KEY=VALUE>', 'environment variable for the instance, over s.yaml (repeatable)', collectEnv)
    .action(async (functionName: string, options: InvokeOptions) => {
      let event: Buffer = Buffer.alloc(0);
      if (options.event === '-') event = await io.readStdin();
      else if (options.event !== undefined) event = await readFile(options.event);
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
