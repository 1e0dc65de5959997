import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLayerDirectory, type BuiltLayer } from '../../../infra/build/layer.ts';
import { layerPackages } from '../../../infra/layer-packages.ts';
import { mountArtifacts, type FcMount } from '../../../infra/local/fc/mount.ts';

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '../../..');

/**
 * Exercises what the functions use of each SDK, printing JSON: Tablestore requests encoded (PlainBuffer rows, whose
 * builder assigns implicit globals; a column filter, built through lib/filter.js's implicit global `pro`; 64-bit
 * integers through `long`), Tablestore's `Error` message decoded by the compiled protobuf module required by path,
 * an MNS request signature, and zod's issues.
 */
const SDK_PROBE = `
const TableStore = require('tablestore');
const compiled = require('tablestore/lib/protocol/tablestore_compiled_proto.js');
const encode = (operation, params) => {
  const request = TableStore.encoder.encode(operation, params);
  return Buffer.from(Object.getPrototypeOf(request).constructor.encode(request).finish()).toString('hex');
};
const filter = new TableStore.CompositeCondition(TableStore.LogicalOperator.AND);
filter.addSubCondition(new TableStore.SingleColumnCondition('status', 'DELIVERED', TableStore.ComparatorType.EQUAL));
filter.addSubCondition(new TableStore.SingleColumnCondition('seq', TableStore.Long.fromNumber(7), TableStore.ComparatorType.GREATER_THAN));
const errorBytes = compiled.main.proto.Error.encode(compiled.main.proto.Error.create({ code: 'OTSConditionCheckFail', message: 'Condition check failed.' })).finish();
const Mns = require('@alicloud/mns');
const mns = new Mns('1234567890123456', { endpoint: 'https://1234567890123456.mns.cn-hangzhou.aliyuncs.com', accessKeyId: 'id', accessKeySecret: 'secret' });
const { z } = require('zod');
console.log(JSON.stringify({
  putRow: encode('putRow', {
    tableName: 'scan_event',
    condition: new TableStore.Condition(TableStore.RowExistenceExpectation.EXPECT_NOT_EXIST, null),
    primaryKey: [{ waybill_no: 'SF1234567890' }, { seq: TableStore.Long.fromNumber(2 ** 40 + 3) }],
    attributeColumns: [{ status: 'IN_TRANSIT' }, { weight: 1.5 }, { signed: false }, { at: TableStore.Long.fromNumber(1700000000000) }],
    returnContent: { returnType: TableStore.ReturnType.Primarykey },
  }),
  getRange: encode('getRange', {
    tableName: 'scan_event', direction: TableStore.Direction.BACKWARD, maxVersions: 1, limit: 100, columnFilter: filter,
    inclusiveStartPrimaryKey: [{ waybill_no: 'SF1234567890' }, { seq: TableStore.INF_MAX }],
    exclusiveEndPrimaryKey: [{ waybill_no: 'SF1234567890' }, { seq: TableStore.INF_MIN }],
  }),
  error: compiled.main.proto.Error.decode(errorBytes),
  mnsSignature: mns.sign('POST', { 'content-md5': '', 'content-type': 'text/xml;charset=utf-8', date: 'Wed, 25 Nov 2026 00:00:00 GMT', 'x-mns-version': '2015-06-06' }, '/queues/scan-events-dlq/messages'),
  zodIssues: z.object({ waybillNo: z.string().regex(/^SF\\d{10}$/), at: z.iso.datetime() }).safeParse({ waybillNo: 'x', at: 'now' }).error.issues,
}));
`;

describe("the repository's layer: tablestore, @alicloud/mns and zod shipped bundled", () => {
  let outDir: string;
  let layer: BuiltLayer;
  let mount: FcMount;

  async function probe(options: { cwd: string; nodePath?: string }, script: string): Promise<unknown> {
    const { stdout } = await run(process.execPath, ['-e', script], { cwd: options.cwd, env: { PATH: process.env.PATH ?? '', ...(options.nodePath === undefined ? {} : { NODE_PATH: options.nodePath }) } });
    return JSON.parse(stdout) as unknown;
  }

  beforeAll(async () => {
    outDir = await mkdtemp(path.join(os.tmpdir(), 'layer-sdks-'));
    layer = await buildLayerDirectory({ packages: layerPackages, sourceRoot: repoRoot, outDir });
    mount = await mountArtifacts({ codeDirs: new Map(), layerNodeModulesDir: layer.nodeModulesDir });
  }, 120_000);

  afterAll(async () => {
    await mount.dispose();
    await rm(outDir, { recursive: true, force: true });
  });

  it('holds one bundle per SDK, with long beside tablestore (protobufjs finds it through eval("require")), and not the buffer polyfill nothing loads', async () => {
    for (const name of layerPackages) expect(await readdir(path.join(layer.nodeModulesDir, name))).toContain('bundle.js');
    expect(layer.packages.filter((entry) => !entry.inLayer.endsWith('/bundle.js'))).toEqual([expect.objectContaining({ name: 'long', inLayer: 'tablestore/node_modules/long' })]);
    expect(layer.packages).toContainEqual(expect.objectContaining({ name: 'protobufjs', inLayer: 'tablestore/bundle.js' }));
    expect(layer.omitted).toContainEqual(expect.objectContaining({ name: 'buffer', dependencyOf: 'tablestore' }));
  });

  it('encodes, decodes, signs and validates as the installed SDKs do, loaded from the layer as FC mounts it', async () => {
    const installed = await probe({ cwd: repoRoot }, SDK_PROBE);
    const bundled = await probe({ cwd: path.dirname(mount.nodePath ?? ''), nodePath: mount.nodePath }, SDK_PROBE);
    expect(bundled).toEqual(installed);
    expect(installed).toMatchObject({ error: { code: 'OTSConditionCheckFail' } });
  });

  it('loads protobufjs with long, as installed, so 64-bit integers decode as Long', async () => {
    const script = `require('tablestore'); const path = require('path'); console.log(JSON.stringify(Object.keys(require.cache).filter((file) => file.endsWith('long.js')).map((file) => path.relative(process.env.NODE_PATH, file).split(path.sep).join('/'))));`;
    await expect(probe({ cwd: path.dirname(mount.nodePath ?? ''), nodePath: mount.nodePath }, script)).resolves.toEqual(['tablestore/node_modules/long/src/long.js']);
  });

  it('compiles each SDK from its code cache on this Node', async () => {
    const script = `for (const name of ${JSON.stringify(layerPackages)}) require(name); console.log(JSON.stringify(${JSON.stringify(layerPackages)}.map((name) => require(name + '/load.js').codeCache())));`;
    await expect(probe({ cwd: path.dirname(mount.nodePath ?? ''), nodePath: mount.nodePath }, script)).resolves.toEqual(layerPackages.map(() => 'used'));
  });
});
