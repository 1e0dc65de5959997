import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { FunctionBuildError } from './errors.ts';

/**
 * Bundles functions the way deployment does: `functions/<name>/index.ts` → `<outDir>/functions/<name>/index.js`,
 * CommonJS for platform node, target node20, everything bundled except `external`: the packages of the FC
 * layer (infra/layer-packages.ts, built by infra/build/layer.ts), which FC mounts at /opt/nodejs/node_modules.
 * `npm run build` and the local runtime both bundle through here.
 */
export interface BuildFunctionsOptions {
  /** Directory holding `functions/<name>/index.ts`. */
  sourceRoot: string;
  /** Output directory; each function lands in `<outDir>/functions/<name>/index.js`. */
  outDir: string;
  /** Function directory names under `functions/`. */
  functionNames: readonly string[];
  /** Packages left out of the bundle (resolved at run time, e.g. from a layer). */
  external?: readonly string[];
  /** Inline source maps (off by default, as for deployment). */
  sourcemap?: boolean;
}

export interface BuiltFunction {
  name: string;
  entryPoint: string;
  outFile: string;
}

/** The esbuild output path of one function, as s.yaml's `code: ./dist/functions/<name>` expects it. */
export function functionOutDir(outDir: string, functionName: string): string {
  return path.join(outDir, 'functions', functionName);
}

/**
 * @example
 * await buildFunctions({ sourceRoot: '/repo', outDir: '/repo/dist', functionNames: ['scan-webhook'] });
 * // writes /repo/dist/functions/scan-webhook/index.js (and a package.json marking it CommonJS)
 */
export async function buildFunctions(options: BuildFunctionsOptions): Promise<BuiltFunction[]> {
  return Promise.all(
    options.functionNames.map(async (name) => {
      const entryPoint = path.join(options.sourceRoot, 'functions', name, 'index.ts');
      const outFile = path.join(functionOutDir(options.outDir, name), 'index.js');
      try {
        await build({
          entryPoints: [entryPoint],
          outfile: outFile,
          bundle: true,
          platform: 'node',
          target: 'node20',
          format: 'cjs',
          sourcemap: options.sourcemap === true ? 'inline' : false,
          external: [...(options.external ?? [])],
          logLevel: 'silent',
        });
      } catch (error) {
        throw new FunctionBuildError(name, error instanceof Error ? error.message : String(error));
      }
      // The bundle is CommonJS; without this, a package.json of "type": "module" further up (this repo's)
      // would make Node load it as ESM. Uploaded with the code, it is harmless on FC.
      await writeFile(path.join(path.dirname(outFile), 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
      return { name, entryPoint, outFile };
    }),
  );
}
