import { cp, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LayerBuildError } from './errors.ts';

/**
 * The shared FC layer: the packages the functions leave out of their bundles (`infra/layer-packages.ts`) with
 * their production dependency closure, copied from the repository's node_modules into the layout FC mounts.
 * A Node.js layer's archive holds `nodejs/node_modules/<package>`; FC extracts it under /opt and puts
 * /opt/nodejs/node_modules on the module search path ("Create a custom layer", table "Directories that can be
 * added in each runtime": https://www.alibabacloud.com/help/en/functioncompute/create-a-custom-layer).
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

export interface LayerPackage {
  name: string;
  version: string;
  /** Where it is installed, absolute. */
  sourceDir: string;
  /** Its path below node_modules (`httpx/node_modules/debug` for a nested copy), kept in the layer. */
  installPath: string;
}

interface PackageManifest {
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}

async function readManifest(packageDir: string): Promise<PackageManifest> {
  return JSON.parse(await readFile(path.join(packageDir, 'package.json'), 'utf8')) as PackageManifest;
}

/** Node's lookup: `<dir>/node_modules/<name>` from `fromDir` up to (and including) `rootNodeModules`. */
async function locate(name: string, fromDir: string, rootNodeModules: string): Promise<string | undefined> {
  let dir = fromDir;
  for (;;) {
    const candidate = path.basename(dir) === 'node_modules' ? path.join(dir, name) : path.join(dir, 'node_modules', name);
    if (await isDirectory(candidate)) return candidate;
    if (dir === rootNodeModules || dir === path.dirname(rootNodeModules)) return undefined;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The node_modules directory the root packages are installed in: the nearest one above `sourceRoot`. */
async function rootNodeModulesOf(packages: readonly string[], sourceRoot: string): Promise<string> {
  const first = packages[0];
  if (first === undefined) throw new LayerBuildError('the layer lists no packages');
  let dir = path.resolve(sourceRoot);
  for (;;) {
    if (await isDirectory(path.join(dir, 'node_modules', first))) return path.join(dir, 'node_modules');
    const parent = path.dirname(dir);
    if (parent === dir) throw new LayerBuildError(`${first} is not installed in any node_modules above ${sourceRoot} (run npm install)`);
    dir = parent;
  }
}

/**
 * The layer packages and everything they need at run time, resolved as Node resolves them (nearest
 * node_modules first), reading each package.json's `dependencies` and, when installed, its
 * `optionalDependencies`. devDependencies never ship; peerDependencies are the host's (none of ours has one
 * that it does not also list as a dependency).
 *
 * @example
 * const closure = await resolveLayerPackages(['tablestore'], '/repo');
 * closure.map((p) => p.installPath); // ['tablestore', 'buffer', 'base64-js', …]
 */
export async function resolveLayerPackages(packages: readonly string[], sourceRoot: string): Promise<LayerPackage[]> {
  const rootNodeModules = await rootNodeModulesOf(packages, sourceRoot);
  const resolved = new Map<string, LayerPackage>();
  const visit = async (name: string, fromDir: string, requiredBy: string, optional: boolean): Promise<void> => {
    const sourceDir = await locate(name, fromDir, rootNodeModules);
    if (sourceDir === undefined) {
      if (optional) return;
      throw new LayerBuildError(`${requiredBy} needs ${name}, which is not installed under ${rootNodeModules} (run npm install)`);
    }
    if (resolved.has(sourceDir)) return;
    const manifest = await readManifest(sourceDir);
    resolved.set(sourceDir, {
      name,
      version: manifest.version ?? '0.0.0',
      sourceDir,
      installPath: path.relative(rootNodeModules, sourceDir).split(path.sep).join('/'),
    });
    for (const dependency of Object.keys(manifest.dependencies ?? {})) await visit(dependency, sourceDir, name, false);
    for (const dependency of Object.keys(manifest.optionalDependencies ?? {})) await visit(dependency, sourceDir, name, true);
  };
  for (const name of packages) await visit(name, path.resolve(sourceRoot), 'infra/layer-packages.ts', false);
  return [...resolved.values()].sort((a, b) => a.installPath.localeCompare(b.installPath));
}

export interface BuildLayerOptions {
  /** Package names, as `infra/layer-packages.ts` lists them. */
  packages: readonly string[];
  /** Where to resolve them from: the repository root (its node_modules). */
  sourceRoot: string;
  /** Build output; the layer lands in `<outDir>/layer/nodejs/node_modules`. */
  outDir: string;
}

export interface BuiltLayer {
  /** `<outDir>/layer`, the archive's root. */
  rootDir: string;
  nodeModulesDir: string;
  packages: LayerPackage[];
}

/** Copies the closure into `<rootDir>/nodejs`, with a package.json naming the layer's packages as FC's example layer has. */
async function writeLayer(rootDir: string, roots: readonly string[], packages: readonly LayerPackage[]): Promise<void> {
  const nodeModulesDir = path.join(rootDir, 'nodejs', 'node_modules');
  await mkdir(nodeModulesDir, { recursive: true });
  for (const layerPackage of packages) {
    await cp(layerPackage.sourceDir, path.join(nodeModulesDir, layerPackage.installPath), {
      recursive: true,
      // Closure members installed in a nested node_modules are copied as their own entries; whatever else a
      // package keeps in one (protobufjs 6 installs its CLI's tools in cli/node_modules, 20 MB) never runs.
      filter: (source) => path.basename(source) !== 'node_modules',
      // Symlinks would point into the developer's tree; a layer must be self-contained.
      dereference: true,
    });
  }
  const dependencies = Object.fromEntries(
    roots.map((name) => [name, packages.find((candidate) => candidate.installPath === name)?.version ?? '*']),
  );
  const manifest = { name: 'parcelscan-core-layer', private: true, description: 'FC layer of parcelscan (npm run build)', dependencies };
  await writeFile(path.join(rootDir, 'nodejs', 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

function isNonEmptyTarget(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOTEMPTY' || code === 'EEXIST';
}

/**
 * Writes the layer directory afresh: each package of the closure copied to the same path below node_modules
 * as it is installed (nested copies stay nested, so every `require` inside the layer resolves to the version
 * npm chose). It is assembled next to its place and renamed into it, so a runtime mounting the layer never
 * sees half of one.
 *
 * @example
 * const layer = await buildLayerDirectory({ packages: layerPackages, sourceRoot: '/repo', outDir: '/repo/dist' });
 * // /repo/dist/layer/nodejs/node_modules/tablestore/…
 */
export async function buildLayerDirectory(options: BuildLayerOptions): Promise<BuiltLayer> {
  const packages = await resolveLayerPackages(options.packages, options.sourceRoot);
  const rootDir = layerRootDir(options.outDir);
  await mkdir(options.outDir, { recursive: true });
  const staging = await mkdtemp(path.join(options.outDir, '.layer-'));
  const retired = `${staging}-previous`;
  try {
    await writeLayer(staging, options.packages, packages);
    try {
      await rename(rootDir, retired);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    await rename(staging, rootDir);
  } finally {
    await rm(staging, { recursive: true, force: true });
    await rm(retired, { recursive: true, force: true });
  }
  return { rootDir, nodeModulesDir: layerNodeModulesDir(options.outDir), packages };
}

/** Whether `<outDir>/layer` holds every package of the closure at its version. */
async function holdsClosure(nodeModulesDir: string, packages: readonly LayerPackage[]): Promise<boolean> {
  for (const layerPackage of packages) {
    try {
      const manifest = await readManifest(path.join(nodeModulesDir, layerPackage.installPath));
      if (manifest.version !== layerPackage.version) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * The layer directory for the local runtime: reused when it already holds the closure (test suites start many
 * runtimes, several at once), otherwise built. Two processes building at once both assemble a copy; the first
 * rename wins and the other copy is dropped.
 *
 * @example
 * const layer = await ensureLayerDirectory({ packages: layerPackages, sourceRoot: '/repo', outDir: '/repo/dist' });
 */
export async function ensureLayerDirectory(options: BuildLayerOptions): Promise<BuiltLayer> {
  const packages = await resolveLayerPackages(options.packages, options.sourceRoot);
  const rootDir = layerRootDir(options.outDir);
  const nodeModulesDir = layerNodeModulesDir(options.outDir);
  if (await holdsClosure(nodeModulesDir, packages)) return { rootDir, nodeModulesDir, packages };
  if (await isDirectory(rootDir)) return buildLayerDirectory(options);
  await mkdir(options.outDir, { recursive: true });
  const staging = await mkdtemp(path.join(options.outDir, '.layer-'));
  try {
    await writeLayer(staging, options.packages, packages);
    await rename(staging, rootDir);
  } catch (error) {
    if (!isNonEmptyTarget(error)) throw error;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return { rootDir, nodeModulesDir, packages };
}
