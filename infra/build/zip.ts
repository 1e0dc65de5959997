import { spawn } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { ArchiveError } from './errors.ts';

/**
 * Zips the contents of `dir` (not `dir` itself) into `zipFile`, with Info-ZIP's `zip`. Node has no zip
 * writer of its own; `zip` ships with the machine image the project builds on (developers' and CI's alike),
 * so no package is added for it. `-X` leaves out extra file attributes (uid/gid, extended timestamps) that a
 * layer does not need; `-y` is not given, so symlinks are stored as the files they point to.
 *
 * @example
 * await zipDirectoryContents('/repo/dist/layer', '/repo/dist/layer.zip'); // entries nodejs/node_modules/…
 */
export async function zipDirectoryContents(dir: string, zipFile: string): Promise<void> {
  const target = path.resolve(zipFile);
  await mkdir(path.dirname(target), { recursive: true });
  // zip adds to an existing archive; a stale one would keep files the layer no longer has.
  await rm(target, { force: true });
  await new Promise<void>((resolve, reject) => {
    const child = spawn('zip', ['-q', '-r', '-X', target, '.'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(new ArchiveError(error.code === 'ENOENT' ? 'the zip command is not installed (apt-get install zip)' : error.message));
    });
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new ArchiveError(`zip exited with ${code}: ${stderr.trim()}`));
    });
  });
}
