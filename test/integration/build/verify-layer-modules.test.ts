import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDeployment } from '../../../infra/build/deployment-build.ts';
import { LAYER_NAME, layerNodeModulesDir } from '../../../infra/build/layer.ts';
import { verifyDeployment } from '../../../infra/build/verify-deployment.ts';
import { createBundleProject, type BundleProject } from './bundle-project.ts';

/** The fc3 resource `s preview` would render for the bundle project's function, with the layer. */
const rendered = {
  resources: {
    probe: {
      component: 'fc3',
      props: {
        region: 'cn-hangzhou',
        functionName: 'bundle-probe-fn',
        runtime: 'nodejs20',
        code: './dist/functions/probe',
        handler: 'index.handler',
        memorySize: 128,
        timeout: 5,
        layers: [`acs:fc:cn-hangzhou:1234567890123456:layers/${LAYER_NAME}/versions/1`],
      },
    },
  },
};

describe('npm run verify:deploy: the modules a bundle requires from the layer', () => {
  let project: BundleProject;

  const verify = () =>
    verifyDeployment({ rendered, yamlDir: project.root, sourceRoot: project.root, outDir: project.outDir, layerName: LAYER_NAME, layerPackages: ['sdk'], queues: [], validateProps: undefined });

  beforeAll(async () => {
    project = await createBundleProject();
    await buildDeployment({ sourceRoot: project.root, outDir: project.outDir, layerPackages: ['sdk'], layerPackageOptions: project.packageOptions, importRuns: 0, now: () => new Date(0) });
  });

  afterAll(async () => {
    await rm(project.root, { recursive: true, force: true });
  });

  it('finds nothing to fix when the built layer holds every module the bundle requires', async () => {
    await expect(verify()).resolves.toEqual([]);
  });

  it('names a module below a layer package that the built layer does not hold', async () => {
    await rm(path.join(layerNodeModulesDir(project.outDir), 'sdk', 'lib', 'part.js'));
    await expect(verify()).resolves.toEqual([{ resource: 'probe', prop: 'props.layers', message: 'the bundle requires sdk/lib/part.js, which the built layer does not hold' }]);
  });
});
