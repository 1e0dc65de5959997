import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { QueueDeclaration } from '../queues.ts';
import { listFunctionDirs } from './function-dirs.ts';
import { layerRequires } from './layer-requires.ts';
import { layerNodeModulesDir } from './layer.ts';
import type { PropsValidator } from './props-schema.ts';
import type { RenderedDocument } from './render.ts';

/**
 * The offline checks of `npm run verify:deploy`, on the document `s preview` rendered and the build output.
 * Each problem names the s.yaml resource and the prop, so the fix is one look away.
 */

export interface DeploymentProblem {
  /** s.yaml resource key, or `functions/<dir>` for a function directory nobody declares. */
  resource: string;
  /** Dotted path below the resource, e.g. `props.layers[0]`. */
  prop: string;
  message: string;
}

export interface VerifyDeploymentOptions {
  rendered: RenderedDocument;
  /** Directory of s.yaml: code paths are relative to it. */
  yamlDir: string;
  /** Repository root, holding functions/. */
  sourceRoot: string;
  /** Build output (dist). */
  outDir: string;
  /** The layer this project publishes (`parcelscan-core`) and the packages it holds. */
  layerName: string;
  layerPackages: readonly string[];
  queues: readonly QueueDeclaration[];
  /** The fc3 schema check; skipped when undefined. */
  validateProps: PropsValidator | undefined;
}

type Props = Record<string, unknown>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function isFile(target: string): Promise<boolean> {
  try {
    return (await stat(target)).isFile();
  } catch {
    return false;
  }
}

async function isDirectory(target: string): Promise<boolean> {
  try {
    return (await stat(target)).isDirectory();
  } catch {
    return false;
  }
}

/** `/provisionConfig/scheduledActions/0/target` → `props.provisionConfig.scheduledActions[0].target`. */
export function propPath(pointer: string): string {
  const segments = pointer.split('/').slice(1).map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
  return segments.reduce((joined, segment) => (/^\d+$/.test(segment) ? `${joined}[${segment}]` : `${joined}.${segment}`), 'props');
}

/** Strings still holding `${…}`: a variable `s` could not resolve would be deployed literally. */
function unresolved(value: unknown, at: string): { prop: string; text: string }[] {
  if (typeof value === 'string') return value.includes('${') ? [{ prop: at, text: value }] : [];
  if (Array.isArray(value)) return value.flatMap((item, index) => unresolved(item, `${at}[${index}]`));
  if (isRecord(value)) return Object.entries(value).flatMap(([key, item]) => unresolved(item, `${at}.${key}`));
  return [];
}

const LAYER_ARN = /^acs:fc:([a-z0-9-]+):([^:]+):layers\/([A-Za-z0-9_-]+)\/versions\/(\d+)$/;
const MNS_QUEUE_ARN = /^acs:mns:([a-z0-9-]+):(\d+):\/queues\/([A-Za-z0-9-]+)$/;
const CRON = /^cron\(\S+( \S+){5}\)$/;
const METRIC_TYPES = ['ProvisionedConcurrencyUtilization', 'CPUUtilization', 'GPUMemUtilization'];

/** The code directory a function's `code` names (a path, or `{ src }`). */
function codePathOf(props: Props): string | undefined {
  if (typeof props.code === 'string') return props.code;
  if (isRecord(props.code) && typeof props.code.src === 'string') return props.code.src;
  return undefined;
}

/** Whether Node finds a module `<package>/<path>` in the layer: the file itself, or with .js or .json, or its index.js. */
async function layerHoldsModule(layerModules: string, specifier: string): Promise<boolean> {
  const base = path.join(layerModules, specifier);
  for (const candidate of [base, `${base}.js`, `${base}.json`, path.join(base, 'index.js')]) {
    if (await isFile(candidate)) return true;
  }
  return false;
}

/**
 * FC's instance specifications: vCPU in multiples of 0.05, memory (GB) between 1 and 4 times the vCPU count
 * ("The ratio of vCPU (in cores) to memory (in GB) must be between 1:1 and 1:4",
 * https://www.alibabacloud.com/help/en/functioncompute/fc/creating-a-task-function, Specifications). The
 * schema checks memory's multiple of 64 MB and the disk sizes.
 */
function checkSpecification(props: Props): { prop: string; message: string }[] {
  const problems: { prop: string; message: string }[] = [];
  const { cpu, memorySize } = props;
  if (typeof cpu !== 'number') return problems;
  if (Math.abs(cpu / 0.05 - Math.round(cpu / 0.05)) > 1e-9) problems.push({ prop: 'props.cpu', message: `${cpu} is not a multiple of 0.05 vCPU` });
  if (typeof memorySize === 'number') {
    const ratio = memorySize / 1024 / cpu;
    if (ratio < 1 - 1e-9 || ratio > 4 + 1e-9) {
      problems.push({ prop: 'props.memorySize', message: `${memorySize} MB for ${cpu} vCPU is ${ratio.toFixed(2)} GB per vCPU; FC requires 1 to 4 GB per vCPU` });
    }
  }
  return problems;
}

/**
 * Peak-readiness settings fc3 passes to PutProvisionConfig (FC 3.0 API structs ScheduledAction and
 * TargetTrackingPolicy: https://alibabacloud.com/help/en/functioncompute/fc-3-0/developer-reference/api-fc-2023-03-30-struct-scheduledaction,
 * https://www.alibabacloud.com/help/en/functioncompute/api-fc-2023-03-30-struct-targettrackingpolicy).
 */
function checkProvisionConfig(props: Props): { prop: string; message: string }[] {
  const problems: { prop: string; message: string }[] = [];
  const config = props.provisionConfig;
  if (!isRecord(config)) return problems;
  const actions = Array.isArray(config.scheduledActions) ? config.scheduledActions : [];
  actions.forEach((action, index) => {
    if (isRecord(action) && typeof action.scheduleExpression === 'string' && !CRON.test(action.scheduleExpression) && !action.scheduleExpression.startsWith('at(')) {
      problems.push({ prop: `props.provisionConfig.scheduledActions[${index}].scheduleExpression`, message: `${action.scheduleExpression} is neither cron(<sec> <min> <hour> <day> <month> <weekday>) nor at(…)` });
    }
  });
  const policies = Array.isArray(config.targetTrackingPolicies) ? config.targetTrackingPolicies : [];
  policies.forEach((policy, index) => {
    if (!isRecord(policy)) return;
    const at = `props.provisionConfig.targetTrackingPolicies[${index}]`;
    if (typeof policy.metricType === 'string' && !METRIC_TYPES.includes(policy.metricType)) problems.push({ prop: `${at}.metricType`, message: `must be one of ${METRIC_TYPES.join(', ')}` });
    if (typeof policy.metricTarget === 'number' && !(policy.metricTarget > 0 && policy.metricTarget <= 1)) problems.push({ prop: `${at}.metricTarget`, message: 'is a utilisation: more than 0, at most 1' });
    if (typeof policy.minCapacity === 'number' && typeof policy.maxCapacity === 'number' && policy.minCapacity > policy.maxCapacity) problems.push({ prop: `${at}.minCapacity`, message: `${policy.minCapacity} is above maxCapacity ${policy.maxCapacity}` });
  });
  return problems;
}

function checkTriggers(props: Props, queues: readonly QueueDeclaration[]): { prop: string; message: string }[] {
  const problems: { prop: string; message: string }[] = [];
  const triggers = Array.isArray(props.triggers) ? props.triggers : [];
  const names = new Set<string>();
  triggers.forEach((trigger, index) => {
    if (!isRecord(trigger)) return;
    const at = `props.triggers[${index}]`;
    if (typeof trigger.triggerName === 'string') {
      if (names.has(trigger.triggerName)) problems.push({ prop: `${at}.triggerName`, message: `${trigger.triggerName} is used twice on this function` });
      names.add(trigger.triggerName);
    }
    const config = isRecord(trigger.triggerConfig) ? trigger.triggerConfig : {};
    const source = isRecord(config.eventSourceConfig) ? config.eventSourceConfig : {};
    const parameters = isRecord(source.eventSourceParameters) ? source.eventSourceParameters : {};
    const mns = isRecord(parameters.sourceMNSParameters) ? parameters.sourceMNSParameters : undefined;
    if (source.eventSourceType === 'MNS' && mns !== undefined) {
      const queue = queues.find((candidate) => candidate.name === mns.QueueName);
      if (queue === undefined) {
        problems.push({ prop: `${at}.triggerConfig.eventSourceConfig.eventSourceParameters.sourceMNSParameters.QueueName`, message: `${String(mns.QueueName)} is not a queue of infra/queues.ts` });
      } else if (typeof props.timeout === 'number' && props.timeout >= queue.visibilityTimeout) {
        // A batch still running when its messages become visible again would be delivered twice at once.
        problems.push({ prop: 'props.timeout', message: `${props.timeout} s is not shorter than the visibility timeout of ${queue.name} (${queue.visibilityTimeout} s)` });
      }
    }
    const runOptions = isRecord(config.runOptions) ? config.runOptions : {};
    const deadLetter = isRecord(runOptions.deadLetterQueue) ? runOptions.deadLetterQueue : undefined;
    if (deadLetter !== undefined) {
      const arn = typeof deadLetter.Arn === 'string' ? deadLetter.Arn : '';
      const match = MNS_QUEUE_ARN.exec(arn);
      const prop = `${at}.triggerConfig.runOptions.deadLetterQueue.Arn`;
      if (match === null) problems.push({ prop, message: `${arn} is not an MNS queue ARN (acs:mns:<region>:<accountId>:/queues/<name>)` });
      else if (match[1] !== props.region) problems.push({ prop, message: `the queue is in ${match[1]}, the function in ${String(props.region)}` });
      else if (!queues.some((queue) => queue.name === match[3])) problems.push({ prop, message: `${match[3]} is not a queue of infra/queues.ts` });
    }
  });
  return problems;
}

/**
 * @example
 * const problems = await verifyDeployment({ rendered, yamlDir: '/repo', sourceRoot: '/repo', outDir: '/repo/dist',
 *   layerName: 'parcelscan-core', layerPackages, queues, validateProps });
 * // [{ resource: 'scan-webhook', prop: 'props.layers', message: 'missing the parcelscan-core layer, …' }]
 */
export async function verifyDeployment(options: VerifyDeploymentOptions): Promise<DeploymentProblem[]> {
  const problems: DeploymentProblem[] = [];
  const resources = isRecord(options.rendered.resources) ? options.rendered.resources : {};
  const functionsDir = path.join(options.sourceRoot, 'functions');
  const builtFunctionsDir = path.join(options.outDir, 'functions');
  const layerModules = layerNodeModulesDir(options.outDir);
  const declaredDirs = new Set<string>();
  const functionNames = new Set<string>();
  const routes = new Map<string, string>();

  for (const [key, resource] of Object.entries(resources)) {
    if (!isRecord(resource) || resource.component !== 'fc3') continue;
    const props: Props = isRecord(resource.props) ? resource.props : {};
    const report = (prop: string, message: string): void => {
      problems.push({ resource: key, prop, message });
    };
    if (typeof props.functionName === 'string') functionNames.add(props.functionName);

    for (const { prop, text } of unresolved(props, 'props')) report(prop, `${text} still holds a variable s could not resolve`);
    if (options.validateProps !== undefined) {
      for (const violation of options.validateProps(props)) report(propPath(violation.instancePath), violation.message);
    }

    // The code s deploy uploads: the build output of one function of functions/.
    const code = codePathOf(props);
    let bundle: string | undefined;
    if (code === undefined) {
      report('props.code', 'names no code directory');
    } else {
      const codeDir = path.resolve(options.yamlDir, code);
      const relative = path.relative(builtFunctionsDir, codeDir);
      const dirName = relative.split(path.sep)[0] ?? '';
      if (relative.startsWith('..') || relative.includes(path.sep) || relative === '') {
        report('props.code', `${code} is not a build output directory (dist/functions/<name>)`);
      } else {
        declaredDirs.add(dirName);
        if (!(await isFile(path.join(functionsDir, dirName, 'index.ts')))) report('props.code', `${code} is built from functions/${dirName}/index.ts, which does not exist`);
        const handler = typeof props.handler === 'string' ? props.handler : '';
        const handlerFile = `${handler.slice(0, Math.max(0, handler.lastIndexOf('.')))}.js`;
        if (!(await isDirectory(codeDir))) report('props.code', `${code} does not exist: run npm run build`);
        else if (!(await isFile(path.join(codeDir, handlerFile)))) report('props.handler', `${handler} names ${handlerFile}, which ${code} does not hold`);
        else bundle = path.join(codeDir, handlerFile);
      }
    }

    // Layers: well-formed ARNs in the function's region; ours built; and listed wherever a bundle needs it.
    const layers = Array.isArray(props.layers) ? props.layers : [];
    let listsOurLayer = false;
    for (const [index, layer] of layers.entries()) {
      const match = typeof layer === 'string' ? LAYER_ARN.exec(layer) : null;
      if (match === null) {
        report(`props.layers[${index}]`, `${String(layer)} is not a layer version ARN (acs:fc:<region>:<accountId>:layers/<name>/versions/<n>)`);
        continue;
      }
      if (match[1] !== props.region) report(`props.layers[${index}]`, `the layer is in ${match[1]}, the function in ${String(props.region)}`);
      if (match[3] !== options.layerName) continue;
      listsOurLayer = true;
      if (Number(match[4]) < 1) report(`props.layers[${index}]`, 'layer versions start at 1');
      if (!(await isFile(path.join(options.outDir, 'layer.zip')))) report(`props.layers[${index}]`, `${options.layerName} is not built: ${path.relative(options.sourceRoot, path.join(options.outDir, 'layer.zip'))} is missing (run npm run build)`);
      for (const name of options.layerPackages) {
        if (!(await isFile(path.join(layerModules, name, 'package.json')))) report(`props.layers[${index}]`, `the built layer lacks ${name} (run npm run build)`);
      }
    }
    if (bundle !== undefined) {
      const requires = layerRequires(await readFile(bundle, 'utf8'), options.layerPackages);
      const needed = [...new Set(requires.map((entry) => entry.packageName))];
      if (needed.length > 0 && !listsOurLayer) report('props.layers', `missing the ${options.layerName} layer: the bundle requires ${needed.join(', ')} from it`);
      for (const { packageName, specifier } of requires) {
        if (specifier !== packageName && listsOurLayer && !(await layerHoldsModule(layerModules, specifier))) report('props.layers', `the bundle requires ${specifier}, which the built layer does not hold`);
      }
    }

    // FC 3.0 built-in runtimes serve one request per instance ("Comparison and compatibility between Function
    // Compute 3.0 and Function Compute 2.0": https://www.alibabacloud.com/help/en/functioncompute/feature-updates-in-function-compute-3).
    if (typeof props.runtime === 'string' && !props.runtime.startsWith('custom') && props.instanceConcurrency !== undefined && props.instanceConcurrency !== 1) {
      report('props.instanceConcurrency', `${props.runtime} is a built-in runtime: FC 3.0 serves one request per instance, so instanceConcurrency is not supported`);
    }
    for (const { prop, message } of [...checkSpecification(props), ...checkProvisionConfig(props), ...checkTriggers(props, options.queues)]) report(prop, message);

    // One path of one domain routes to one function.
    const domain = isRecord(props.customDomain) ? props.customDomain : undefined;
    const route = domain !== undefined && isRecord(domain.route) ? domain.route : undefined;
    if (domain !== undefined && route !== undefined && typeof route.path === 'string') {
      const routeKey = `${String(domain.domainName)} ${route.path}`;
      const owner = routes.get(routeKey);
      if (owner !== undefined) report('props.customDomain.route.path', `${route.path} on ${String(domain.domainName)} is already routed to ${owner}`);
      else routes.set(routeKey, key);
    }
  }

  // Other components that point at functions (an fc3-domain route table) must name declared ones.
  for (const [key, resource] of Object.entries(resources)) {
    if (!isRecord(resource) || resource.component === 'fc3' || !isRecord(resource.props)) continue;
    const routeConfig = isRecord(resource.props.routeConfig) ? resource.props.routeConfig : {};
    const routeList = Array.isArray(routeConfig.routes) ? routeConfig.routes : [];
    routeList.forEach((route, index) => {
      if (isRecord(route) && typeof route.functionName === 'string' && !functionNames.has(route.functionName)) {
        problems.push({ resource: key, prop: `props.routeConfig.routes[${index}].functionName`, message: `${route.functionName} is not a function of s.yaml` });
      }
    });
  }

  // Every function directory is deployed.
  for (const dir of await listFunctionDirs(options.sourceRoot)) {
    if (!declaredDirs.has(dir)) problems.push({ resource: `functions/${dir}`, prop: '', message: `no resource of s.yaml deploys it (code: ./dist/functions/${dir})` });
  }
  return problems;
}

/** One line per problem, as verify:deploy prints them. */
export function formatProblems(problems: readonly DeploymentProblem[]): string {
  return problems.map((problem) => `${problem.resource}${problem.prop === '' ? '' : `: ${problem.prop}`}: ${problem.message}`).join('\n');
}
