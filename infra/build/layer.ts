import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { layerPackageOptions, type LayerPackageOptions } from '../layer-packages.ts';
import { BUNDLE_FILE } from './bundle-loader.ts';
import { LayerBuildError } from './errors.ts';
import { compileBundleLoader, writeBundledPackage } from './layer-bundle.ts';
import { isDirectory, readManifest, resolveLayerPackages, type LayerPackage } from './layer-closure.ts';

export { resolveLayerPackages, type LayerPackage } from './layer-closure.ts';

/**
 * The shared FC layer: the packages the functions leave out of their bundles (`infra/layer-packages.ts`) with
 * their production dependency closure, taken from the repository's node_modules and laid out as FC mounts it.
 * A Node.js layer's archive holds `nodejs/node_modules/<package>`; FC extracts it under /opt and puts
 * /opt/nodejs/node_modules on the module search path ("Create a custom layer", table "Directories that can be
 * added in each runtime": https://www.alibabacloud.com/help/en/functioncompute/create-a-custom-layer).
 * A package ships bundled (one file and its code cache, layer-bundle.ts) when `layerPackageOptions` says so, and
 * otherwise as installed: its closure copied to the same paths below node_modules.
 */

/** The layer's name: in s.yaml's layer ARNs and in the README's `s cli fc3 layer publish --layer-name`. */
export const LAYER_NAME = 'parcelscan-core';

/** `<outDir>/layer`: the directory whose contents are the archive's root (`nodejs/…`). */
export function layerRootDir(outDir: string): string {
  return path.join(outDir, 'layer');
}

/** `<outDir>/layer/nodejs/node_modules`: what FC mounts as /opt/nodejs/node_modules. */
export function layerNodeModulesDir(outDir: string): string {
  return path.join(layerRootDir(outDir), 'nodejs', 'node_modules');
}

/** `nodejs/layer-build.json`: what the layer holds and which build made it. */
const BUILD_RECORD = 'layer-build.json';

/** The build's own sources: a change to any of them changes what it writes. */
const BUILD_SOURCES = ['layer.ts', 'layer-closure.ts', 'layer-bundle.ts', 'bundle-loader.ts', 'cold-start-script.ts', 'errors.ts'].map((file) => path.join(import.meta.dirname, file));

export interface BuildLayerOptions {
  /** Package names, as `infra/layer-packages.ts` lists them. */
  packages: readonly string[];
  /** Where to resolve them from: the repository root (its node_modules). */
  sourceRoot: string;
  /** Build output; the layer lands in `<outDir>/layer/nodejs/node_modules`. */
  outDir: string;
  /** How each package ships; `layerPackageOptions` of infra/layer-packages.ts unless given. */
  packageOptions?: Readonly<Record<string, LayerPackageOptions>>;
}

/** One official package in the layer. */
export interface ShippedPackage {
  name: string;
  version: string;
  /** Where it is below the layer's node_modules: its directory (`tablestore/node_modules/long`), or the bundle holding its code (`tablestore/bundle.js`). */
  inLayer: string;
}

/** A package of a bundled package's closure that nothing loads, so the layer leaves it out (layer-bundle.ts). */
export interface OmittedPackage {
  name: string;
  version: string;
  /** The bundled layer package whose closure it is in. */
  dependencyOf: string;
}

export interface BuiltLayer {
  /** `<outDir>/layer`, the archive's root. */
  rootDir: string;
  nodeModulesDir: string;
  packages: ShippedPackage[];
  omitted: OmittedPackage[];
}

type LayerContents = Pick<BuiltLayer, 'packages' | 'omitted'>;

interface BundledRoot {
  name: string;
  options: LayerPackageOptions;
  closure: LayerPackage[];
}

/** What a layer of `packages` holds, before anything is written. */
interface LayerPlan {
  roots: readonly string[];
  sourceRoot: string;
  /** The closure of the packages shipped as installed. */
  installed: LayerPackage[];
  bundled: BundledRoot[];
  /** Changes with the Node running the build (the code caches are its), the closures, the options and the build's sources. */
  fingerprint: string;
}

interface BuildRecord {
  fingerprint: string;
  /** The Node whose code caches the bundled packages carry; another Node compiles them from source. */
  node: string;
  arch: string;
  packages: ShippedPackage[];
  omitted: OmittedPackage[];
}

async function fingerprintOf(installed: readonly LayerPackage[], bundled: readonly BundledRoot[]): Promise<string> {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ node: process.version, arch: process.arch }));
  for (const file of BUILD_SOURCES) hash.update(await readFile(file));
  hash.update(JSON.stringify(installed.map((member) => `${member.installPath}@${member.version}`)));
  hash.update(JSON.stringify(bundled.map(({ name, options, closure }) => ({ name, options, closure: closure.map((member) => `${member.installPath}@${member.version}`) }))));
  return hash.digest('hex');
}

async function planLayer(options: BuildLayerOptions): Promise<LayerPlan> {
  const { packages, sourceRoot } = options;
  const packageOptions = options.packageOptions ?? layerPackageOptions;
  const bundledNames = packages.filter((name) => packageOptions[name]?.bundle === true);
  const installedNames = packages.filter((name) => !bundledNames.includes(name));
  const installed = installedNames.length === 0 ? [] : await resolveLayerPackages(installedNames, sourceRoot);
  const bundled: BundledRoot[] = [];
  for (const name of bundledNames) {
    const clash = installed.find((member) => member.installPath === name);
    if (clash !== undefined) throw new LayerBuildError(`${name} is bundled, but a package shipped installed needs it at node_modules/${name}: ship both the same way (infra/layer-packages.ts)`);
    bundled.push({ name, options: packageOptions[name] ?? { bundle: true }, closure: await resolveLayerPackages([name], sourceRoot) });
  }
  return { roots: packages, sourceRoot, installed, bundled, fingerprint: await fingerprintOf(installed, bundled) };
}

/** Writes the plan into `<rootDir>/nodejs`, with a package.json naming the layer's packages as FC's example layer has. */
async function writeLayer(rootDir: string, plan: LayerPlan): Promise<LayerContents> {
  const nodeModulesDir = path.join(rootDir, 'nodejs', 'node_modules');
  await mkdir(nodeModulesDir, { recursive: true });
  const shipped: ShippedPackage[] = [];
  const omitted: OmittedPackage[] = [];
  for (const layerPackage of plan.installed) {
    await cp(layerPackage.sourceDir, path.join(nodeModulesDir, layerPackage.installPath), {
      recursive: true,
      // Closure members installed in a nested node_modules are copied as their own entries; whatever else a
      // package keeps in one (protobufjs 6 installs its CLI's tools in cli/node_modules, 20 MB) never runs.
      filter: (source) => path.basename(source) !== 'node_modules',
      // Symlinks would point into the developer's tree; a layer must be self-contained.
      dereference: true,
    });
    shipped.push({ name: layerPackage.name, version: layerPackage.version, inLayer: layerPackage.installPath });
  }
  if (plan.bundled.length > 0) {
    const loaderSource = await compileBundleLoader();
    const written = await Promise.all(
      plan.bundled.map(({ name, options, closure }) => writeBundledPackage({ name, options, closure, sourceRoot: plan.sourceRoot, nodeModulesDir, loaderSource })),
    );
    for (const bundle of written) {
      shipped.push(...bundle.bundled.map((member) => ({ name: member.name, version: member.version, inLayer: `${bundle.name}/${BUNDLE_FILE}` })));
      shipped.push(...bundle.beside.map((member) => ({ name: member.name, version: member.version, inLayer: member.installPath })));
      omitted.push(...bundle.unused.map((member) => ({ name: member.name, version: member.version, dependencyOf: bundle.name })));
    }
  }
  const versionOf = (name: string): string =>
    plan.installed.find((member) => member.installPath === name)?.version ?? plan.bundled.find((root) => root.name === name)?.closure.find((member) => member.installPath === name)?.version ?? '*';
  const manifest = { name: 'parcelscan-core-layer', private: true, description: 'FC layer of parcelscan (npm run build)', dependencies: Object.fromEntries(plan.roots.map((name) => [name, versionOf(name)])) };
  await writeFile(path.join(rootDir, 'nodejs', 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const packages = shipped.sort((a, b) => a.inLayer.localeCompare(b.inLayer) || a.name.localeCompare(b.name));
  const record: BuildRecord = { fingerprint: plan.fingerprint, node: process.version, arch: process.arch, packages, omitted };
  await writeFile(path.join(rootDir, 'nodejs', BUILD_RECORD), `${JSON.stringify(record, null, 2)}\n`);
  return { packages, omitted };
}

function isNonEmptyTarget(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOTEMPTY' || code === 'EEXIST';
}

/**
 * Writes the layer directory afresh: installed packages at the same path below node_modules as npm installed
 * them (nested copies stay nested, so every `require` inside the layer resolves to the version npm chose),
 * bundled ones as layer-bundle.ts lays them out. It is assembled next to its place and renamed into it, so a
 * runtime mounting the layer never sees half of one.
 *
 * @example
 * const layer = await buildLayerDirectory({ packages: layerPackages, sourceRoot: '/repo', outDir: '/repo/dist' });
 * // /repo/dist/layer/nodejs/node_modules/tablestore/bundle.js, …
 */
export async function buildLayerDirectory(options: BuildLayerOptions): Promise<BuiltLayer> {
  const plan = await planLayer(options);
  const rootDir = layerRootDir(options.outDir);
  await mkdir(options.outDir, { recursive: true });
  const staging = await mkdtemp(path.join(options.outDir, '.layer-'));
  const retired = `${staging}-previous`;
  try {
    const contents = await writeLayer(staging, plan);
    try {
      await rename(rootDir, retired);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    await rename(staging, rootDir);
    return { rootDir, nodeModulesDir: layerNodeModulesDir(options.outDir), ...contents };
  } finally {
    await rm(staging, { recursive: true, force: true });
    await rm(retired, { recursive: true, force: true });
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** What `<outDir>/layer` holds, when it is what the plan would write: same fingerprint, every package in place. */
async function heldLayer(rootDir: string, plan: LayerPlan): Promise<LayerContents | undefined> {
  let record: BuildRecord;
  try {
    record = JSON.parse(await readFile(path.join(rootDir, 'nodejs', BUILD_RECORD), 'utf8')) as BuildRecord;
  } catch {
    return undefined;
  }
  if (record.fingerprint !== plan.fingerprint) return undefined;
  const nodeModulesDir = path.join(rootDir, 'nodejs', 'node_modules');
  for (const member of plan.installed) {
    try {
      if ((await readManifest(path.join(nodeModulesDir, member.installPath))).version !== member.version) return undefined;
    } catch {
      return undefined;
    }
  }
  for (const { name } of plan.bundled) {
    if (!(await isFile(path.join(nodeModulesDir, name, BUNDLE_FILE)))) return undefined;
  }
  return { packages: record.packages, omitted: record.omitted };
}

/**
 * The layer directory for the local runtime: reused when it already holds what this build would write (test
 * suites start many runtimes, several at once), otherwise built. Two processes building at once both assemble a
 * copy; the first rename wins and the other copy is dropped.
 *
 * @example
 * const layer = await ensureLayerDirectory({ packages: layerPackages, sourceRoot: '/repo', outDir: '/repo/dist' });
 */
export async function ensureLayerDirectory(options: BuildLayerOptions): Promise<BuiltLayer> {
  const plan = await planLayer(options);
  const rootDir = layerRootDir(options.outDir);
  const nodeModulesDir = layerNodeModulesDir(options.outDir);
  const held = await heldLayer(rootDir, plan);
  if (held !== undefined) return { rootDir, nodeModulesDir, ...held };
  if (await isDirectory(rootDir)) return buildLayerDirectory(options);
  await mkdir(options.outDir, { recursive: true });
  const staging = await mkdtemp(path.join(options.outDir, '.layer-'));
  try {
    const contents = await writeLayer(staging, plan);
    await rename(staging, rootDir);
    return { rootDir, nodeModulesDir, ...contents };
  } catch (error) {
    if (!isNonEmptyTarget(error)) throw error;
    return { rootDir, nodeModulesDir, ...((await heldLayer(rootDir, plan)) ?? { packages: [], omitted: [] }) };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
