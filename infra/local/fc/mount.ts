import { cp, mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LayerNotBuiltError } from './errors.ts';

/**
 * What an FC instance sees of the build: the function's code directory as uploaded (FC's /code) and the
 * layer's `nodejs/node_modules` (FC's /opt/nodejs/node_modules, on NODE_PATH), copied outside the repository.
 * Loading the bundles in place would let `require('tablestore')` find the repository's node_modules by walking
 * up from dist/, and a package missing from the layer would go unnoticed until the first cloud deploy; from the
 * copies, an instance resolves exactly what `s deploy` uploads.
 */
export interface FcMount {
  /** The copy of a built code directory, keyed as given to {@link mountArtifacts}. */
  codeDir(name: string): string;
  /** NODE_PATH for instances: the mounted layer's node_modules, when a layer is mounted. */
  nodePath: string | undefined;
  dispose(): Promise<void>;
}

export interface MountOptions {
  /** Built code directories (`dist/functions/<name>`) by name. */
  codeDirs: ReadonlyMap<string, string>;
  /** The built layer's node_modules (`dist/layer/nodejs/node_modules`); none for functions without a layer. */
  layerNodeModulesDir?: string;
}

async function exists(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * @example
 * const mount = await mountArtifacts({ codeDirs: new Map([['scan-webhook', 'dist/functions/scan-webhook']]),
 *   layerNodeModulesDir: 'dist/layer/nodejs/node_modules' });
 * // worker env: NODE_PATH = mount.nodePath; code: mount.codeDir('scan-webhook')
 */
export async function mountArtifacts(options: MountOptions): Promise<FcMount> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'parcelscan-fc-mount-'));
  try {
    const codeDirs = new Map<string, string>();
    for (const [name, source] of options.codeDirs) {
      const target = path.join(root, 'code', name);
      await cp(source, target, { recursive: true });
      codeDirs.set(name, target);
    }
    let nodePath: string | undefined;
    if (options.layerNodeModulesDir !== undefined) {
      if (!(await exists(options.layerNodeModulesDir))) throw new LayerNotBuiltError(options.layerNodeModulesDir);
      nodePath = path.join(root, 'opt', 'nodejs', 'node_modules');
      await cp(options.layerNodeModulesDir, nodePath, { recursive: true });
    }
    return {
      codeDir: (name) => codeDirs.get(name) ?? path.join(root, 'code', name),
      nodePath,
      dispose: () => rm(root, { recursive: true, force: true }),
    };
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}
