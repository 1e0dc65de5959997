import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { ImportMeasurementError } from './errors.ts';

/**
 * Cold-start import time of a bundle: wall time of a fresh `node -e "require(bundle)"` minus that of a bare
 * `node -e 1`, i.e. what loading the function's module (its bundle and the layer packages it requires) adds
 * to starting Node. Each run is a new process, so nothing is cached between runs but the OS page cache; the
 * median of `runs` is reported, with the spread, because single process starts vary by milliseconds.
 */

export interface ImportTiming {
  /** Median wall time of `node -e "require(bundle)"`, ms. */
  withBundleMs: number;
  /** Median wall time of `node -e 1`, ms. */
  bareNodeMs: number;
  /** `withBundleMs - bareNodeMs`, ms (not below 0). */
  importMs: number;
  /** Fastest and slowest `require(bundle)` runs, ms. */
  minMs: number;
  maxMs: number;
  runs: number;
}

export interface MeasureImportOptions {
  functionName: string;
  /** Absolute path of the bundle (index.js of the mounted code directory). */
  bundlePath: string;
  /** NODE_PATH for the child, as FC sets it for a function with the layer. */
  nodePath: string | undefined;
  /** Working directory of the child (the mounted code directory, like FC's /code). */
  cwd: string;
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

function timeNode(script: string, env: NodeJS.ProcessEnv, cwd: string, functionName: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['-e', script], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', (error) => reject(new ImportMeasurementError(functionName, error.message)));
    child.on('close', (code) => {
      const elapsed = performance.now() - started;
      if (code === 0) resolve(elapsed);
      else reject(new ImportMeasurementError(functionName, stderr.trim().split('\n').slice(0, 3).join(' ')));
    });
  });
}

/**
 * @example
 * const timing = await measureImportTime({ functionName: 'scan-webhook', bundlePath: '/mnt/code/scan-webhook/index.js',
 *   nodePath: '/mnt/opt/nodejs/node_modules', cwd: '/mnt/code/scan-webhook', runs: 10 });
 * timing.importMs; // e.g. 48.3
 */
export async function measureImportTime(options: MeasureImportOptions): Promise<ImportTiming> {
  // Only what a function instance would have: no NODE_OPTIONS (tsx, vitest) leaking into the child.
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '', ...(options.nodePath === undefined ? {} : { NODE_PATH: options.nodePath }) };
  const withBundle: number[] = [];
  const bare: number[] = [];
  // Interleaved, so a burst of load on the machine affects both series alike.
  for (let run = 0; run < options.runs; run += 1) {
    withBundle.push(await timeNode(`require(${JSON.stringify(options.bundlePath)})`, env, options.cwd, options.functionName));
    bare.push(await timeNode('1', env, options.cwd, options.functionName));
  }
  const withBundleMs = median(withBundle);
  const bareNodeMs = median(bare);
  return {
    withBundleMs: round(withBundleMs),
    bareNodeMs: round(bareNodeMs),
    importMs: round(Math.max(0, withBundleMs - bareNodeMs)),
    minMs: round(Math.min(...withBundle)),
    maxMs: round(Math.max(...withBundle)),
    runs: options.runs,
  };
}
