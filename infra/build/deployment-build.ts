import { readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildFunctions, functionOutDir } from '../local/fc/build.ts';
import { mountArtifacts } from '../local/fc/mount.ts';
import { measureImportTime, type ImportTiming } from './import-time.ts';
import { listFunctionDirs } from './function-dirs.ts';
import { buildLayerDirectory, type LayerPackage } from './layer.ts';
import { zipDirectoryContents } from './zip.ts';

/**
 * `npm run build`: what `s deploy` uploads. Every function of `functions/` bundled by the same
 * `buildFunctions` the local runtime uses, the layer directory and its archive, and a report of each bundle's
 * size and cold-start import time (measured from a copy laid out as FC lays it out, see `mountArtifacts`).
 */

export interface DeploymentBuildOptions {
  /** Repository root: holds functions/ and node_modules/. */
  sourceRoot: string;
  /** Output directory (`dist`, which s.yaml's `code: ./dist/functions/<name>` names). */
  outDir: string;
  /** Packages the bundles leave to the layer (`infra/layer-packages.ts`). */
  layerPackages: readonly string[];
  /** Process starts per measurement; 0 skips the import-time measurement. */
  importRuns: number;
  now: () => Date;
}

export interface FunctionReport {
  name: string;
  /** Relative to the repository root. */
  bundle: string;
  bundleBytes: number;
  coldStartImport: ImportTiming | undefined;
}

export interface BuildReport {
  builtAt: string;
  node: string;
  layer: {
    archive: string;
    archiveBytes: number;
    directory: string;
    directoryBytes: number;
    packages: Pick<LayerPackage, 'name' | 'version' | 'installPath'>[];
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

/**
 * @example
 * const report = await buildDeployment({ sourceRoot: '/repo', outDir: '/repo/dist', layerPackages, importRuns: 10,
 *   now: () => new Date() });
 */
export async function buildDeployment(options: DeploymentBuildOptions): Promise<BuildReport> {
  const { sourceRoot, outDir } = options;
  const functionNames = await listFunctionDirs(sourceRoot);
  const built = await buildFunctions({ sourceRoot, outDir, functionNames, external: options.layerPackages });
  const layer = await buildLayerDirectory({ packages: options.layerPackages, sourceRoot, outDir });
  const archive = path.join(outDir, 'layer.zip');
  await zipDirectoryContents(layer.rootDir, archive);

  const timings = new Map<string, ImportTiming>();
  if (options.importRuns > 0) {
    const mount = await mountArtifacts({
      codeDirs: new Map(functionNames.map((name) => [name, functionOutDir(outDir, name)])),
      layerNodeModulesDir: layer.nodeModulesDir,
    });
    try {
      for (const name of functionNames) {
        const codeDir = mount.codeDir(name);
        timings.set(name, await measureImportTime({ functionName: name, bundlePath: path.join(codeDir, 'index.js'), nodePath: mount.nodePath, cwd: codeDir, runs: options.importRuns }));
      }
    } finally {
      await mount.dispose();
    }
  }

  const functions: FunctionReport[] = [];
  for (const fn of built) {
    functions.push({ name: fn.name, bundle: relative(sourceRoot, fn.outFile), bundleBytes: (await stat(fn.outFile)).size, coldStartImport: timings.get(fn.name) });
  }
  return {
    builtAt: options.now().toISOString(),
    node: process.version,
    layer: {
      archive: relative(sourceRoot, archive),
      archiveBytes: (await stat(archive)).size,
      directory: relative(sourceRoot, layer.rootDir),
      directoryBytes: await directoryBytes(layer.rootDir),
      packages: layer.packages.map(({ name, version, installPath }) => ({ name, version, installPath })),
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

/** The report as the build prints it: one row per function, then the layer. */
export function formatBuildReport(report: BuildReport): string {
  const header = ['function', 'bundle', 'cold-start import (median)', 'require(bundle) min–max', 'node -e 1'];
  const rows = report.functions.map((fn) => {
    const timing = fn.coldStartImport;
    return [
      fn.name,
      kib(fn.bundleBytes),
      timing === undefined ? 'not measured' : `${timing.importMs.toFixed(1)} ms (${timing.runs} runs)`,
      timing === undefined ? '' : `${timing.minMs.toFixed(1)}–${timing.maxMs.toFixed(1)} ms`,
      timing === undefined ? '' : `${timing.bareNodeMs.toFixed(1)} ms`,
    ];
  });
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  const { layer } = report;
  return [
    line(header),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map(line),
    '',
    `layer  ${layer.archive}: ${kib(layer.archiveBytes)} zipped, ${kib(layer.directoryBytes)} in ${layer.directory}, ${layer.packages.length} packages`,
  ].join('\n');
}
