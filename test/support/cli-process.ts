import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../bin/parcelscan.mjs', import.meta.url));

export interface CliProcess {
  process: ChildProcess;
  /** The first http:// URL the command printed. */
  url: string;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Runs `parcelscan <args>` as a real child process and waits until it prints the URL it listens on, so
 * tests exercise the CLI exactly as a developer starts it.
 */
export function startCli(args: string[], options: { readyPattern?: RegExp; timeoutMs?: number } = {}): Promise<CliProcess> {
  const ready = options.readyPattern ?? /(http:\/\/127\.0\.0\.1:\d+)/;
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`parcelscan ${args.join(' ')} did not start:\n${output}`));
    }, options.timeoutMs ?? 30_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve({
          process: child,
          url: match[1],
          output: () => output,
          stop: (signal = 'SIGTERM') => {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            return exited;
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`parcelscan ${args.join(' ')} exited with ${code}:\n${output}`));
    });
  });
}
