/**
 * `npm run build` (tsx infra/build/cli.ts): bundles every function, builds the layer and its archive, and
 * writes dist/build-report.json.
 *
 *   --out-dir DIR   output directory (default: dist)
 *   --runs N        process starts per cold-start measurement (default: 10; 0 skips it)
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { layerPackages } from '../layer-packages.ts';
import { buildDeployment, formatBuildReport, writeBuildReport } from './deployment-build.ts';

const root = path.resolve(import.meta.dirname, '../..');
const { values } = parseArgs({
  options: {
    'out-dir': { type: 'string', default: 'dist' },
    runs: { type: 'string', default: '10' },
  },
  strict: true,
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 0) {
  console.error(`build: --runs must be a whole number, not ${values.runs}`);
  process.exit(2);
}
const outDir = path.resolve(root, values['out-dir']);

try {
  const report = await buildDeployment({ sourceRoot: root, outDir, layerPackages, importRuns: runs, now: () => new Date() });
  const reportFile = path.join(outDir, 'build-report.json');
  await writeBuildReport(report, reportFile);
  console.log(formatBuildReport(report));
  console.log(`report ${path.relative(root, reportFile)}`);
} catch (error) {
  console.error(`build: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
