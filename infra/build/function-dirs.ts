import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/** Function directories under `functions/`: each holds an `index.ts` entry. */
export async function listFunctionDirs(sourceRoot: string): Promise<string[]> {
  const entries = await readdir(path.join(sourceRoot, 'functions'), { withFileTypes: true });
  const names: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    try {
      if ((await stat(path.join(sourceRoot, 'functions', entry.name, 'index.ts'))).isFile()) names.push(entry.name);
    } catch {
      // A directory without an entry point is not a function (e.g. shared fixtures).
    }
  }
  return names.sort();
}
