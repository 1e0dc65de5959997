import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDeployment } from '../../../infra/build/deployment-build.ts';
import { LAYER_NAME } from '../../../infra/build/layer.ts';
import { loadPropsValidator, type PropsValidator } from '../../../infra/build/props-schema.ts';
import { renderServerlessYaml, OFFLINE_CREDENTIALS, type RenderedDocument } from '../../../infra/build/render.ts';
import { verifyDeployment, type DeploymentProblem } from '../../../infra/build/verify-deployment.ts';
import { layerPackages } from '../../../infra/layer-packages.ts';
import { queues } from '../../../infra/queues.ts';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const yamlPath = path.join(repoRoot, 's.yaml');

/** The schema check needs the devDependency `ajv`; without it that one test is skipped and says why. */
const schemaValidator: PropsValidator | undefined = await loadPropsValidator().then(
  (validate) => validate,
  () => undefined,
);

type Props = Record<string, unknown>;

/**
 * `s preview` renders the real s.yaml; the build goes to a directory of its own, which stands in for the
 * directory of s.yaml (code paths are relative to it), so this suite never races another over dist/.
 */
describe('npm run verify:deploy', () => {
  let stage: string;
  let rendered: RenderedDocument;

  async function verify(document: RenderedDocument, validateProps: PropsValidator | undefined = undefined): Promise<DeploymentProblem[]> {
    return verifyDeployment({ rendered: document, yamlDir: stage, sourceRoot: repoRoot, outDir: path.join(stage, 'dist'), layerName: LAYER_NAME, layerPackages, queues, validateProps });
  }

  /** A copy of the rendered document with one function's props changed. */
  function withProps(resource: string, change: (props: Props) => void): RenderedDocument {
    const copy = structuredClone(rendered);
    const resources = copy.resources as Record<string, { props: Props }>;
    const target = resources[resource];
    if (target === undefined) throw new Error(`s.yaml has no resource ${resource}`);
    change(target.props);
    return copy;
  }

  function messages(problems: readonly DeploymentProblem[]): string[] {
    return problems.map((problem) => `${problem.resource} ${problem.prop}: ${problem.message}`);
  }

  beforeAll(async () => {
    stage = await mkdtemp(path.join(os.tmpdir(), 'verify-deploy-'));
    [rendered] = await Promise.all([
      renderServerlessYaml({ yamlPath, sourceRoot: repoRoot }),
      buildDeployment({ sourceRoot: repoRoot, outDir: path.join(stage, 'dist'), layerPackages, importRuns: 0, now: () => new Date(0) }),
    ]);
  }, 120_000);

  afterAll(async () => {
    await rm(stage, { recursive: true, force: true });
  });

  it('renders s.yaml offline, with the account id of the offline credentials', () => {
    const props = (rendered.resources as Record<string, { props: Props }>)['scan-webhook']?.props;
    expect(props?.layers).toEqual([`acs:fc:cn-hangzhou:${OFFLINE_CREDENTIALS.AccountID}:layers/${LAYER_NAME}/versions/1`]);
    expect(props?.role).toBe(`acs:ram::${OFFLINE_CREDENTIALS.AccountID}:role/parcelscan-functions`);
  });

  it('finds nothing to fix in s.yaml and the build: code, layer, triggers, functions/, FC rules', async () => {
    expect(messages(await verify(rendered))).toEqual([]);
  });

  it.skipIf(schemaValidator === undefined)("validates every function's props against the fc3 schema (needs the devDependency ajv)", async () => {
    expect(messages(await verify(rendered, schemaValidator))).toEqual([]);
    const broken = withProps('scan-webhook', (props) => {
      props.memorySize = 500;
      props.diskSize = 1024;
      props.runtime = 'nodejs22x';
      const provision = props.provisionConfig as Props;
      delete provision.alwaysAllocateGPU;
    });
    const found = messages(await verify(broken, schemaValidator));
    expect(found).toContain('scan-webhook props.memorySize: must be multiple of 64');
    expect(found.some((line) => line.startsWith('scan-webhook props.diskSize: must be one of 10240, 512'))).toBe(true);
    expect(found.some((line) => line.startsWith('scan-webhook props.runtime: must be one of'))).toBe(true);
    expect(found).toContain('scan-webhook props.provisionConfig.alwaysAllocateGPU: is required');
  });

  it('names a function whose bundle needs the layer but does not list it, and layers in another region', async () => {
    const found = messages(
      await verify(
        withProps('scan-webhook', (props) => {
          props.layers = ['acs:fc:cn-shanghai:1234567890123456:layers/other/versions/3'];
        }),
      ),
    );
    expect(found).toContain('scan-webhook props.layers[0]: the layer is in cn-shanghai, the function in cn-hangzhou');
    expect(found.some((line) => line.startsWith(`scan-webhook props.layers: missing the ${LAYER_NAME} layer: the bundle requires tablestore`))).toBe(true);
  });

  it('names code that was not built, and a function directory no resource deploys', async () => {
    const copy = withProps('scan-consumer', (props) => {
      props.code = './dist/functions/scan-consumer-v2';
    });
    const found = messages(await verify(copy));
    expect(found).toContain('scan-consumer props.code: ./dist/functions/scan-consumer-v2 is built from functions/scan-consumer-v2/index.ts, which does not exist');
    expect(found).toContain('scan-consumer props.code: ./dist/functions/scan-consumer-v2 does not exist: run npm run build');
    expect(found).toContain('functions/scan-consumer : no resource of s.yaml deploys it (code: ./dist/functions/scan-consumer)');
  });

  it('names a trigger on an undeclared queue, a dead-letter queue nobody declared, and a timeout past the visibility timeout', async () => {
    const found = messages(
      await verify(
        withProps('scan-consumer', (props) => {
          const [trigger] = props.triggers as { triggerConfig: { eventSourceConfig: { eventSourceParameters: { sourceMNSParameters: Props } }; runOptions: { deadLetterQueue: Props } } }[];
          if (trigger === undefined) throw new Error('scan-consumer has no trigger');
          trigger.triggerConfig.runOptions.deadLetterQueue.Arn = 'acs:mns:cn-hangzhou:1234567890123456:/queues/nobody-declared';
          props.timeout = 90;
        }),
      ),
    );
    expect(found).toContain('scan-consumer props.triggers[0].triggerConfig.runOptions.deadLetterQueue.Arn: nobody-declared is not a queue of infra/queues.ts');
    expect(found).toContain('scan-consumer props.timeout: 90 s is not shorter than the visibility timeout of scan-events (60 s)');
    const unknownQueue = messages(
      await verify(
        withProps('scan-consumer', (props) => {
          const [trigger] = props.triggers as { triggerConfig: { eventSourceConfig: { eventSourceParameters: { sourceMNSParameters: Props } } } }[];
          if (trigger === undefined) throw new Error('scan-consumer has no trigger');
          trigger.triggerConfig.eventSourceConfig.eventSourceParameters.sourceMNSParameters.QueueName = 'scans-typo';
        }),
      ),
    );
    expect(unknownQueue).toContain('scan-consumer props.triggers[0].triggerConfig.eventSourceConfig.eventSourceParameters.sourceMNSParameters.QueueName: scans-typo is not a queue of infra/queues.ts');
  });

  it("applies FC's rules the schema does not: vCPU to memory, instance concurrency on nodejs20, scaling policies", async () => {
    const found = messages(
      await verify(
        withProps('scan-webhook', (props) => {
          props.cpu = 2;
          props.instanceConcurrency = 20;
          const provision = props.provisionConfig as { scheduledActions: Props[]; targetTrackingPolicies: Props[] };
          const [action] = provision.scheduledActions;
          const [policy] = provision.targetTrackingPolicies;
          if (action === undefined || policy === undefined) throw new Error('scan-webhook has no scaling policies');
          action.scheduleExpression = '0 20 10 11 *';
          policy.metricTarget = 60;
        }),
      ),
    );
    expect(found).toContain('scan-webhook props.memorySize: 512 MB for 2 vCPU is 0.25 GB per vCPU; FC requires 1 to 4 GB per vCPU');
    expect(found).toContain('scan-webhook props.instanceConcurrency: nodejs20 is a built-in runtime: FC 3.0 serves one request per instance, so instanceConcurrency is not supported');
    expect(found).toContain('scan-webhook props.provisionConfig.scheduledActions[0].scheduleExpression: 0 20 10 11 * is neither cron(<sec> <min> <hour> <day> <month> <weekday>) nor at(…)');
    expect(found).toContain('scan-webhook props.provisionConfig.targetTrackingPolicies[0].metricTarget: is a utilisation: more than 0, at most 1');
    const oddCpu = messages(await verify(withProps('scan-webhook', (props) => void (props.cpu = 0.33))));
    expect(oddCpu).toContain('scan-webhook props.cpu: 0.33 is not a multiple of 0.05 vCPU');
  });

  it('names a path routed to two functions, and a variable s could not resolve', async () => {
    const found = messages(
      await verify(
        withProps('order-webhook', (props) => {
          (props.customDomain as { route: Props }).route.path = '/v1/scans';
          props.role = "acs:ram::${config('AccountID')}:role/parcelscan-functions";
        }),
      ),
    );
    expect(found.some((line) => /^order-webhook props\.customDomain\.route\.path: \/v1\/scans on \S+ is already routed to scan-webhook$/.test(line))).toBe(true);
    expect(found).toContain("order-webhook props.role: acs:ram::${config('AccountID')}:role/parcelscan-functions still holds a variable s could not resolve");
  });
});
