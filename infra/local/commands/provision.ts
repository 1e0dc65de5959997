import { Command } from 'commander';
import { z } from 'zod';
import { decodeSdkError } from '../../../layers/core/src/store/errors.ts';
import { alibabaCloudAccountVariables, credentialsOf, parseEnvironment } from '../../cloud-environment.ts';
import { provisionQueues } from '../../provision/mns-queues.ts';
import { TableKeyMismatchError } from '../../provision/errors.ts';
import { provisionTables, type ProvisionOutcome } from '../../provision/tablestore-tables.ts';
import { queues } from '../../queues.ts';
import { tables } from '../../tables.ts';

/**
 * The environment `parcelscan provision` reads: where the real Tablestore instance and MNS account are, and
 * the key pair and account id to use (infra/cloud-environment.ts). Endpoints as the consoles show them:
 * Tablestore `https://<instance>.<region>.ots.aliyuncs.com`, MNS `https://<accountId>.mns.<region>.aliyuncs.com`.
 */
const provisionEnvironment = z.object({
  TABLESTORE_ENDPOINT: z.url({ protocol: /^https?$/ }),
  TABLESTORE_INSTANCE: z.string().min(1),
  MNS_ENDPOINT: z.url({ protocol: /^https?$/ }),
  ...alibabaCloudAccountVariables,
});

export type ProvisionEnvironment = z.infer<typeof provisionEnvironment>;

/** The environment is incomplete or malformed; the message names each variable. */
export class ProvisionEnvironmentError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`cannot provision: ${problems.join('; ')}`);
    this.name = 'ProvisionEnvironmentError';
  }
}

/** Parses the variables the command needs; empty strings count as unset. */
export function readProvisionEnvironment(env: Readonly<Record<string, string | undefined>>): ProvisionEnvironment {
  return parseEnvironment(provisionEnvironment, env, (problems) => new ProvisionEnvironmentError(problems));
}

export interface ProvisionIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  setExitCode: (code: number) => void;
  env: Readonly<Record<string, string | undefined>>;
}

const processIo: ProvisionIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  setExitCode: (code) => {
    process.exitCode = code;
  },
  env: process.env,
};

function describeOutcomes(kind: string, outcomes: readonly ProvisionOutcome[]): string {
  return outcomes.map((outcome) => `${kind.padEnd(6)} ${outcome.name.padEnd(24)} ${outcome.action}\n`).join('');
}

/**
 * `parcelscan provision`: creates the Tablestore tables of infra/tables.ts and the MNS queues of
 * infra/queues.ts in a real account, or brings existing ones in line; a second run changes nothing.
 *
 * @example
 * TABLESTORE_ENDPOINT=https://parcelscan.cn-hangzhou.ots.aliyuncs.com TABLESTORE_INSTANCE=parcelscan \
 * MNS_ENDPOINT=https://1234567890123456.mns.cn-hangzhou.aliyuncs.com ALIBABA_CLOUD_ACCOUNT_ID=1234567890123456 \
 * ALIBABA_CLOUD_ACCESS_KEY_ID=… ALIBABA_CLOUD_ACCESS_KEY_SECRET=… npx parcelscan provision
 */
export function provisionCommand(io: ProvisionIo = processIo): Command {
  return new Command('provision')
    .description('create the Tablestore tables and MNS queues of infra/ in a real account (idempotent; settings from the environment)')
    .action(async () => {
      let env: ProvisionEnvironment;
      try {
        env = readProvisionEnvironment(io.env);
      } catch (error) {
        if (!(error instanceof ProvisionEnvironmentError)) throw error;
        io.stderr(`parcelscan provision: ${error.message}\n`);
        io.setExitCode(2);
        return;
      }
      const credentials = credentialsOf(env);
      const fail = (detail: string): void => {
        io.stderr(`parcelscan provision: ${detail}\n`);
        io.setExitCode(1);
      };
      let tableOutcomes: ProvisionOutcome[];
      try {
        tableOutcomes = await provisionTables({ endpoint: env.TABLESTORE_ENDPOINT, instanceName: env.TABLESTORE_INSTANCE, ...credentials }, tables);
      } catch (error) {
        // The SDK leaves Tablestore's protobuf error body undecoded; the layer's decoder names the OTS code.
        const detail = error instanceof TableKeyMismatchError ? error.message : decodeSdkError(error).message;
        fail(`Tablestore ${env.TABLESTORE_ENDPOINT}: ${detail}`);
        return;
      }
      io.stdout(describeOutcomes('table', tableOutcomes));
      let queueOutcomes: ProvisionOutcome[];
      try {
        queueOutcomes = await provisionQueues({ endpoint: env.MNS_ENDPOINT, accountId: env.ALIBABA_CLOUD_ACCOUNT_ID, ...credentials }, queues);
      } catch (error) {
        // @alicloud/mns names its errors after the MNS code (MNSAccessDeniedError, …).
        fail(`MNS ${env.MNS_ENDPOINT}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
        return;
      }
      io.stdout(describeOutcomes('queue', queueOutcomes));
      const changed = [...tableOutcomes, ...queueOutcomes].filter((outcome) => outcome.action !== 'unchanged').length;
      io.stdout(changed === 0 ? 'nothing to change\n' : `${changed} change(s) applied\n`);
    });
}
