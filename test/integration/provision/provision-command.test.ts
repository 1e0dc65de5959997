import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionCommand, readProvisionEnvironment, ProvisionEnvironmentError, type ProvisionIo } from '../../../infra/local/commands/provision.ts';
import { startMnsServer, type MnsServerHandle } from '../../../infra/local/mns/index.ts';
import { startTablestoreServer, type TablestoreServer } from '../../../infra/local/tablestore/server.ts';
import { queues } from '../../../infra/queues.ts';
import { tables } from '../../../infra/tables.ts';
import { mnsClient } from '../mns/fixtures/mns-sdk.ts';

const require = createRequire(import.meta.url);

/** The official SDK, to set up a table as an older release of parcelscan created it. */
function tablestoreSdk(endpoint: string, instanceName: string) {
  const TableStore = require('tablestore') as { Client: new (config: object) => { createTable(params: object, done: (error: unknown) => void): void } };
  return new TableStore.Client({ endpoint, instancename: instanceName, accessKeyId: 'local', secretAccessKey: 'local-secret', maxRetries: 0 });
}

interface Captured {
  stdout: string;
  stderr: string;
  exitCode: number;
}

async function provision(env: Record<string, string | undefined>): Promise<Captured> {
  const captured: Captured = { stdout: '', stderr: '', exitCode: 0 };
  const io: ProvisionIo = {
    stdout: (text) => {
      captured.stdout += text;
    },
    stderr: (text) => {
      captured.stderr += text;
    },
    setExitCode: (code) => {
      captured.exitCode = code;
    },
    env,
  };
  await provisionCommand(io).parseAsync([], { from: 'user' });
  return captured;
}

describe('parcelscan provision', () => {
  let tablestore: TablestoreServer;
  let mns: MnsServerHandle;
  let env: Record<string, string>;

  beforeAll(async () => {
    tablestore = await startTablestoreServer({ port: 0 });
    mns = await startMnsServer({ port: 0 });
    env = {
      TABLESTORE_ENDPOINT: tablestore.url,
      TABLESTORE_INSTANCE: 'parcelscan-provision',
      MNS_ENDPOINT: mns.url,
      ALIBABA_CLOUD_ACCOUNT_ID: '1234567890123456',
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'local',
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'local-secret',
    };
  });

  afterAll(async () => {
    await mns.close();
    await tablestore.close();
  });

  it('creates every declared table and queue, and a second run changes nothing', async () => {
    const first = await provision(env);
    expect(first).toMatchObject({ exitCode: 0, stderr: '' });
    for (const table of tables) expect(first.stdout).toMatch(new RegExp(`table\\s+${table.name}\\s+created`));
    for (const queue of queues) expect(first.stdout).toMatch(new RegExp(`queue\\s+${queue.name}\\s+created`));

    const second = await provision(env);
    expect(second.exitCode).toBe(0);
    expect(second.stdout).not.toMatch(/created|updated/);
    expect(second.stdout).toContain('nothing to change');

    const client = mnsClient(mns.url);
    const listed = await client.listQueue();
    const names = JSON.stringify(listed.body);
    for (const queue of queues) expect(names).toContain(queue.name);
  });

  it('names each missing or malformed variable and exits without touching anything', async () => {
    const { TABLESTORE_ENDPOINT: _endpoint, ...withoutEndpoint } = env;
    const result = await provision({ ...withoutEndpoint, ALIBABA_CLOUD_ACCOUNT_ID: 'acct', MNS_ENDPOINT: '' });
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('TABLESTORE_ENDPOINT is not set');
    expect(result.stderr).toContain('MNS_ENDPOINT is not set');
    expect(result.stderr).toContain('ALIBABA_CLOUD_ACCOUNT_ID: must be the numeric account id');
  });

  it('reports the service error when the key pair is refused', async () => {
    const result = await provision({ ...env, ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'wrong' });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^parcelscan provision: Tablestore http:\/\/127\.0\.0\.1:\d+: OTSAuthFailed: Signature mismatch\./);
  });

  it('stops, naming both keys, when an existing table is keyed otherwise than declared', async () => {
    const instance = { ...env, TABLESTORE_INSTANCE: 'parcelscan-old-keys' };
    const sdk = tablestoreSdk(tablestore.url, instance.TABLESTORE_INSTANCE);
    await new Promise<void>((resolve, reject) =>
      sdk.createTable(
        {
          tableMeta: { tableName: 'scan_events', primaryKey: [{ name: 'partition', type: 'STRING' }, { name: 'waybillNo', type: 'STRING' }, { name: 'occurredAt', type: 'INTEGER' }, { name: 'eventKey', type: 'STRING' }] },
          reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
          tableOptions: { timeToLive: -1, maxVersions: 1 },
        },
        (error: unknown) => (error ? reject(error) : resolve()),
      ),
    );

    const result = await provision(instance);

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      'table scan_events exists with primary key (partition STRING, waybillNo STRING, occurredAt INTEGER, eventKey STRING) ' +
        'but infra/tables.ts declares (partition STRING, waybillNo STRING, eventKey STRING)',
    );
  });

  it('accepts an STS token and leaves it out when unset', () => {
    expect(readProvisionEnvironment({ ...env, ALIBABA_CLOUD_SECURITY_TOKEN: 'sts' }).ALIBABA_CLOUD_SECURITY_TOKEN).toBe('sts');
    expect(readProvisionEnvironment({ ...env, ALIBABA_CLOUD_SECURITY_TOKEN: '' }).ALIBABA_CLOUD_SECURITY_TOKEN).toBeUndefined();
    expect(() => readProvisionEnvironment({})).toThrow(ProvisionEnvironmentError);
  });
});
