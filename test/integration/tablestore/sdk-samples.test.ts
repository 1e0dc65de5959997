import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type CliProcess } from '../../support/cli-process.ts';
import { ignore, long, sdkClient, tableParams } from '../../support/tablestore-sdk.ts';

// The SDK's own bundled samples (node_modules/tablestore/samples), run unmodified as separate Node
// processes against `parcelscan tablestore`, configured only through the environment variables their
// samples/client.js reads. A sample reports a failure by printing "error:".

const run = promisify(execFile);
const samplesDir = join(dirname(createRequire(import.meta.url).resolve('tablestore')), 'samples');

let server: CliProcess;
const env = () => ({ ...process.env, accessKeyId: 'local', secretAccessKey: 'local-secret', endpoint: server.url, instancename: 'samples' });

async function runSample(name: string, thenCall: string[] = []): Promise<string> {
  const file = join(samplesDir, `${name}.js`);
  // Samples whose calls are commented out upstream are run with their own functions invoked after them.
  const args = thenCall.length === 0 ? [file] : ['-e', `${readFileSync(file, 'utf8')}\n;${thenCall.join(';')}`];
  const { stdout, stderr } = await run(process.execPath, args, { cwd: samplesDir, env: env(), timeout: 20_000 });
  const output = stdout + stderr;
  expect(output, `${name} printed an error`).not.toMatch(/error:/);
  return output;
}

beforeAll(async () => {
  server = await startCli(['tablestore', '--port', '0']);
});
afterAll(() => server.stop());

describe('the tablestore SDK samples, unmodified', () => {
  it('createTable, putRow and getRow with a composite filter', async () => {
    expect(await runSample('createTable')).toContain('success');
    expect(await runSample('putRow')).toContain('success');
    // getRow.js reads with a composite filter on col1 and col5, which the putRow.js row meets.
    const output = await runSample('getRow');
    expect(output).toContain('attributes: [ [Object], [Object], [Object], [Object], [Object] ]');
  });

  it('conditionUpdateRow', async () => {
    // The sample expects a row whose name is john and addr is china.
    await sdkClient(server.url, { instance: 'samples' }).call('updateRow', {
      tableName: 'sampleTable',
      condition: ignore(),
      primaryKey: [{ gid: long(20013) }, { uid: long(20013) }],
      updateOfAttributeColumns: [{ PUT: [{ name: 'john' }, { addr: 'china' }] }],
    });
    expect(await runSample('conditionUpdateRow')).toContain('success');
  });

  it('increment, single and batched', async () => {
    const client = sdkClient(server.url, { instance: 'samples' });
    await client.call('createTable', tableParams('orderHistory', [{ name: 'order_id', type: 'STRING' }]));
    await client.call('putRow', { tableName: 'orderHistory', condition: ignore(), primaryKey: [{ order_id: 'order_id_001' }], attributeColumns: [{ increment: long(0) }] });
    const output = await runSample('increment');
    expect(output.match(/success/g)).toHaveLength(2);
  });

  it('batchWriteRow and getRange paging', async () => {
    expect(await runSample('batchWriteRow')).toContain('success');
    const output = await runSample('getRange');
    expect(output).toContain('"primaryKey"');
  });

  it('multiVersion, with its createTable flow', async () => {
    await runSample('multiVersion', ['createTable()']);
  });

  it('AutoIncrement, with its createTable and putRow', async () => {
    const output = await runSample('AutoIncrement', ['createTableWithAutoIncrementPk()', 'setTimeout(putRow, 500)']);
    expect(output).toContain('autoIncrement pk value');
  });

  it('deleteRow', async () => {
    expect(await runSample('deleteRow')).toContain('success');
  });
});
