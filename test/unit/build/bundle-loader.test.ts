import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeCacheFileName, createBundleLoader } from '../../../infra/build/bundle-loader.ts';
import { BundleEntryMissingError } from '../../../infra/build/errors.ts';
import { compileBundleLoader } from '../../../infra/build/layer-bundle.ts';

const run = promisify(execFile);

/** A bundle as layer-bundle.ts writes one: a registry of thunks, each module made once. */
const BUNDLE = `
var shared = { made: 0 };
var main;
module.exports = {
  "probe": () => (main ??= (shared.made++, { shared, beside: require("beside-dep") })),
  "probe/lib/part.js": () => shared,
};
`;

/** Runs `node -e` in a fresh process with no NODE_OPTIONS, as the layer build does, and parses what it prints. */
async function inNewProcess(dir: string, script: string, nodeFlags: readonly string[] = []): Promise<unknown> {
  const { stdout } = await run(process.execPath, [...nodeFlags, '-e', script], { cwd: dir, env: { PATH: process.env.PATH ?? '' } });
  return JSON.parse(stdout) as unknown;
}

describe('the loader of a bundled layer package', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'bundle-loader-'));
    await writeFile(path.join(dir, 'bundle.js'), BUNDLE);
    await writeFile(path.join(dir, 'load.js'), await compileBundleLoader());
    await mkdir(path.join(dir, 'node_modules', 'beside-dep'), { recursive: true });
    await writeFile(path.join(dir, 'node_modules', 'beside-dep', 'index.js'), `module.exports = 'installed beside the bundle';`);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('serves every module it holds from one compilation of the bundle, each made once', () => {
    const loader = createBundleLoader(dir);
    const main = loader.load('probe') as { shared: { made: number } };
    expect(loader.load('probe')).toBe(main);
    expect(loader.load('probe/lib/part.js')).toBe(main.shared);
    expect(main.shared.made).toBe(1);
  });

  it("resolves the bundle's own requires from its directory, as Node resolves a file's", () => {
    expect(createBundleLoader(dir).load('probe')).toMatchObject({ beside: 'installed beside the bundle' });
  });

  it('names the bundle and what it holds when asked for a module it does not hold', () => {
    const loader = createBundleLoader(dir);
    expect(() => loader.load('probe/lib/other.js')).toThrow(BundleEntryMissingError);
    expect(() => loader.load('probe/lib/other.js')).toThrow(/bundle\.js does not hold probe\/lib\/other\.js, only probe, probe\/lib\/part\.js/);
  });

  it('names its code cache after the Node version, its V8 build and the architecture that write and read it', () => {
    expect(codeCacheFileName()).toBe(`bundle-${process.version}-v8-${process.versions.v8}-${process.arch}.cache`);
    expect(createBundleLoader(dir).codeCacheFile).toBe(path.join(dir, codeCacheFileName()));
  });

  it('compiles from source when there is no code cache for this Node, and uses the one a process like it wrote', async () => {
    const loadJs = JSON.stringify(path.join(dir, 'load.js'));
    await expect(inNewProcess(dir, `const l = require(${loadJs}); l.load('probe'); console.log(JSON.stringify(l.codeCache()));`)).resolves.toBe('none');
    const written = await inNewProcess(dir, `const l = require(${loadJs}); l.load('probe'); require('node:fs').writeFileSync(l.codeCacheFile, l.createCachedData()); console.log(JSON.stringify(l.codeCacheFile));`);
    expect(written).toBe(path.join(dir, codeCacheFileName()));
    await expect(inNewProcess(dir, `const l = require(${loadJs}); const m = l.load('probe'); console.log(JSON.stringify([l.codeCache(), m.beside]));`)).resolves.toEqual(['used', 'installed beside the bundle']);
  });

  it('compiles from source when V8 runs with other flags than the cache was written with, as V8 refuses it', async () => {
    const loadJs = JSON.stringify(path.join(dir, 'load.js'));
    await inNewProcess(dir, `const l = require(${loadJs}); l.load('probe'); require('node:fs').writeFileSync(l.codeCacheFile, l.createCachedData()); console.log('1');`);
    await expect(inNewProcess(dir, `const l = require(${loadJs}); const m = l.load('probe'); console.log(JSON.stringify([l.codeCache(), m.shared.made]));`, ['--no-opt'])).resolves.toEqual(['rejected', 1]);
  });

  it("compiles from source when V8 refuses the code cache, as it refuses another bundle's", async () => {
    const other = await mkdtemp(path.join(os.tmpdir(), 'bundle-loader-other-'));
    try {
      await writeFile(path.join(other, 'bundle.js'), `module.exports = { "other": () => "a different bundle, longer than the probe's, so V8's source check fails ${'.'.repeat(200)}" };`);
      await writeFile(path.join(other, 'load.js'), await compileBundleLoader());
      await inNewProcess(other, `const l = require(${JSON.stringify(path.join(other, 'load.js'))}); l.load('other'); require('node:fs').writeFileSync(${JSON.stringify(path.join(dir, codeCacheFileName()))}, l.createCachedData()); console.log('1');`);
      const loadJs = JSON.stringify(path.join(dir, 'load.js'));
      await expect(inNewProcess(dir, `const l = require(${loadJs}); const m = l.load('probe'); console.log(JSON.stringify([l.codeCache(), m.shared.made]));`)).resolves.toEqual(['rejected', 1]);
    } finally {
      await rm(other, { recursive: true, force: true });
      await rm(path.join(dir, codeCacheFileName()), { force: true });
    }
  });
});
