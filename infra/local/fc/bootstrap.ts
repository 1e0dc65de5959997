import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The instance bootstrap bundled to plain JS, so a Worker runs it with no TypeScript loader. */
export interface InstanceBootstrap {
  path: string;
  dispose(): Promise<void>;
}

export async function prepareInstanceBootstrap(): Promise<InstanceBootstrap> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'parcelscan-fc-'));
  const outfile = path.join(dir, 'bootstrap.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('./instance-worker.ts', import.meta.url))],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    logLevel: 'silent',
  });
  return { path: outfile, dispose: () => rm(dir, { recursive: true, force: true }) };
}
