import { spawn, type ChildProcess } from 'node:child_process';

/** A server running in its own process, so that it does not share the benchmark client's event loop. */
export interface ChildServer {
  url: string;
  pid: number;
  /** Stops it with SIGTERM (a clean close) and resolves once it has exited. */
  stop(): Promise<void>;
}

const URL_PATTERN = /(http:\/\/127\.0\.0\.1:\d+)/;

/**
 * Starts `node <nodeArgs>` and resolves with the first http://127.0.0.1:PORT URL it prints.
 *
 * @example
 * const server = await startChildServer([cliPath, 'tablestore', '--port', '0']);
 * // … drive server.url …
 * await server.stop();
 */
export function startChildServer(nodeArgs: string[], timeoutMs = 60_000): Promise<ChildServer> {
  const child = spawn(process.execPath, nodeArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  return new Promise((resolve, reject) => {
    const fail = (reason: string): void => {
      child.kill('SIGKILL');
      reject(new Error(`node ${nodeArgs.join(' ')} ${reason}:\n${output}`));
    };
    const timer = setTimeout(() => fail(`printed no URL within ${timeoutMs} ms`), timeoutMs);
    const onExit = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`node ${nodeArgs.join(' ')} exited with ${code}:\n${output}`));
    };
    child.once('exit', onExit);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const url = URL_PATTERN.exec(output)?.[1];
      if (url === undefined) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout?.off('data', onData);
      // Keep draining its output so a chatty server never blocks on a full pipe; show its errors.
      child.stdout?.resume();
      child.stderr?.on('data', (text: Buffer) => process.stderr.write(text));
      resolve({ url, pid: child.pid ?? -1, stop: () => stop(child, exited) });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
  });
}

async function stop(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await exited;
}

/** Runs `node <nodeArgs>` to completion, its output passed through; rejects unless it exits with 0. */
export function runChild(nodeArgs: string[]): Promise<void> {
  const child = spawn(process.execPath, nodeArgs, { stdio: ['ignore', 'inherit', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`node ${nodeArgs.join(' ')} exited with ${code ?? signal}`));
    });
  });
}
