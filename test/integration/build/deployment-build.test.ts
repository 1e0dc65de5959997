import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDeployment, formatBuildReport, writeBuildReport, type BuildReport } from '../../../infra/build/deployment-build.ts';
import { createLayerProject, type LayerProject } from '../../support/layer-project.ts';

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
    expect(probe?.coldStartImport).toMatchObject({ runs: 2 });
    expect(probe?.coldStartImport?.importMs).toBeGreaterThanOrEqual(0);
    expect(probe?.coldStartImport?.bareNodeMs).toBeGreaterThan(0);
  });

  it('reports the layer archive and the packages it holds', () => {
    expect(report.layer).toMatchObject({ archive: 'dist/layer.zip', directory: 'dist/layer' });
    expect(report.layer.archiveBytes).toBeGreaterThan(0);
    expect(report.layer.packages.map((entry) => entry.installPath)).toEqual(['layer-probe', 'layer-probe/node_modules/layer-probe-helper']);
  });

  it('writes the report as JSON and prints one row per function and the layer', async () => {
    const file = path.join(project.outDir, 'build-report.json');
    await writeBuildReport(report, file);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(report);
    const printed = formatBuildReport(report);
    expect(printed).toMatch(/^function\s+bundle\s+cold-start import \(median\)/);
    expect(printed).toMatch(/\nprobe\s+\d+\.\d KiB\s+\d+\.\d ms \(2 runs\)/);
    expect(printed).toContain('layer  dist/layer.zip:');
  });
});
