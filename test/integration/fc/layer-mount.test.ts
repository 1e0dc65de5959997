import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LayerNotBuiltError } from '../../../infra/local/fc/errors.ts';
import { startFcRuntime } from '../../../infra/local/fc/runtime.ts';
import { createLayerProject, type LayerProject } from '../../support/layer-project.ts';

interface ProbeAnswer {
  probe: string;
  helper: string;
  helperPath: string;
  undeclared: string;
}

async function invokeProbe(project: LayerProject, options: { skipBuild?: boolean } = {}): Promise<ProbeAnswer> {
  const runtime = await startFcRuntime({
    yamlPath: project.yamlPath,
    gateway: false,
    variables: {},
    external: ['layer-probe'],
    log: () => undefined,
    ...options,
  });
  try {
    const outcome = await runtime.invoke('layer-probe-fn', '');
    if (!outcome.ok) throw new Error(`probe failed: ${outcome.error.errorMessage}`);
    if (outcome.result.kind !== 'json') throw new Error('expected a JSON answer');
    return JSON.parse(outcome.result.text) as ProbeAnswer;
  } finally {
    await runtime.close();
  }
}

describe('local FC runtime: packages left to the layer', () => {
  let project: LayerProject;

  beforeAll(async () => {
    project = await createLayerProject();
  });

  afterAll(async () => {
    await rm(project.root, { recursive: true, force: true });
  });

  it('loads them from the layer mounted as /opt/nodejs/node_modules, outside the repository', async () => {
    const answer = await invokeProbe(project);
    expect(answer.probe).toMatch(/[/\\]opt[/\\]nodejs[/\\]node_modules[/\\]layer-probe[/\\]index\.js$/);
    expect(answer.probe.startsWith(project.root)).toBe(false);
    await expect(stat(path.join(project.outDir, 'layer', 'nodejs', 'node_modules', 'layer-probe', 'index.js'))).resolves.toBeTruthy();
  });

  it('gives each layer package the dependency version npm installed for it', async () => {
    const answer = await invokeProbe(project);
    expect(answer.helper).toBe('helper 2');
    expect(answer.helperPath).toMatch(/layer-probe[/\\]node_modules[/\\]layer-probe-helper[/\\]index\.js$/);
  });

  it('fails to load a package the layer does not ship, as FC would, even though the repository has it', async () => {
    const answer = await invokeProbe(project);
    expect(answer.undeclared).toBe('missing: MODULE_NOT_FOUND');
  });

  it('loads what is already built with skipBuild, and names the missing layer when there is none', async () => {
    await expect(invokeProbe(project, { skipBuild: true })).resolves.toMatchObject({ helper: 'helper 2' });
    await rm(path.join(project.outDir, 'layer'), { recursive: true, force: true });
    await expect(invokeProbe(project, { skipBuild: true })).rejects.toBeInstanceOf(LayerNotBuiltError);
  });
});
