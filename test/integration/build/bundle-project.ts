import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { LayerPackageOptions } from '../../../infra/layer-packages.ts';

/**
 * A throw-away project whose layer package `sdk` ships bundled, with one function `probe` that requires it and
 * its subpath `sdk/lib/part.js`. Its node_modules holds
 * - `sdk@1.0.0`, depending on `dep@2` (installed nested), `lazy` and `unused`; it finds `lazy` with
 *   `eval("require")`, as protobufjs finds `long`, requires `outside` (installed, but not a dependency) only when
 *   asked, and never requires `unused`;
 * - `dep@1.0.0` at the top (another package's version), `lazy@1.0.0`, `unused@1.0.0`, `outside@1.0.0`.
 */
export interface BundleProject {
  root: string;
  outDir: string;
  packageOptions: Record<string, LayerPackageOptions>;
}

async function writePackage(dir: string, manifest: object, files: Record<string, string>): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'package.json'), JSON.stringify(manifest));
  for (const [file, source] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), source);
  }
}

const SDK_SOURCE = `
function inquire(name) {
  try {
    var mod = eval("quire".replace(/^/, "re"))(name);
    if (mod && (mod.length || Object.keys(mod).length)) return mod;
  } catch (e) {}
  return null;
}
class Client {
  constructor(options) {
    this.options = options;
    Client.made += 1;
  }
  static outside() {
    return require('outside');
  }
}
Client.made = 0;
Client.dep = require('dep');
Client.lazy = inquire('lazy');
Client.part = require('./lib/part.js');
module.exports = Client;
`;

const FUNCTION_SOURCE = `import Client from 'sdk';
import part from 'sdk/lib/part.js';
export async function handler() {
  return { dep: Client.dep, lazy: Client.lazy, samePart: Client.part === part };
}
`;

export async function createBundleProject(): Promise<BundleProject> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'bundle-project-'));
  const modules = path.join(root, 'node_modules');
  await writePackage(
    path.join(modules, 'sdk'),
    { name: 'sdk', version: '1.0.0', license: 'MIT', main: 'index.js', dependencies: { dep: '^2.0.0', lazy: '^1.0.0', unused: '^1.0.0' } },
    { 'index.js': SDK_SOURCE, 'lib/part.js': `module.exports = { part: 'from the bundle' };`, LICENSE: 'MIT License, sdk authors' },
  );
  await writePackage(path.join(modules, 'sdk', 'node_modules', 'dep'), { name: 'dep', version: '2.0.0', license: 'ISC' }, { 'index.js': `module.exports = 'dep 2';`, LICENSE: 'ISC License, dep authors' });
  await writePackage(path.join(modules, 'dep'), { name: 'dep', version: '1.0.0' }, { 'index.js': `module.exports = 'dep 1';` });
  await writePackage(path.join(modules, 'lazy'), { name: 'lazy', version: '1.0.0' }, { 'index.js': `module.exports = { lazy: 'loaded at run time' };` });
  await writePackage(path.join(modules, 'unused'), { name: 'unused', version: '1.0.0' }, { 'index.js': `module.exports = 'never loaded';` });
  await writePackage(path.join(modules, 'outside'), { name: 'outside', version: '1.0.0' }, { 'index.js': `module.exports = 'not a dependency';` });
  await mkdir(path.join(root, 'functions', 'probe'), { recursive: true });
  await writeFile(path.join(root, 'functions', 'probe', 'index.ts'), FUNCTION_SOURCE);
  return {
    root,
    outDir: path.join(root, 'dist'),
    packageOptions: { sdk: { bundle: true, subpaths: ['lib/part.js'], firstClient: { args: [{ region: 'cn-hangzhou' }] } } },
  };
}
