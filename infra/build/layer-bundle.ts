import { cp, mkdir, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build, type Metafile, type Plugin } from 'esbuild';
import type { LayerPackageOptions } from '../layer-packages.ts';
import { BUNDLE_FILE, LOADER_FILE } from './bundle-loader.ts';
import { firstClientSource } from './cold-start-script.ts';
import { LayerBundleError } from './errors.ts';
import { readManifest, type LayerPackage } from './layer-closure.ts';
import { runNode } from './node-process.ts';

/**
 * One layer package shipped bundled (`bundle: true` in infra/layer-packages.ts): the official package and its
 * production dependencies, as npm installed them, built by esbuild into one CommonJS file, so a new instance
 * reads and compiles one file instead of dozens (tablestore loads 47 files, 3.1 MB, 2.6 MB of them its protobuf
 * messages compiled to JavaScript; zod 95 files), and with a code cache deserializes their bytecode instead of
 * compiling them. Nothing is changed but the packaging:
 *
 * - every module is resolved as Node's `require` resolves it (`main` fields, the `require` and `node` export
 *   conditions, .js/.json files), and only within the package's dependency closure; an import outside it stays a
 *   run-time `require`, which fails or succeeds as it did in a layer of installed packages;
 * - whitespace is minified, nothing renamed, so names, `Function.prototype.name` and stack frames are the package's;
 * - the build refuses a package whose code asks where its files are (`__dirname`, `require.resolve`, …) or uses
 *   `import()`: bundled, those would answer for the bundle, or fail;
 * - a package the original loads by a `require` esbuild cannot follow (protobufjs finds `long` through
 *   `eval("require")`) is found by loading the original package once, and installed beside the bundle
 *   (`tablestore/node_modules/long`), where the bundle's `require` finds it.
 *
 * Layout, in the layer's node_modules: `<name>/package.json` (main `index.js`), `index.js` and one file per
 * subpath, each `require("./load.js").load("<specifier>")`; `load.js` (bundle-loader.ts); `bundle.js`; the code
 * cache `bundle-<node>-v8-<v8 build>-<arch>.cache`; `THIRD-PARTY-NOTICES` with the licence of every bundled package.
 * The code cache is written in a new process that loads the bundle as an instance does, then constructs the first
 * client, so it holds the bytecode of every function that ran. V8 keeps the script name a cache was written under,
 * so it is written under the bundle's path on FC (/opt/nodejs/node_modules/<name>/bundle.js), which stack frames
 * then show, on FC and in the local runtime alike.
 */

export interface BundleLayerPackageOptions {
  name: string;
  options: LayerPackageOptions;
  /** The package's production closure, itself included (`resolveLayerPackages([name], sourceRoot)`). */
  closure: readonly LayerPackage[];
  /** Repository root, whose node_modules holds the closure. */
  sourceRoot: string;
  /** The layer's node_modules directory being written; the package lands in `<nodeModulesDir>/<name>`. */
  nodeModulesDir: string;
  /** `load.js`, compiled once per layer build ({@link compileBundleLoader}). */
  loaderSource: string;
}

export interface BundledLayerPackage {
  name: string;
  version: string;
  /** Closure members whose code is in the bundle. */
  bundled: LayerPackage[];
  /** Closure members the bundle loads at run time, installed beside it; `installPath` is their path in the layer. */
  beside: LayerPackage[];
  /**
   * Closure members nothing loads, left out: tablestore depends on the `buffer` polyfill, but Node answers
   * `require('buffer')` with its own module, so a layer of installed packages carried it unused.
   */
  unused: LayerPackage[];
}

/** Files of the package directory the layer build writes, which no subpath may name. */
const RESERVED_FILES = new Set(['package.json', 'index.js', BUNDLE_FILE, LOADER_FILE, 'THIRD-PARTY-NOTICES']);

/**
 * What bundled code may not use: each answers for the bundle's file instead of the module's own (or fails in
 * the loader's `vm.Script`, for `import()`, which the metafile reports).
 */
const LOCATION_DEPENDENT = /\b(__dirname|__filename|require\.(resolve|main|cache)|module\.(parent|paths|filename|children)|process\.mainModule|import\.meta)\b/;

const LICENCE_FILE = /^(licen[cs]e|copying|notice)(\.|-|$)/i;

function specifiersOf(name: string, options: LayerPackageOptions): string[] {
  return [name, ...(options.subpaths ?? []).map((subpath) => `${name}/${subpath}`)];
}

function fileOf(name: string, specifier: string): string {
  return specifier === name ? 'index.js' : specifier.slice(name.length + 1);
}

function isInside(file: string, dir: string): boolean {
  const relative = path.relative(dir, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** The closure member a file belongs to: the deepest package directory holding it (nested copies sit inside their parent). */
function ownerOf(file: string, closure: readonly LayerPackage[]): LayerPackage | undefined {
  let owner: LayerPackage | undefined;
  for (const candidate of closure) {
    if (isInside(file, candidate.sourceDir) && (owner === undefined || candidate.sourceDir.length > owner.sourceDir.length)) owner = candidate;
  }
  return owner;
}

/** Leaves out of the bundle whatever resolves outside the closure, as a layer of installed packages would lack it. */
function closureOnly(closure: readonly LayerPackage[]): Plugin {
  return {
    name: 'layer-closure-only',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.kind === 'entry-point' || args.pluginData === 'resolving') return undefined;
        const resolved = await pluginBuild.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'resolving' });
        if (resolved.errors.length > 0 || resolved.external) return undefined;
        if (closure.some((member) => isInside(resolved.path, member.sourceDir))) return undefined;
        return { path: args.path, external: true };
      });
    },
  };
}

/** `module.exports = { "<specifier>": () => require("<specifier>"), … }`: one bundle, each module once, loaded when first asked for. */
function registrySource(specifiers: readonly string[]): string {
  return `module.exports = {\n${specifiers.map((specifier) => `  ${JSON.stringify(specifier)}: () => require(${JSON.stringify(specifier)}),`).join('\n')}\n};\n`;
}

async function esbuildBundle(name: string, specifiers: readonly string[], closure: readonly LayerPackage[], sourceRoot: string, outfile: string): Promise<{ metafile: Metafile; text: string }> {
  try {
    const result = await build({
      stdin: { contents: registrySource(specifiers), resolveDir: sourceRoot, sourcefile: `<${name} layer entry>`, loader: 'js' },
      absWorkingDir: sourceRoot,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      // As Node's require resolves: no `module` condition or field, no TypeScript or JSX extensions, no tsconfig paths.
      conditions: [],
      mainFields: ['main'],
      resolveExtensions: ['.js', '.json', '.node'],
      tsconfigRaw: '{}',
      minifyWhitespace: true,
      legalComments: 'none',
      plugins: [closureOnly(closure)],
      metafile: true,
      write: false,
      outfile,
      logLevel: 'silent',
    });
    const text = result.outputFiles[0]?.text ?? '';
    return { metafile: result.metafile, text };
  } catch (error) {
    throw new LayerBundleError(name, error instanceof Error ? error.message : String(error));
  }
}

function checkBundle(name: string, metafile: Metafile, text: string): void {
  for (const [input, { imports }] of Object.entries(metafile.inputs)) {
    if (imports.some((entry) => entry.kind === 'dynamic-import')) throw new LayerBundleError(name, `${input} uses import(), which a bundle cannot load; ship it installed (bundle: false in infra/layer-packages.ts)`);
  }
  const located = LOCATION_DEPENDENT.exec(text);
  if (located !== null) {
    throw new LayerBundleError(name, `its code uses ${located[0]}, which bundled would name the bundle instead of the module's own file; ship it installed (bundle: false in infra/layer-packages.ts)`);
  }
}

async function bundleInputs(metafile: Metafile, sourceRoot: string): Promise<Set<string>> {
  const files = Object.keys(metafile.inputs).filter((input) => !input.startsWith('<'));
  return new Set(await Promise.all(files.map((input) => realpath(path.resolve(sourceRoot, input)))));
}

/** Files the original package loads (Node's require.cache) when it is required and its first client made, from the repository. */
async function filesLoadedByOriginal(name: string, specifiers: readonly string[], options: LayerPackageOptions, sourceRoot: string): Promise<string[]> {
  const script = [
    ...specifiers.map((specifier) => `require(${JSON.stringify(specifier)});`),
    ...(options.firstClient === undefined ? [] : [firstClientSource(`require(${JSON.stringify(name)})`, options.firstClient)]),
    'process.stdout.write(JSON.stringify(Object.keys(require.cache)));',
  ].join('\n');
  const { stdout } = await runNode(script, { cwd: sourceRoot, failure: (detail) => new LayerBundleError(name, `the installed package does not load: ${detail}`) });
  return (JSON.parse(stdout) as string[]).filter((file) => path.isAbsolute(file));
}

/** Closure members the original loads though esbuild did not bundle them (`require` it cannot follow). */
async function loadedBeside(name: string, loaded: readonly string[], inputs: ReadonlySet<string>, closure: readonly LayerPackage[]): Promise<LayerPackage[]> {
  const beside = new Map<string, LayerPackage>();
  for (const file of loaded) {
    if (inputs.has(file)) continue;
    const owner = ownerOf(file, closure);
    if (owner === undefined) throw new LayerBundleError(name, `it loads ${file} at run time, which is not in its dependency closure`);
    beside.set(owner.sourceDir, owner);
  }
  const byName = new Map<string, LayerPackage>();
  for (const member of beside.values()) {
    const manifest = await readManifest(member.sourceDir);
    if (Object.keys(manifest.dependencies ?? {}).length > 0) throw new LayerBundleError(name, `it loads ${member.installPath} at run time by a require esbuild cannot follow, and ${member.name} has dependencies of its own`);
    const other = byName.get(member.name);
    if (other !== undefined) throw new LayerBundleError(name, `it loads both ${other.installPath} and ${member.installPath} at run time`);
    byName.set(member.name, member);
  }
  return [...byName.values()];
}

async function licenceText(dir: string): Promise<string | undefined> {
  const file = (await readdir(dir)).find((entry) => LICENCE_FILE.test(entry));
  return file === undefined ? undefined : (await readFile(path.join(dir, file), 'utf8')).trim();
}

async function noticesOf(packages: readonly LayerPackage[]): Promise<string> {
  const sections: string[] = [];
  for (const member of [...packages].sort((a, b) => a.installPath.localeCompare(b.installPath))) {
    const manifest = await readManifest(member.sourceDir);
    const text = await licenceText(member.sourceDir);
    sections.push([`${member.name}@${member.version} (${manifest.license ?? 'no licence field'})`, text ?? '(the package ships no licence file)'].join('\n\n'));
  }
  return `Third-party code in bundle.js, bundled from the packages npm installed:\n\n${sections.join(`\n\n${'-'.repeat(78)}\n\n`)}\n`;
}

/** Where FC mounts the layer's node_modules (layer.ts): the bundles' path, and so their name in stack traces, on FC. */
const FC_LAYER_NODE_MODULES = '/opt/nodejs/node_modules';

/** esbuild's CommonJS build of `entry`, a script that requires bundle-loader.ts (by `require(LOADER_MODULE)`). */
async function compileWithLoader(entry: string, sourcefile: string): Promise<string> {
  const result = await build({
    stdin: { contents: entry, resolveDir: import.meta.dirname, sourcefile, loader: 'js' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}

const LOADER_MODULE = JSON.stringify(path.join(import.meta.dirname, 'bundle-loader.ts'));

/**
 * Compiles bundle-loader.ts into the `load.js` every bundled package gets: `module.exports = createBundleLoader(__dirname)`.
 *
 * @example
 * const loaderSource = await compileBundleLoader();
 */
export function compileBundleLoader(): Promise<string> {
  return compileWithLoader(`module.exports = require(${LOADER_MODULE}).createBundleLoader(__dirname);\n`, LOADER_FILE);
}

/**
 * Loads the bundle in a new process as a function's instance does (each specifier, then the first client), and
 * writes V8's code cache of everything that compiled, under the bundle's path on FC.
 */
async function writeCodeCache(name: string, dir: string, specifiers: readonly string[], options: LayerPackageOptions): Promise<void> {
  const scriptName = path.posix.join(FC_LAYER_NODE_MODULES, name, BUNDLE_FILE);
  const loader = `loader.load(${JSON.stringify(name)})`;
  const writer = await compileWithLoader(
    [
      `const loader = require(${LOADER_MODULE}).createBundleLoader(${JSON.stringify(dir)}, { scriptName: ${JSON.stringify(scriptName)} });`,
      ...specifiers.map((specifier) => `loader.load(${JSON.stringify(specifier)});`),
      ...(options.firstClient === undefined ? [] : [firstClientSource(loader, options.firstClient)]),
      `require('node:fs').writeFileSync(loader.codeCacheFile, loader.createCachedData());`,
    ].join('\n'),
    `code cache of ${name}`,
  );
  await runNode(writer, { cwd: dir, failure: (detail) => new LayerBundleError(name, `the bundle does not load: ${detail}`) });
}

/**
 * Writes `<nodeModulesDir>/<name>` as described above, then its code cache, made by loading it in a new process.
 *
 * @example
 * const tablestore = await writeBundledPackage({ name: 'tablestore', options: layerPackageOptions.tablestore,
 *   closure: await resolveLayerPackages(['tablestore'], '/repo'), sourceRoot: '/repo',
 *   nodeModulesDir: '/repo/dist/.layer-x/nodejs/node_modules', loaderSource: await compileBundleLoader() });
 * tablestore.beside.map((member) => member.installPath); // ['tablestore/node_modules/long']
 */
export async function writeBundledPackage(request: BundleLayerPackageOptions): Promise<BundledLayerPackage> {
  const { name, options, closure, sourceRoot } = request;
  const root = closure.find((member) => member.installPath === name);
  if (root === undefined) throw new LayerBundleError(name, 'it is not in its own closure');
  const specifiers = specifiersOf(name, options);
  for (const specifier of specifiers.slice(1)) {
    const file = fileOf(name, specifier);
    if (RESERVED_FILES.has(file) || path.isAbsolute(file) || file.split('/').includes('..')) throw new LayerBundleError(name, `the subpath ${file} names a file the layer build writes itself`);
  }
  const dir = path.join(request.nodeModulesDir, name);
  await mkdir(dir, { recursive: true });

  const { metafile, text } = await esbuildBundle(name, specifiers, closure, sourceRoot, path.join(dir, BUNDLE_FILE));
  checkBundle(name, metafile, text);
  const inputs = await bundleInputs(metafile, sourceRoot);
  const bundled = closure.filter((member) => [...inputs].some((file) => ownerOf(file, closure) === member));
  const beside = await loadedBeside(name, await filesLoadedByOriginal(name, specifiers, options, sourceRoot), inputs, closure);

  const manifest = await readManifest(root.sourceDir);
  await writeFile(path.join(dir, BUNDLE_FILE), text);
  await writeFile(path.join(dir, LOADER_FILE), request.loaderSource);
  await writeFile(
    path.join(dir, 'package.json'),
    `${JSON.stringify({ name, version: root.version, description: `${name}@${root.version} and its dependencies in one file (parcelscan layer build, infra/build/layer-bundle.ts)`, license: manifest.license, main: 'index.js' }, null, 2)}\n`,
  );
  for (const specifier of specifiers) {
    const file = path.join(dir, fileOf(name, specifier));
    await mkdir(path.dirname(file), { recursive: true });
    const loader = path.relative(path.dirname(file), path.join(dir, LOADER_FILE)).split(path.sep).join('/');
    await writeFile(file, `module.exports = require(${JSON.stringify(loader.startsWith('.') ? loader : `./${loader}`)}).load(${JSON.stringify(specifier)});\n`);
  }
  await writeFile(path.join(dir, 'THIRD-PARTY-NOTICES'), await noticesOf(bundled));
  for (const member of beside) {
    await cp(member.sourceDir, path.join(dir, 'node_modules', member.name), { recursive: true, dereference: true, filter: (source) => path.basename(source) !== 'node_modules' });
  }
  await writeCodeCache(name, dir, specifiers, options);
  const unused = closure.filter((member) => !bundled.includes(member) && !beside.includes(member));
  return { name, version: root.version, bundled, beside: beside.map((member) => ({ ...member, installPath: `${name}/node_modules/${member.name}` })), unused };
}

/**
 * Removes the code caches of a layer's bundled packages (to measure a cold start on a Node the caches are not for).
 *
 * @example
 * await removeCodeCaches('/tmp/mount/opt/nodejs/node_modules', ['tablestore', '@alicloud/mns', 'zod']);
 */
export async function removeCodeCaches(nodeModulesDir: string, packages: readonly string[]): Promise<void> {
  for (const name of packages) {
    const dir = path.join(nodeModulesDir, name);
    const entries = await readdir(dir).catch(() => [] as string[]);
    await Promise.all(entries.filter((entry) => /^bundle-.*\.cache$/.test(entry)).map((entry) => rm(path.join(dir, entry))));
  }
}
