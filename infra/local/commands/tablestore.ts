import { Command, InvalidArgumentError } from 'commander';
import { startTablestoreServer } from '../tablestore/server.ts';
import type { InjectableCode } from '../tablestore/faults.ts';
import { untilSignal } from './signals.ts';

const INJECTABLE: readonly InjectableCode[] = ['OTSServerBusy', 'OTSTimeout', 'OTSPartitionUnavailable', 'OTSRowOperationConflict', 'OTSInternalServerError'];

export function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new InvalidArgumentError('must be a port number from 0 to 65535');
  return port;
}

export function parseFraction(text: string): number {
  const fraction = Number(text);
  if (!(fraction >= 0 && fraction <= 1)) throw new InvalidArgumentError('must be a fraction from 0 to 1');
  return fraction;
}

function parseCode(text: string): InjectableCode {
  if (!(INJECTABLE as readonly string[]).includes(text)) throw new InvalidArgumentError(`must be one of ${INJECTABLE.join(', ')}`);
  return text as InjectableCode;
}

function parseMilliseconds(text: string): number {
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 0) throw new InvalidArgumentError('must be a whole number of milliseconds');
  return ms;
}

export function tablestoreCommand(): Command {
  return new Command('tablestore')
    .description('Run the local Tablestore-compatible server (protobuf + PlainBuffer over HTTP)')
    .option('--port <port>', 'port to listen on', parsePort, 9001)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--data <dir>', 'keep data in this directory (in memory when absent)')
    .option('--fault-rate <fraction>', 'fraction of requests that fail with --fault-code', parseFraction, 0)
    .option('--fault-row-rate <fraction>', 'fraction of BatchWriteRow rows that fail with --fault-code', parseFraction, 0)
    .option('--fault-code <code>', 'error code of injected failures', parseCode, 'OTSServerBusy')
    .option('--latency <ms>', 'delay added to every request', parseMilliseconds, 0)
    .action(async (options: { port: number; host: string; data?: string; faultRate: number; faultRowRate: number; faultCode: InjectableCode; latency: number }) => {
      const server = await startTablestoreServer({
        port: options.port,
        host: options.host,
        ...(options.data === undefined ? {} : { dataDir: options.data }),
        faults: { errorRate: options.faultRate, rowErrorRate: options.faultRowRate, errorCode: options.faultCode, latencyMs: options.latency },
      });
      console.log(`Tablestore listening on ${server.url} (any instance name; access key local / local-secret; ${options.data ? `data in ${options.data}` : 'in memory'})`);
      await untilSignal();
      await server.close();
    });
}
