import { Command } from 'commander';
import { resolve } from 'node:path';
import { DEMO_PARTNER, LOCAL_INSTANCE, LOCAL_KEY, startLocalStack } from '../stack.ts';
import { LOCAL_ACCOUNT_ID } from '../fc/runtime.ts';
import { untilSignal } from './signals.ts';
import { parsePort } from './tablestore.ts';

export function startCommand(): Command {
  return new Command('start')
    .description('Run the whole suite locally: Tablestore, MNS and every function of s.yaml behind one gateway')
    .option('-t, --template <file>', 's.yaml to serve', 's.yaml')
    .option('--data <dir>', 'keep Tablestore and MNS data here between runs (in memory when absent)')
    .option('--port <port>', 'gateway port', parsePort, 9000)
    .option('--tablestore-port <port>', 'local Tablestore port', parsePort, 9001)
    .option('--mns-port <port>', 'local MNS port', parsePort, 9002)
    .action(async (options: { template: string; data?: string; port: number; tablestorePort: number; mnsPort: number }) => {
      const stack = await startLocalStack({
        yamlPath: resolve(options.template),
        gatewayPort: options.port,
        tablestorePort: options.tablestorePort,
        mnsPort: options.mnsPort,
        ...(options.data === undefined ? {} : { dataDir: resolve(options.data) }),
      });
      const routes = stack.runtime.routes.routes
        .map((route) => `    ${route.methods.join(',').padEnd(10)} ${stack.gatewayUrl}${route.path}  → ${route.functionName}`)
        .join('\n');
      console.log(
        [
          'parcelscan is running locally',
          `  FC gateway   ${stack.gatewayUrl}`,
          routes,
          `  Tablestore   ${stack.tablestoreUrl}  instance ${LOCAL_INSTANCE}`,
          `  MNS          ${stack.mnsUrl}  account ${LOCAL_ACCOUNT_ID}`,
          `  access key   ${LOCAL_KEY.accessKeyId} / ${LOCAL_KEY.accessKeySecret}`,
          `  demo partner ${DEMO_PARTNER.partnerId} / ${DEMO_PARTNER.secret}`,
          `  data         ${options.data === undefined ? 'in memory (use --data DIR to keep it)' : resolve(options.data)}`,
          'Ctrl-C stops everything.',
        ].join('\n'),
      );
      await untilSignal();
      console.log('stopping: letting requests in flight finish…');
      await stack.close();
    });
}
