import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli } from '../../support/cli-process.ts';
import { attributesOf, ignore, long, sdkClient, tableParams } from '../../support/tablestore-sdk.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'parcelscan-ots-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('parcelscan tablestore --data', () => {
  it('keeps every acknowledged write across kill -9 and a restart', async () => {
    const first = await startCli(['tablestore', '--port', '0', '--data', dataDir]);
    const client = sdkClient(first.url);
    await client.call('createTable', tableParams('scans', [{ name: 'waybill', type: 'STRING' }, { name: 'seq', type: 'INTEGER' }]));
    for (let seq = 0; seq < 50; seq++) {
      await client.call('putRow', {
        tableName: 'scans',
        condition: ignore(),
        primaryKey: [{ waybill: '773061155005900' }, { seq: long(seq) }],
        attributeColumns: [{ status: 'ARRIVED' }],
      });
    }
    const rows = Array.from({ length: 200 }, (_, seq) => ({
      type: 'PUT',
      condition: ignore(),
      primaryKey: [{ waybill: '773061155005911' }, { seq: long(seq) }],
      attributeColumns: [{ status: 'DEPARTED' }],
    }));
    await client.call('batchWriteRow', { tables: [{ tableName: 'scans', rows }] });
    await first.stop('SIGKILL');

    const second = await startCli(['tablestore', '--port', '0', '--data', dataDir]);
    try {
      const again = sdkClient(second.url);
      const last = await again.call('getRow', { tableName: 'scans', primaryKey: [{ waybill: '773061155005900' }, { seq: long(49) }] });
      expect(attributesOf(last.row)).toEqual({ status: 'ARRIVED' });
      const range = await again.call('getRange', {
        tableName: 'scans',
        direction: 'FORWARD',
        inclusiveStartPrimaryKey: [{ waybill: '773061155005911' }, { seq: long(0) }],
        exclusiveEndPrimaryKey: [{ waybill: '773061155005911' }, { seq: long(1000) }],
      });
      expect(range.rows).toHaveLength(200);
    } finally {
      await second.stop();
    }
  });
});
