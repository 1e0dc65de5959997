import type { CodeCacheUse } from './bundle-loader.ts';
import { ImportMeasurementError } from './errors.ts';
import { runNode } from './node-process.ts';

/**
 * Cold-start time of a function: the wall time of a fresh `node -e <script>` running what a new instance does
 * before its first request gets going (cold-start-script.ts: require the bundle, which loads the layer packages
 * from NODE_PATH, and construct the SDK clients that request constructs), minus that of a bare `node -e 1`: what
 * the function adds to starting Node. Each run is a new process, so nothing is cached between runs but the OS page
 * cache; the median of `runs` is reported, with the spread, because single process starts vary by milliseconds.
 */

export interface ImportTiming {
  /** Median wall time of the instance's start, ms. */
  withBundleMs: number;
  /** Median wall time of `node -e 1`, ms. */
  bareNodeMs: number;
  /** `withBundleMs - bareNodeMs`, ms (not below 0). */
  importMs: number;
  /** Fastest and slowest instance starts, ms. */
  minMs: number;
  maxMs: number;
  runs: number;
  /** How each bundled layer package the function loads was compiled (bundle-loader.ts), in the last run. */
  codeCache: Record<string, CodeCacheUse>;
}

export interface MeasureImportOptions {
  functionName: string;
  /** The `node -e` script of a new instance (`coldStartScript`). */
  script: string;
  /** Working directory of the child (the mounted code directory, like FC's /code). */
  cwd: string;
  /** NODE_PATH of each layer to start with, as FC sets it for a function with the layer: one timing each. */
  nodePaths: readonly (string | undefined)[];
  runs: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/**
 * @example
 * const [withCodeCache] = await measureImportTime({ functionName: 'scan-webhook',
 *   script: coldStartScript('/mnt/code/scan-webhook/index.js', ['tablestore', 'zod']),
 *   cwd: '/mnt/code/scan-webhook', nodePaths: ['/mnt/opt/nodejs/node_modules'], runs: 10 });
 * withCodeCache.importMs; // e.g. 48.3
 */
export async function measureImportTime(options: MeasureImportOptions): Promise<ImportTiming[]> {
  const failure = (detail: string) => new ImportMeasurementError(options.functionName, detail);
  const bare: number[] = [];
  const starts = options.nodePaths.map(() => ({ elapsed: [] as number[], stdout: '' }));
  // Interleaved, so a burst of load on the machine affects every series alike.
  for (let run = 0; run < options.runs; run += 1) {
    bare.push((await runNode('1', { cwd: options.cwd, nodePath: options.nodePaths[0], failure })).elapsedMs);
    for (const [index, nodePath] of options.nodePaths.entries()) {
      const { elapsedMs, stdout } = await runNode(options.script, { cwd: options.cwd, nodePath, failure });
      const series = starts[index];
      series?.elapsed.push(elapsedMs);
      if (series !== undefined) series.stdout = stdout;
    }
  }
  const bareNodeMs = median(bare);
  return starts.map(({ elapsed, stdout }) => {
    const withBundleMs = median(elapsed);
    return {
      withBundleMs: round(withBundleMs),
      bareNodeMs: round(bareNodeMs),
      importMs: round(Math.max(0, withBundleMs - bareNodeMs)),
      minMs: round(Math.min(...elapsed)),
      maxMs: round(Math.max(...elapsed)),
      runs: options.runs,
      codeCache: stdout === '' ? {} : (JSON.parse(stdout) as Record<string, CodeCacheUse>),
    };
  });
}
