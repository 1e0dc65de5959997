import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/**
 * `node -e <script>` in a fresh process, started as an FC instance starts: this Node binary, an environment of
 * PATH and (when given) NODE_PATH only, so no NODE_OPTIONS (tsx, vitest) or V8 flags leak in from the build.
 */

export interface NodeRun {
  stdout: string;
  /** From spawning the process to its exit, ms. */
  elapsedMs: number;
}

export interface RunNodeOptions {
  cwd: string;
  /** NODE_PATH of the child, as FC sets it for a function with layers. */
  nodePath?: string | undefined;
  /** The error to reject with when the child cannot start or exits non-zero; `detail` is the start of its stderr. */
  failure: (detail: string) => Error;
}

/**
 * @example
 * const { stdout } = await runNode('console.log(process.version)', { cwd: '/tmp', failure: (detail) => new Error(detail) });
 */
export function runNode(script: string, options: RunNodeOptions): Promise<NodeRun> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '', ...(options.nodePath === undefined ? {} : { NODE_PATH: options.nodePath }) };
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['-e', script], { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', (error) => reject(options.failure(error.message)));
    child.on('close', (code) => {
      const elapsedMs = performance.now() - started;
      if (code === 0) resolve({ stdout, elapsedMs });
      else reject(options.failure(stderr.trim().split('\n').slice(0, 3).join(' ') || `exit code ${String(code)}`));
    });
  });
}
