/**
 * `npm run verify:deploy` (tsx infra/build/verify-deploy-cli.ts), offline, after `npm run build`: renders
 * s.yaml with `s preview` and checks it against the build and the fc3 schema (see verify-deployment.ts).
 * Exits 1 with one line per problem, 2 when it cannot check at all.
 *
 *   --template FILE   the s.yaml to check (default: s.yaml)
 *   --out-dir DIR     the build output (default: dist)
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { layerPackages } from '../layer-packages.ts';
import { queues } from '../queues.ts';
import { LAYER_NAME } from './layer.ts';
import { loadPropsValidator } from './props-schema.ts';
import { renderServerlessYaml } from './render.ts';
import { formatProblems, verifyDeployment } from './verify-deployment.ts';

const root = path.resolve(import.meta.dirname, '../..');
const { values } = parseArgs({
  options: {
    template: { type: 'string', default: 's.yaml' },
    'out-dir': { type: 'string', default: 'dist' },
  },
  strict: true,
});
const yamlPath = path.resolve(root, values.template);

try {
  const [rendered, validateProps] = await Promise.all([renderServerlessYaml({ yamlPath, sourceRoot: root }), loadPropsValidator()]);
  const problems = await verifyDeployment({
    rendered,
    yamlDir: path.dirname(yamlPath),
    sourceRoot: root,
    outDir: path.resolve(root, values['out-dir']),
    layerName: LAYER_NAME,
    layerPackages,
    queues,
    validateProps,
  });
  const functions = Object.values((rendered.resources ?? {}) as Record<string, { component?: unknown }>).filter((resource) => resource.component === 'fc3').length;
  if (problems.length === 0) {
    console.log(`verify:deploy: ${path.relative(root, yamlPath)} is deployable: ${functions} function(s) checked against the build and the fc3 schema`);
  } else {
    console.error(`verify:deploy: ${problems.length} problem(s) in ${path.relative(root, yamlPath)}:\n${formatProblems(problems)}`);
    process.exitCode = 1;
  }
} catch (error) {
  console.error(`verify:deploy: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
