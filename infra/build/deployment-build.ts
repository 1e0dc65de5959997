import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { layerPackageOptions, type LayerPackageOptions } from '../layer-packages.ts';
import { buildFunctions, type BuiltFunction } from '../local/fc/build.ts';
import { mountArtifacts } from '../local/fc/mount.ts';
import { BUNDLE_FILE } from './bundle-loader.ts';
import { coldStartScript } from './cold-start-script.ts';
import { UndeclaredSubpathError } from './errors.ts';
import { measureImportTime, type ImportTiming } from './import-time.ts';
import { listFunctionDirs } from './function-dirs.ts';
import { removeCodeCaches } from './layer-bundle.ts';
import { layerRequires, requiredPackages } from './layer-requires.ts';
import { buildLayerDirectory, type BuiltLayer, type OmittedPackage, type ShippedPackage } from './layer.ts';
import { zipDirectoryContents } from './zip.ts';

/**
 * `npm run build`: what `s deploy` uploads. Every function of `functions/` bundled by the same
 * `buildFunctions` the local runtime uses, the layer directory and its archive, and a report of each bundle's
 * size and cold-start time (measured from a copy laid out as FC lays it out, see `mountArtifacts`): once with the
 * layer as built, whose code caches serve instances running the Node that ran the build, once with the caches
 * removed, as an instance on any other Node starts.
 */

export interface DeploymentBuildOptions {
  /** Repository root: holds functions/ and node_modules/. */
  sourceRoot: string;
  /** Output directory (`dist`, which s.yaml's `code: ./dist/functions/<name>` names). */
  outDir: string;
  /** Packages the bundles leave to the layer (`infra/layer-packages.ts`). */
  layerPackages: readonly string[];
  /** How each ships; `layerPackageOptions` of infra/layer-packages.ts unless given. */
  layerPackageOptions?: Readonly<Record<string, LayerPackageOptions>>;
  /** Process starts per measurement; 0 skips the import-time measurement. */
  importRuns: number;
  now: () => Date;
}

export interface FunctionReport {
  name: string;
  /** Relative to the repository root. */
  bundle: string;
  bundleBytes: number;
  /** With the layer as built: its code caches are used (on the Node of `BuildReport.node`). */
  coldStartImport: ImportTiming | undefined;
  /** With the layer's code caches removed: how an instance on another Node starts. */
  coldStartImportWithoutCodeCache: ImportTiming | undefined;
}

export interface BuildReport {
  builtAt: string;
  node: string;
  layer: {
    archive: string;
    archiveBytes: number;
    directory: string;
    directoryBytes: number;
    packages: ShippedPackage[];
    omitted: OmittedPackage[];
  };
  functions: FunctionReport[];
}

async function directoryBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const entryPath = path.join(dir, entry.name);
    if (entry.isDirectory()) total += await directoryBytes(entryPath);
    else total += (await stat(entryPath)).size;
  }
  return total;
}

function relative(sourceRoot: string, target: string): string {
  return path.relative(sourceRoot, target).split(path.sep).join('/');
}

/** A function may require a bundled layer package only as the bundle holds it: the package or a listed subpath. */
async function checkLayerSubpaths(built: readonly BuiltFunction[], packages: readonly string[], packageOptions: Readonly<Record<string, LayerPackageOptions>>): Promise<void> {
  for (const fn of built) {
    for (const { packageName, specifier } of layerRequires(await readFile(fn.outFile, 'utf8'), packages)) {
      const options = packageOptions[packageName];
      if (options?.bundle !== true || specifier === packageName) continue;
      if (!(options.subpaths ?? []).some((subpath) => `${packageName}/${subpath}` === specifier)) throw new UndeclaredSubpathError(fn.name, specifier, packageName);
    }
  }
}

/** Each function's cold start, from copies laid out as FC mounts them: with the layer as built, and without its code caches. */
async function measureColdStarts(built: readonly BuiltFunction[], layer: BuiltLayer, options: DeploymentBuildOptions, packageOptions: Readonly<Record<string, LayerPackageOptions>>): Promise<Map<string, ImportTiming[]>> {
  const timings = new Map<string, ImportTiming[]>();
  const mount = await mountArtifacts({ codeDirs: new Map(built.map((fn) => [fn.name, path.dirname(fn.outFile)])), layerNodeModulesDir: layer.nodeModulesDir });
  const uncached = await mountArtifacts({ codeDirs: new Map(), layerNodeModulesDir: layer.nodeModulesDir });
  try {
    if (uncached.nodePath !== undefined) await removeCodeCaches(uncached.nodePath, options.layerPackages);
    for (const fn of built) {
      const codeDir = mount.codeDir(fn.name);
      const bundlePath = path.join(codeDir, path.basename(fn.outFile));
      const script = coldStartScript(bundlePath, requiredPackages(await readFile(fn.outFile, 'utf8'), options.layerPackages), packageOptions);
      timings.set(fn.name, await measureImportTime({ functionName: fn.name, script, cwd: codeDir, nodePaths: [mount.nodePath, uncached.nodePath], runs: options.importRuns }));
    }
  } finally {
    await mount.dispose();
    await uncached.dispose();
  }
  return timings;
}

/**
 * @example
 * const report = await buildDeployment({ sourceRoot: '/repo', outDir: '/repo/dist', layerPackages, importRuns: 10,
 *   now: () => new Date() });
 */
export async function buildDeployment(options: DeploymentBuildOptions): Promise<BuildReport> {
  const { sourceRoot, outDir } = options;
  const functionNames = await listFunctionDirs(sourceRoot);
  const built = await buildFunctions({ sourceRoot, outDir, functionNames, external: options.layerPackages });
  const packageOptions = options.layerPackageOptions ?? layerPackageOptions;
  await checkLayerSubpaths(built, options.layerPackages, packageOptions);
  const layer = await buildLayerDirectory({ packages: options.layerPackages, sourceRoot, outDir, packageOptions });
  const archive = path.join(outDir, 'layer.zip');
  await zipDirectoryContents(layer.rootDir, archive);
  const timings = options.importRuns > 0 ? await measureColdStarts(built, layer, options, packageOptions) : new Map<string, ImportTiming[]>();

  const functions: FunctionReport[] = [];
  for (const fn of built) {
    const [withCodeCache, withoutCodeCache] = timings.get(fn.name) ?? [];
    functions.push({ name: fn.name, bundle: relative(sourceRoot, fn.outFile), bundleBytes: (await stat(fn.outFile)).size, coldStartImport: withCodeCache, coldStartImportWithoutCodeCache: withoutCodeCache });
  }
  return {
    builtAt: options.now().toISOString(),
    node: process.version,
    layer: {
      archive: relative(sourceRoot, archive),
      archiveBytes: (await stat(archive)).size,
      directory: relative(sourceRoot, layer.rootDir),
      directoryBytes: await directoryBytes(layer.rootDir),
      packages: layer.packages,
      omitted: layer.omitted,
    },
    functions,
  };
}

export async function writeBuildReport(report: BuildReport, file: string): Promise<void> {
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

function codeCacheSummary(timing: ImportTiming): string {
  const uses = Object.entries(timing.codeCache);
  return uses.length === 0 ? '' : ` (code cache ${uses.map(([name, use]) => `${name} ${use}`).join(', ')})`;
}

/** The report as the build prints it: one row per function, then the layer. */
export function formatBuildReport(report: BuildReport): string {
  const header = ['function', 'bundle', 'cold-start import (median)', 'instance start min–max', 'without code cache', 'node -e 1'];
  const rows = report.functions.map((fn) => {
    const timing = fn.coldStartImport;
    const uncached = fn.coldStartImportWithoutCodeCache;
    return [
      fn.name,
      kib(fn.bundleBytes),
      timing === undefined ? 'not measured' : `${timing.importMs.toFixed(1)} ms (${timing.runs} runs)`,
      timing === undefined ? '' : `${timing.minMs.toFixed(1)}–${timing.maxMs.toFixed(1)} ms`,
      uncached === undefined ? '' : `${uncached.importMs.toFixed(1)} ms`,
      timing === undefined ? '' : `${timing.bareNodeMs.toFixed(1)} ms`,
    ];
  });
  const measured = report.functions.find((fn) => fn.coldStartImport !== undefined)?.coldStartImport;
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  const { layer } = report;
  return [
    line(header),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map(line),
    ...(measured === undefined
      ? []
      : [
          '',
          `cold-start import: node running require(bundle) and the first SDK clients, minus node -e 1${codeCacheSummary(measured)}.`,
          `The layer's code caches are for Node ${report.node}; an instance on another Node starts as "without code cache".`,
        ]),
    '',
    `layer  ${layer.archive}: ${kib(layer.archiveBytes)} zipped, ${kib(layer.directoryBytes)} in ${layer.directory}, ${layer.packages.length} packages (${layer.packages.filter((entry) => entry.inLayer.endsWith(`/${BUNDLE_FILE}`)).length} in bundles)`,
    ...(layer.omitted.length === 0 ? [] : [`       left out, never loaded: ${layer.omitted.map((entry) => `${entry.name}@${entry.version} (of ${entry.dependencyOf})`).join(', ')}`]),
  ].join('\n');
}
