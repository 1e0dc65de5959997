import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDeployment, formatBuildReport, writeBuildReport, type BuildReport } from '../../../infra/build/deployment-build.ts';
import { UndeclaredSubpathError } from '../../../infra/build/errors.ts';
import { createLayerProject, type LayerProject } from '../../support/layer-project.ts';
import { createBundleProject, type BundleProject } from './bundle-project.ts';

describe('npm run build', () => {
  let project: LayerProject;
  let report: BuildReport;

  beforeAll(async () => {
    project = await createLayerProject();
    report = await buildDeployment({ sourceRoot: project.root, outDir: project.outDir, layerPackages: ['layer-probe'], importRuns: 2, now: () => new Date('2026-11-11T00:00:00Z') });
  });

  afterAll(async () => {
    await rm(project.root, { recursive: true, force: true });
  });

  it('reports every function of functions/ with its bundle size and cold-start import time, loading the layer from NODE_PATH', () => {
    expect(report.builtAt).toBe('2026-11-11T00:00:00.000Z');
    expect(report.functions).toHaveLength(1);
    const [probe] = report.functions;
    expect(probe).toMatchObject({ name: 'probe', bundle: 'dist/functions/probe/index.js' });
    expect(probe?.bundleBytes).toBeGreaterThan(0);
    expect(probe?.coldStartImport).toMatchObject({ runs: 2, codeCache: {} });
    expect(probe?.coldStartImport?.importMs).toBeGreaterThanOrEqual(0);
    expect(probe?.coldStartImport?.bareNodeMs).toBeGreaterThan(0);
    expect(probe?.coldStartImportWithoutCodeCache).toMatchObject({ runs: 2 });
  });

  it('reports the layer archive and the packages it holds', () => {
    expect(report.layer).toMatchObject({ archive: 'dist/layer.zip', directory: 'dist/layer', omitted: [] });
    expect(report.layer.archiveBytes).toBeGreaterThan(0);
    expect(report.layer.packages).toEqual([
      { name: 'layer-probe', version: '1.0.0', inLayer: 'layer-probe' },
      { name: 'layer-probe-helper', version: '2.0.0', inLayer: 'layer-probe/node_modules/layer-probe-helper' },
    ]);
  });

  it('writes the report as JSON and prints one row per function and the layer', async () => {
    const file = path.join(project.outDir, 'build-report.json');
    await writeBuildReport(report, file);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(report);
    const printed = formatBuildReport(report);
    expect(printed).toMatch(/^function\s+bundle\s+cold-start import \(median\)\s+instance start min–max\s+without code cache/);
    expect(printed).toMatch(/\nprobe\s+\d+\.\d KiB\s+\d+\.\d ms \(2 runs\)\s+\d+\.\d–\d+\.\d ms\s+\d+\.\d ms/);
    expect(printed).toContain(`The layer's code caches are for Node ${process.version}`);
    expect(printed).toContain('layer  dist/layer.zip:');
  });
});

describe('npm run build, with a layer package shipped bundled', () => {
  let project: BundleProject;
  let report: BuildReport;

  beforeAll(async () => {
    project = await createBundleProject();
    report = await buildDeployment({ sourceRoot: project.root, outDir: project.outDir, layerPackages: ['sdk'], layerPackageOptions: project.packageOptions, importRuns: 2, now: () => new Date(0) });
  });

  afterAll(async () => {
    await rm(project.root, { recursive: true, force: true });
  });

  it('measures the cold start with the code cache this Node uses, and without it', () => {
    const [probe] = report.functions;
    expect(probe?.coldStartImport?.codeCache).toEqual({ sdk: 'used' });
    expect(probe?.coldStartImportWithoutCodeCache?.codeCache).toEqual({ sdk: 'none' });
    expect(formatBuildReport(report)).toContain('(code cache sdk used)');
  });

  it('lists what the bundle holds, what is installed beside it and what it leaves out', () => {
    expect(report.layer.packages).toEqual([
      { name: 'dep', version: '2.0.0', inLayer: 'sdk/bundle.js' },
      { name: 'sdk', version: '1.0.0', inLayer: 'sdk/bundle.js' },
      { name: 'lazy', version: '1.0.0', inLayer: 'sdk/node_modules/lazy' },
    ]);
    expect(report.layer.omitted).toEqual([{ name: 'unused', version: '1.0.0', dependencyOf: 'sdk' }]);
    expect(formatBuildReport(report)).toContain('left out, never loaded: unused@1.0.0 (of sdk)');
  });

  it('stops when a function requires a module of the bundled package that the bundle does not hold', async () => {
    await writeFile(path.join(project.root, 'functions', 'probe', 'index.ts'), `import other from 'sdk/lib/other.js';\nexport async function handler() { return other; }\n`);
    const error: unknown = await buildDeployment({ sourceRoot: project.root, outDir: project.outDir, layerPackages: ['sdk'], layerPackageOptions: project.packageOptions, importRuns: 0, now: () => new Date(0) }).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(UndeclaredSubpathError);
    expect((error as Error).message).toMatch(/functions\/probe requires sdk\/lib\/other\.js, which the layer's bundle of sdk does not hold/);
  });
});
