import { Command } from 'commander';
import { startMnsServer } from '../mns/server.ts';
import { untilSignal } from './signals.ts';
import { parsePort } from './tablestore.ts';

const DEFAULT_ACCESS_KEY_ID = 'local';
const DEFAULT_ACCESS_KEY_SECRET = 'local-secret';

/**
 * `parcelscan mns [--port 9002] [--host 127.0.0.1] [--data DIR]`: the local MNS-compatible server.
 *
 * @example
 * new Command('parcelscan').addCommand(mnsCommand());
 */
export function mnsCommand(): Command {
  return new Command('mns')
    .description('Run the local MNS-compatible queue server (XML REST, as @alicloud/mns speaks it)')
    .option('--port <port>', 'port to listen on', parsePort, 9002)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--data <dir>', 'keep queues and messages in this directory (in memory when absent)')
    .action(async (options: { port: number; host: string; data?: string }) => {
      const server = await startMnsServer({
        port: options.port,
        host: options.host,
        accessKeyId: DEFAULT_ACCESS_KEY_ID,
        accessKeySecret: DEFAULT_ACCESS_KEY_SECRET,
        ...(options.data === undefined ? {} : { dataDir: options.data }),
      });
      console.log(
        `MNS listening on ${server.url} (any account id; access key ${DEFAULT_ACCESS_KEY_ID} / ` +
          `${DEFAULT_ACCESS_KEY_SECRET}; ${options.data === undefined ? 'in memory' : `data in ${options.data}`})`,
      );
      await untilSignal();
      await server.close();
    });
}
