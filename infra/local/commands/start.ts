import { Command } from 'commander';
import { resolve } from 'node:path';
import { TableKeyMismatchError } from '../../provision/errors.ts';
import { FunctionBuildError, ServerlessYamlError } from '../fc/errors.ts';
import { LOCAL_ACCOUNT_ID } from '../fc/runtime.ts';
import { DEMO_PARTNER, LOCAL_INSTANCE, LOCAL_KEY, PortUnavailableError, startLocalStack, type LocalService, type LocalStack, type PortConflict } from '../stack.ts';
import { untilSignal } from './signals.ts';
import { parsePort } from './tablestore.ts';

/** The flag that moves each server, for the message when its port is taken. */
const PORT_FLAGS: Readonly<Record<LocalService, string>> = { gateway: '--port', tablestore: '--tablestore-port', mns: '--mns-port' };

function portAdvice(conflict: PortConflict): string {
  const flag = PORT_FLAGS[conflict.service];
  const remedy = conflict.code === 'EADDRINUSE' ? 'stop what listens there, or choose' : 'choose';
  return `${new PortUnavailableError([conflict]).message}: ${remedy} another port with ${flag} <port> (0 picks a free one)`;
}

/** Start-up failures of the developer's own making (a taken port, s.yaml, a build error): one line each, no stack. */
function startFailure(error: unknown): string[] | undefined {
  if (error instanceof PortUnavailableError) return error.conflicts.map(portAdvice);
  if (error instanceof ServerlessYamlError || error instanceof FunctionBuildError) return [error.message];
  // A --data directory from an older release whose tables were keyed otherwise: say so rather than a stack trace.
  if (error instanceof TableKeyMismatchError) return [`${error.message} (in the --data directory)`];
  return undefined;
}

function banner(stack: LocalStack, dataDir: string | undefined): string {
  const routes = stack.runtime.routes.routes.map((route) => ({ kind: route.methods.join(','), from: `${stack.gatewayUrl}${route.path}`, to: route.functionName }));
  const queueTriggers = stack.runtime.deployment.functions.flatMap((fn) =>
    fn.queueTriggers.filter((trigger) => trigger.enabled).map((trigger) => ({ kind: 'queue', from: `${stack.mnsUrl}/queues/${trigger.queueName}`, to: fn.name })),
  );
  const width = Math.max(0, ...[...routes, ...queueTriggers].map((line) => line.from.length));
  const line = ({ kind, from, to }: { kind: string; from: string; to: string }): string => `    ${kind.padEnd(10)} ${from.padEnd(width)}  → ${to}`;
  return [
    'parcelscan is running locally',
    `  FC gateway   ${stack.gatewayUrl}  (each function also at ${stack.gatewayUrl}/<functionName>/…)`,
    ...routes.map(line),
    `  Tablestore   ${stack.tablestoreUrl}  instance ${LOCAL_INSTANCE}`,
    `  MNS          ${stack.mnsUrl}  account ${LOCAL_ACCOUNT_ID}`,
    ...queueTriggers.map(line),
    `  access key   ${LOCAL_KEY.accessKeyId} / ${LOCAL_KEY.accessKeySecret}`,
    `  demo partner ${DEMO_PARTNER.partnerId} / ${DEMO_PARTNER.secret}`,
    `  data         ${dataDir ?? 'in memory (use --data DIR to keep it)'}`,
    'Ctrl-C stops everything.',
  ].join('\n');
}

interface StartOptions {
  template: string;
  data?: string;
  port: number;
  tablestorePort: number;
  mnsPort: number;
}

export function startCommand(): Command {
  return new Command('start')
    .description('Run the whole suite locally: Tablestore, MNS and every function of s.yaml behind one gateway')
    .option('-t, --template <file>', 's.yaml to serve', 's.yaml')
    .option('--data <dir>', 'keep Tablestore and MNS data between runs, in <dir>/tablestore and <dir>/mns (in memory when absent)')
    .option('--port <port>', 'FC gateway port (0 picks a free one)', parsePort, 9000)
    .option('--tablestore-port <port>', 'local Tablestore port (0 picks a free one)', parsePort, 9001)
    .option('--mns-port <port>', 'local MNS port (0 picks a free one)', parsePort, 9002)
    .action(async (options: StartOptions) => {
      const dataDir = options.data === undefined ? undefined : resolve(options.data);
      let stack: LocalStack;
      try {
        stack = await startLocalStack({
          yamlPath: resolve(options.template),
          gatewayPort: options.port,
          tablestorePort: options.tablestorePort,
          mnsPort: options.mnsPort,
          ...(dataDir === undefined ? {} : { dataDir }),
        });
      } catch (error) {
        const lines = startFailure(error);
        if (lines === undefined) throw error;
        for (const line of lines) process.stderr.write(`parcelscan start: ${line}\n`);
        process.exitCode = 1;
        return;
      }
      console.log(banner(stack, dataDir));

      await untilSignal();
      console.log('stopping: letting requests in flight finish… (Ctrl-C again to stop at once)');
      // A second signal stops at once. Nothing acknowledged is lost either way: with --data, Tablestore and MNS
      // commit each change before answering it, so it survives the process ending at any point.
      const forceStop = (): void => {
        console.log('stopped without waiting for requests in flight');
        process.exit(130);
      };
      process.once('SIGINT', forceStop);
      process.once('SIGTERM', forceStop);
      await stack.close();
      console.log('stopped.');
      // Everything is closed: exit now, so nothing left open (an SDK keep-alive socket, the esbuild service) can hold the process.
      process.exit(0);
    });
}
