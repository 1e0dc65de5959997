import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * The local stack in its own process (local-stack-child.ts), so that the benchmark's clients never share an event
 * loop with the gateway, the servers or the function instances they measure.
 *
 * @example
 * const stack = await startStackProcess({ dataDir });
 * await fetch(`${stack.gatewayUrl}/v1/parcels/773061155005900`);
 * const { errors } = await stack.stop();
 */

/** What the stack logged, counted (local-stack-child.ts). */
export interface StackLogCounts {
  logRecords: number;
  warnings: number;
  errors: number;
  /** Function instances started. */
  coldStarts: number;
  /** Queue trigger invocations that succeeded, and the messages they carried. */
  queueBatches: number;
  queueMessages: number;
}

export interface StackProcess {
  gatewayUrl: string;
  tablestoreUrl: string;
  mnsUrl: string;
  pid: number;
  /** What it has logged so far. */
  counts(): Promise<StackLogCounts>;
  /** Stops it with SIGTERM (a clean close: invocations in flight finish) and resolves with what it logged. */
  stop(): Promise<StackLogCounts>;
}

export interface StackProcessOptions {
  /** `--data DIR` semantics: Tablestore in DIR/tablestore, MNS in DIR/mns. In memory when absent. */
  dataDir?: string;
  /** Arguments for node itself, e.g. `--cpu-prof`. */
  nodeArgs?: readonly string[];
  timeoutMs?: number;
}

/** The child's launcher registers tsx from inside (see local-stack-child.mjs for why). */
const CHILD = fileURLToPath(new URL('./local-stack-child.mjs', import.meta.url));

interface Urls {
  gatewayUrl: string;
  tablestoreUrl: string;
  mnsUrl: string;
}

function parseLine<T extends object>(line: string, key: keyof T): T | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && key in value ? (value as T) : undefined;
  } catch {
    return undefined;
  }
}

export function startStackProcess(options: StackProcessOptions = {}): Promise<StackProcess> {
  const args = [...(options.nodeArgs ?? []), CHILD, ...(options.dataDir === undefined ? [] : ['--data', options.dataDir])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  let latest: StackLogCounts | undefined;
  const waiting: ((counts: StackLogCounts) => void)[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the local stack did not start within ${options.timeoutMs ?? 120_000} ms`));
    }, options.timeoutMs ?? 120_000);
    const onExit = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`the local stack exited with ${code} before it listened`));
    };
    child.once('exit', onExit);
    lines.on('line', (line) => {
      const urls = parseLine<Urls>(line, 'gatewayUrl');
      if (urls !== undefined) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve({
          ...urls,
          pid: child.pid ?? -1,
          counts: () =>
            new Promise((resolveCounts) => {
              waiting.push(resolveCounts);
              child.kill('SIGUSR2');
            }),
          stop: async () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            await exited;
            if (latest === undefined) throw new Error('the local stack exited without saying what it logged');
            return latest;
          },
        });
        return;
      }
      const counts = parseLine<StackLogCounts>(line, 'logRecords');
      if (counts === undefined) return;
      latest = counts;
      waiting.shift()?.(counts);
    });
  });
}
