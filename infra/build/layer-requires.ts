/**
 * The layer modules a function bundle requires. esbuild leaves each import of an external package as
 * `require("<specifier>")`: the package itself (`tablestore`) or a module below it (`tablestore/lib/…`).
 */

export interface LayerRequire {
  /** The layer package (`tablestore`). */
  packageName: string;
  /** As required (`tablestore/lib/protocol/tablestore_compiled_proto.js`). */
  specifier: string;
}

const REQUIRE_CALL = /\brequire\("([^"]+)"\)/g;

/**
 * @example
 * layerRequires('var a = require("tablestore"); var b = require("node:crypto");', ['tablestore', 'zod']);
 * // [{ packageName: 'tablestore', specifier: 'tablestore' }]
 */
export function layerRequires(bundleSource: string, packages: readonly string[]): LayerRequire[] {
  const found = new Map<string, LayerRequire>();
  for (const match of bundleSource.matchAll(REQUIRE_CALL)) {
    const specifier = match[1] ?? '';
    const packageName = packages.find((name) => specifier === name || specifier.startsWith(`${name}/`));
    if (packageName !== undefined) found.set(specifier, { packageName, specifier });
  }
  return [...found.values()].sort((a, b) => a.specifier.localeCompare(b.specifier));
}

/** The layer packages among {@link layerRequires}, each once, in the order of `packages`. */
export function requiredPackages(bundleSource: string, packages: readonly string[]): string[] {
  const required = new Set(layerRequires(bundleSource, packages).map((entry) => entry.packageName));
  return packages.filter((name) => required.has(name));
}
