import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Script } from 'node:vm';
import { BundleEntryMissingError } from './errors.ts';

/**
 * Runs in the FC layer, not at build time: the `load.js` of each package the layer ships bundled
 * (infra/build/layer-bundle.ts compiles this file into it). It loads the package's `bundle.js` as Node's CommonJS
 * loader loads a file — the same function wrapper, `require` resolving from the file's directory — but compiles
 * it with the V8 code cache the layer build wrote after loading the package once, so a new instance deserializes
 * bytecode instead of parsing and compiling a megabyte of JavaScript (most of `require('tablestore')`).
 *
 * A code cache is only valid for the V8 that wrote it, run with the same flags. V8 checks its version and flags
 * and refuses a cache that differs (`cachedDataRejected`), but its version string is not the whole story: Node
 * 20.20.2 accepts the caches of earlier 20.x releases and crashes on them (https://github.com/nodejs/node/issues/62781).
 * So the cache file is named after the Node version, its V8 build (`process.versions.v8`, whose `-node.N` suffix
 * changes with every V8 patch Node takes) and the architecture that wrote it; a process that differs in any of them
 * looks for another name, finds none, and compiles from source.
 */

/** How the bundle was compiled: from this process's code cache, from source because V8 refused it, or from source because there is none. */
export type CodeCacheUse = 'used' | 'rejected' | 'none';

export interface BundleLoader {
  /** The module a function requires as `specifier` (`tablestore`, `tablestore/lib/…`), taken from the bundle. */
  load(specifier: string): unknown;
  /** How the bundle was compiled; `undefined` until something is loaded. */
  codeCache(): CodeCacheUse | undefined;
  /** V8's code cache of the bundle with every function compiled so far (the layer build writes it to {@link codeCacheFile}). */
  createCachedData(): Buffer;
  /** The code cache this process would use. */
  codeCacheFile: string;
}

/** The bundle's file name in its package directory. */
export const BUNDLE_FILE = 'bundle.js';

/** The loader's file name in its package directory. */
export const LOADER_FILE = 'load.js';

/**
 * The name of the code cache a process like this one writes and reads.
 *
 * @example
 * codeCacheFileName(); // 'bundle-v20.20.2-v8-11.3.244.8-node.38-x64.cache'
 */
export function codeCacheFileName(): string {
  return `bundle-${process.version}-v8-${process.versions.v8}-${process.arch}.cache`;
}

/** Node's CommonJS function wrapper, opened on the code's first line so its line numbers hold in stack traces. */
function wrap(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;
}

type Registry = Record<string, (() => unknown) | undefined>;
type CompiledWrapper = (exports: object, require: NodeJS.Require, module: { exports: unknown }, filename: string, dirname: string) => void;

function readIfPresent(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export interface BundleLoaderOptions {
  /**
   * The bundle's name in stack traces; its path unless given. A compilation from the code cache keeps the name the
   * cache was written under (V8 11), so the layer build writes it under the path FC mounts the bundle at.
   */
  scriptName?: string;
}

/**
 * @example
 * // <layer>/nodejs/node_modules/tablestore/index.js
 * module.exports = require('./load.js').load('tablestore');
 * // <layer>/nodejs/node_modules/tablestore/load.js
 * module.exports = createBundleLoader(__dirname);
 */
export function createBundleLoader(dir: string, options: BundleLoaderOptions = {}): BundleLoader {
  const file = path.join(dir, BUNDLE_FILE);
  const scriptName = options.scriptName ?? file;
  const codeCacheFile = path.join(dir, codeCacheFileName());
  let compiled: { script: Script; registry: Registry; codeCache: CodeCacheUse } | undefined;

  function compile(): NonNullable<typeof compiled> {
    const cachedData = readIfPresent(codeCacheFile);
    const script = new Script(wrap(readFileSync(file, 'utf8')), { filename: scriptName, ...(cachedData === undefined ? {} : { cachedData }) });
    const bundleModule: { exports: unknown } = { exports: {} };
    const run = script.runInThisContext() as CompiledWrapper;
    run(bundleModule.exports as object, createRequire(file), bundleModule, file, dir);
    const codeCache: CodeCacheUse = cachedData === undefined ? 'none' : script.cachedDataRejected === true ? 'rejected' : 'used';
    return { script, registry: bundleModule.exports as Registry, codeCache };
  }

  return {
    load(specifier) {
      compiled ??= compile();
      const entry = compiled.registry[specifier];
      if (entry === undefined) throw new BundleEntryMissingError(file, specifier, Object.keys(compiled.registry));
      return entry();
    },
    codeCache: () => compiled?.codeCache,
    createCachedData() {
      compiled ??= compile();
      return compiled.script.createCachedData();
    },
    codeCacheFile,
  };
}
