import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * A throw-away project for layer tests: an s.yaml with one function `probe`, whose bundle leaves the package
 * `layer-probe` to the layer, and a node_modules holding
 * - `layer-probe` (depends on `layer-probe-helper@2`, installed nested, and optionally on `layer-probe-extra`),
 * - `layer-probe-helper@1` at the top (another package's version: must not be the one the layer ships for probe),
 * - `undeclared-dep`, which `layer-probe` requires without declaring it: it must not load from a layer.
 * The probe reports where each module was loaded from.
 */
export interface LayerProject {
  root: string;
  yamlPath: string;
  outDir: string;
}

async function writePackage(dir: string, manifest: object, source: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'package.json'), JSON.stringify(manifest));
  await writeFile(path.join(dir, 'index.js'), source);
}

const PROBE_SOURCE = `
function attempt(name) {
  try { return require.resolve(name); } catch (error) { return 'missing: ' + error.code; }
}
module.exports = () => ({
  probe: __filename,
  helper: require('layer-probe-helper'),
  helperPath: require.resolve('layer-probe-helper'),
  undeclared: attempt('undeclared-dep'),
});
`;

const YAML = `edition: 3.0.0
name: layer-project
access: default
resources:
  probe:
    component: fc3
    props:
      region: cn-hangzhou
      functionName: layer-probe-fn
      runtime: nodejs20
      code: ./dist/functions/probe
      handler: index.handler
      memorySize: 128
      timeout: 5
`;

export async function createLayerProject(): Promise<LayerProject> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'layer-project-'));
  const modules = path.join(root, 'node_modules');
  await writePackage(
    path.join(modules, 'layer-probe'),
    { name: 'layer-probe', version: '1.0.0', dependencies: { 'layer-probe-helper': '^2.0.0' }, optionalDependencies: { 'not-installed-optional': '^1.0.0' }, devDependencies: { 'undeclared-dep': '^1.0.0' } },
    PROBE_SOURCE,
  );
  await writePackage(path.join(modules, 'layer-probe', 'node_modules', 'layer-probe-helper'), { name: 'layer-probe-helper', version: '2.0.0' }, `module.exports = 'helper 2';`);
  // Tools a package keeps for itself (as protobufjs keeps its CLI's) do not ship.
  await writePackage(path.join(modules, 'layer-probe', 'tools', 'node_modules', 'tool-only'), { name: 'tool-only', version: '1.0.0' }, '');
  await writePackage(path.join(modules, 'layer-probe-helper'), { name: 'layer-probe-helper', version: '1.0.0' }, `module.exports = 'helper 1';`);
  await writePackage(path.join(modules, 'undeclared-dep'), { name: 'undeclared-dep', version: '1.0.0' }, `module.exports = 'undeclared';`);
  await mkdir(path.join(root, 'functions', 'probe'), { recursive: true });
  await writeFile(
    path.join(root, 'functions', 'probe', 'index.ts'),
    `import probe from 'layer-probe';\nexport async function handler() { return probe(); }\n`,
  );
  const yamlPath = path.join(root, 's.yaml');
  await writeFile(yamlPath, YAML);
  return { root, yamlPath, outDir: path.join(root, 'dist') };
}
