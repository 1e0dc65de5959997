import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { LayerBuildError } from './errors.ts';

/**
 * The production dependency closure of the layer's packages, resolved in the repository's node_modules as Node
 * resolves it. The layer build ships it, copied as installed or bundled (layer.ts, layer-bundle.ts).
 */

export interface LayerPackage {
  name: string;
  version: string;
  /** Where it is installed, absolute. */
  sourceDir: string;
  /** Its path below node_modules (`httpx/node_modules/debug` for a nested copy); a layer that ships it installed keeps it there. */
  installPath: string;
}

export interface PackageManifest {
  name?: string;
  version?: string;
  license?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

export async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}

export async function readManifest(packageDir: string): Promise<PackageManifest> {
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
