import { execFile } from 'node:child_process';
import { readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeCacheFileName } from '../../../infra/build/bundle-loader.ts';
import { LayerBundleError } from '../../../infra/build/errors.ts';
import { buildLayerDirectory, ensureLayerDirectory, type BuiltLayer } from '../../../infra/build/layer.ts';
import { mountArtifacts, type FcMount } from '../../../infra/local/fc/mount.ts';
import { createLayerProject } from '../../support/layer-project.ts';
import { createBundleProject, type BundleProject } from './bundle-project.ts';

const run = promisify(execFile);

async function exists(target: string): Promise<boolean> {
  try {
    await stat(target);
    return true;
  } catch {
    return false;
  }
}

describe('a layer package shipped bundled', () => {
  let project: BundleProject;
  let layer: BuiltLayer;
  let mount: FcMount;

  /** What a function instance sees: `script` run by Node with the mounted layer on NODE_PATH, outside the project. */
  async function inInstance(script: string): Promise<unknown> {
    const { stdout } = await run(process.execPath, ['-e', script], { cwd: path.dirname(mount.nodePath ?? ''), env: { PATH: process.env.PATH ?? '', NODE_PATH: mount.nodePath ?? '' } });
    return JSON.parse(stdout) as unknown;
  }

  beforeAll(async () => {
    project = await createBundleProject();
    layer = await buildLayerDirectory({ packages: ['sdk'], sourceRoot: project.root, outDir: project.outDir, packageOptions: project.packageOptions });
    mount = await mountArtifacts({ codeDirs: new Map(), layerNodeModulesDir: layer.nodeModulesDir });
  });

  afterAll(async () => {
    await mount.dispose();
    await rm(project.root, { recursive: true, force: true });
  });

  it('holds the package and its dependencies in one file, each resolved as Node resolves it (nested versions stay nested)', async () => {
    const sdk = path.join(layer.nodeModulesDir, 'sdk');
    expect(await exists(path.join(sdk, 'bundle.js'))).toBe(true);
    expect(await exists(path.join(layer.nodeModulesDir, 'dep'))).toBe(false);
    expect(await exists(path.join(sdk, 'node_modules', 'dep'))).toBe(false);
    await expect(inInstance(`console.log(JSON.stringify(require('sdk').dep))`)).resolves.toBe('dep 2');
    expect(layer.packages).toContainEqual({ name: 'dep', version: '2.0.0', inLayer: 'sdk/bundle.js' });
    expect(layer.packages).toContainEqual({ name: 'sdk', version: '1.0.0', inLayer: 'sdk/bundle.js' });
  });

  it('installs beside the bundle a package it loads by a require esbuild cannot follow', async () => {
    expect(await exists(path.join(layer.nodeModulesDir, 'sdk', 'node_modules', 'lazy', 'index.js'))).toBe(true);
    await expect(inInstance(`console.log(JSON.stringify(require('sdk').lazy))`)).resolves.toEqual({ lazy: 'loaded at run time' });
    expect(layer.packages).toContainEqual({ name: 'lazy', version: '1.0.0', inLayer: 'sdk/node_modules/lazy' });
  });

  it('leaves out a dependency nothing loads, and says so', async () => {
    expect(await exists(path.join(layer.nodeModulesDir, 'unused'))).toBe(false);
    expect(await exists(path.join(layer.nodeModulesDir, 'sdk', 'node_modules', 'unused'))).toBe(false);
    expect(layer.omitted).toEqual([{ name: 'unused', version: '1.0.0', dependencyOf: 'sdk' }]);
  });

  it('keeps a require of a package outside its dependencies for run time, where it fails as in a layer of installed packages', async () => {
    await expect(inInstance(`try { require('sdk').outside(); console.log('"loaded"'); } catch (error) { console.log(JSON.stringify(error.code)); }`)).resolves.toBe('MODULE_NOT_FOUND');
  });

  it('serves a listed subpath from the same bundle, as the same module the package uses', async () => {
    await expect(inInstance(`console.log(JSON.stringify(require('sdk/lib/part.js') === require('sdk').part))`)).resolves.toBe(true);
  });

  it('carries a package.json, the licences of what it bundles, and a code cache for this Node, which an instance on this Node uses', async () => {
    const sdk = path.join(layer.nodeModulesDir, 'sdk');
    expect(JSON.parse(await readFile(path.join(sdk, 'package.json'), 'utf8'))).toMatchObject({ name: 'sdk', version: '1.0.0', license: 'MIT', main: 'index.js' });
    const notices = await readFile(path.join(sdk, 'THIRD-PARTY-NOTICES'), 'utf8');
    expect(notices).toContain('dep@2.0.0 (ISC)\n\nISC License, dep authors');
    expect(notices).toContain('sdk@1.0.0 (MIT)\n\nMIT License, sdk authors');
    expect(await exists(path.join(sdk, codeCacheFileName()))).toBe(true);
    await expect(inInstance(`new (require('sdk'))({}); console.log(JSON.stringify(require('sdk/load.js').codeCache()))`)).resolves.toBe('used');
  });

  it('names the bundle in stack frames by its path on FC, as the code cache was written there', async () => {
    const stack = await inInstance(`try { require('sdk').outside(); } catch (error) { console.log(JSON.stringify(error.stack)); }`);
    expect(stack).toContain('/opt/nodejs/node_modules/sdk/bundle.js:');
  });

  it('reuses a layer this build would write again, and rebuilds it when what the package ships changes', async () => {
    const bundle = path.join(layer.nodeModulesDir, 'sdk', 'bundle.js');
    const before = (await stat(bundle)).mtimeMs;
    await ensureLayerDirectory({ packages: ['sdk'], sourceRoot: project.root, outDir: project.outDir, packageOptions: project.packageOptions });
    expect((await stat(bundle)).mtimeMs).toBe(before);
    const rebuilt = await ensureLayerDirectory({ packages: ['sdk'], sourceRoot: project.root, outDir: project.outDir, packageOptions: { sdk: { bundle: true } } });
    expect(await exists(path.join(rebuilt.nodeModulesDir, 'sdk', 'lib', 'part.js'))).toBe(false);
  });

  it('refuses to bundle a package whose code asks where its files are', async () => {
    const probe = await createLayerProject();
    try {
      // layer-probe reports its own __filename and resolves modules with require.resolve.
      const error: unknown = await buildLayerDirectory({ packages: ['layer-probe'], sourceRoot: probe.root, outDir: probe.outDir, packageOptions: { 'layer-probe': { bundle: true } } }).catch((failure: unknown) => failure);
      expect(error).toBeInstanceOf(LayerBundleError);
      expect((error as Error).message).toMatch(/cannot bundle layer-probe: its code uses (__filename|require\.resolve)/);
    } finally {
      await rm(probe.root, { recursive: true, force: true });
    }
  });
});
