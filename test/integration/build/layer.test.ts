import { execFile } from 'node:child_process';
import { readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LayerBuildError } from '../../../infra/build/errors.ts';
import { buildLayerDirectory, ensureLayerDirectory, resolveLayerPackages } from '../../../infra/build/layer.ts';
import { zipDirectoryContents } from '../../../infra/build/zip.ts';
import { layerPackages } from '../../../infra/layer-packages.ts';
import { createLayerProject, type LayerProject } from '../../support/layer-project.ts';

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '../../..');

async function exists(target: string): Promise<boolean> {
  try {
    await stat(target);
    return true;
  } catch {
    return false;
  }
}

describe('the layer build', () => {
  let project: LayerProject;

  beforeAll(async () => {
    project = await createLayerProject();
  });

  afterAll(async () => {
    await rm(project.root, { recursive: true, force: true });
  });

  it('resolves the production closure as Node does: nested versions stay nested, dev and missing optional ones are left out', async () => {
    const closure = await resolveLayerPackages(['layer-probe'], project.root);
    expect(closure.map((entry) => `${entry.installPath}@${entry.version}`)).toEqual(['layer-probe@1.0.0', 'layer-probe/node_modules/layer-probe-helper@2.0.0']);
  });

  it('names the package that needs a dependency nobody installed', async () => {
    await rm(path.join(project.root, 'node_modules', 'layer-probe', 'node_modules'), { recursive: true, force: true });
    await rm(path.join(project.root, 'node_modules', 'layer-probe-helper'), { recursive: true, force: true });
    await expect(resolveLayerPackages(['layer-probe'], project.root)).rejects.toThrow(LayerBuildError);
    await expect(resolveLayerPackages(['layer-probe'], project.root)).rejects.toThrow(/layer-probe needs layer-probe-helper/);
    await rm(project.root, { recursive: true, force: true });
    project = await createLayerProject();
  });

  it('writes nodejs/node_modules with the closure only, and a zip whose entries start at nodejs/', async () => {
    const layer = await buildLayerDirectory({ packages: ['layer-probe'], sourceRoot: project.root, outDir: project.outDir });
    const modules = layer.nodeModulesDir;
    expect(await exists(path.join(modules, 'layer-probe', 'index.js'))).toBe(true);
    expect(await exists(path.join(modules, 'layer-probe', 'node_modules', 'layer-probe-helper', 'index.js'))).toBe(true);
    expect(await exists(path.join(modules, 'layer-probe', 'tools', 'node_modules'))).toBe(false);
    expect(await exists(path.join(modules, 'layer-probe-helper'))).toBe(false);
    expect(await exists(path.join(modules, 'undeclared-dep'))).toBe(false);
    const manifest = JSON.parse(await readFile(path.join(layer.rootDir, 'nodejs', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(manifest.dependencies).toEqual({ 'layer-probe': '1.0.0' });

    const archive = path.join(project.outDir, 'layer.zip');
    await zipDirectoryContents(layer.rootDir, archive);
    const { stdout } = await run('unzip', ['-Z1', archive]);
    const entries = stdout.trim().split('\n');
    expect(entries).toContain('nodejs/node_modules/layer-probe/index.js');
    expect(entries).toContain('nodejs/node_modules/layer-probe/node_modules/layer-probe-helper/index.js');
    expect(entries.every((entry) => entry.startsWith('nodejs/'))).toBe(true);
  });

  it('reuses a layer directory that already holds the closure, and rebuilds one that does not', async () => {
    await buildLayerDirectory({ packages: ['layer-probe'], sourceRoot: project.root, outDir: project.outDir });
    const marker = path.join(project.outDir, 'layer', 'nodejs', 'node_modules', 'layer-probe', 'index.js');
    const before = (await stat(marker)).mtimeMs;
    await ensureLayerDirectory({ packages: ['layer-probe'], sourceRoot: project.root, outDir: project.outDir });
    expect((await stat(marker)).mtimeMs).toBe(before);
    await rm(path.join(project.outDir, 'layer', 'nodejs', 'node_modules', 'layer-probe', 'node_modules'), { recursive: true });
    await ensureLayerDirectory({ packages: ['layer-probe'], sourceRoot: project.root, outDir: project.outDir });
    expect(await exists(path.join(project.outDir, 'layer', 'nodejs', 'node_modules', 'layer-probe', 'node_modules', 'layer-probe-helper'))).toBe(true);
  });

  it("covers the repository's layer packages with what npm installed", async () => {
    const closure = await resolveLayerPackages(layerPackages, repoRoot);
    const names = closure.map((entry) => entry.installPath);
    for (const name of layerPackages) expect(names).toContain(name);
    expect(names).toContain('protobufjs');
    expect(names).toContain('xml2js');
  });
});
