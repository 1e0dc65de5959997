import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { MetricTotals, type MetricTotalsSnapshot } from '../../../layers/core/src/observability/metric-totals.ts';
import { ensureLayerDirectory, layerNodeModulesDir } from '../../build/layer.ts';
import { prepareInstanceBootstrap, type InstanceBootstrap } from './bootstrap.ts';
import { buildFunctions, functionOutDir } from './build.ts';
import { findFunction, type Deployment, type FunctionDefinition } from './deployment.ts';
import { FunctionNotFoundError, ServerlessYamlError } from './errors.ts';
import { LOCAL_CREDENTIALS, type FcCredentials } from './fc-context.ts';
import { startGateway, type Gateway } from './gateway.ts';
import { createInvokeFunctionApi, InvocationLogTail } from './invoke-api.ts';
import { FunctionPool, type InvocationOutcome } from './instances.ts';
import { consoleLogSink, type LogSink } from './logs.ts';
import { createMnsClient, type MnsConnection } from './mns-client.ts';
import { mountArtifacts, type FcMount } from './mount.ts';
import { startQueueTrigger, type QueueTriggerPoller } from './queue-triggers.ts';
import { newFcRequestId } from './request-id.ts';
import { buildRouteTable, type RouteTable } from './routes.ts';
import { loadDeployment } from './serverless-yaml.ts';

/** The account id the local stack reports (FC_ACCOUNT_ID, `context.accountId`, `${config('AccountID')}`). */
export const LOCAL_ACCOUNT_ID = '1234567890123456';

export interface FcRuntimeOptions {
  /** The s.yaml `s deploy` reads. */
  yamlPath: string;
  /** Where `functions/<name>/index.ts` live; defaults to the directory of s.yaml. */
  sourceRoot?: string;
  /** Build output; defaults to `<dir of s.yaml>/dist`, the directory s.yaml's `code: ./dist/functions/<name>` names. */
  outDir?: string;
  /**
   * Packages left out of the bundles (see `buildFunctions`). They come from the layer, built into
   * `<outDir>/layer/nodejs/node_modules` as `npm run build` builds it and mounted as FC mounts /opt/nodejs/node_modules.
   */
  external?: readonly string[];
  /** Skip the esbuild and layer steps and load what is already in `outDir` (e.g. after `npm run build`). */
  skipBuild?: boolean;
  /** Only these functions (FC names or resource keys); all by default. */
  only?: readonly string[];
  /** HTTP gateway; `false` for none. Defaults to 127.0.0.1:9000. */
  gateway?: { host?: string; port?: number } | false;
  /** Environment for every instance, applied over s.yaml's `environmentVariables` (e.g. local endpoints). */
  env?: Readonly<Record<string, string>>;
  /** The environment `${env('X')}` reads in s.yaml; defaults to `process.env`. */
  variables?: Readonly<Record<string, string | undefined>>;
  accountId?: string;
  credentials?: FcCredentials;
  /** Starts a poller per MNS queue trigger against this server. */
  mns?: { endpoint: string; accessKeyId?: string; accessKeySecret?: string; pollWaitSeconds?: number };
  /** Instances a function runs at most (10 by default): past them a request is throttled, and a queue trigger runs no more consumers. */
  maxInstancesPerFunction?: number;
  /**
   * Consumers a queue trigger runs at most, whatever its `maximumTasks`; by default the machine's cores
   * (`os.availableParallelism()`). On FC each consumer's batch runs on an instance with a vCPU of its own; here every
   * instance shares the machine's cores with the local Tablestore and MNS servers, and consumers past the cores only
   * add cold starts and take CPU from the servers every batch waits for.
   */
  maxQueueConsumers?: number;
  idleTimeoutMs?: number;
  /**
   * FC 3.0 built-in runtimes (nodejs20) serve one request per instance whatever `instanceConcurrency` says;
   * set this to run `instanceConcurrency` requests per instance instead, to expose state shared between
   * concurrent requests.
   */
  honourInstanceConcurrency?: boolean;
  log?: LogSink;
}

export interface FcRuntime {
  deployment: Deployment;
  /** The gateway's base URL, when it runs. */
  url: string | undefined;
  /** The custom-domain routes and function URLs the gateway serves (for printing the endpoints). */
  routes: RouteTable;
  /** Invokes a function directly (like InvokeFunction) with a raw event. */
  invoke(functionName: string, event: Buffer | string): Promise<InvocationOutcome>;
  /** Live instances of a function. */
  instanceCount(functionName: string): number;
  /** The metric lines the functions wrote since the runtime started, added up (`GET {gateway}/__local/stats`). */
  metricTotals(): MetricTotalsSnapshot;
  close(): Promise<void>;
}

/** The s.yaml code path relative to the build output, which must be `functions/<name>`. */
function builtFunctionName(fn: FunctionDefinition, yamlDir: string): string {
  const relative = path.relative(path.join(yamlDir, 'dist'), fn.codeUri).split(path.sep).join('/');
  const match = /^functions\/([^/]+)$/.exec(relative);
  if (match?.[1] === undefined) throw new ServerlessYamlError(`resources.${fn.resourceKey}.props.code`, `must be ./dist/functions/<name> (the esbuild output), not ${path.relative(yamlDir, fn.codeUri)}`);
  return match[1];
}

function hostEnvironment(): Record<string, string> {
  const base: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'LANG', 'TZ']) {
    const value = process.env[key];
    if (value !== undefined) base[key] = value;
  }
  return base;
}

/**
 * Starts the local FC 3.0 runtime for an s.yaml: builds the functions, starts their instance pools, the HTTP
 * gateway (custom-domain routes and `/{functionName}/…`) and a poller per MNS queue trigger.
 *
 * @example
 * const runtime = await startFcRuntime({ yamlPath: 's.yaml', mns: { endpoint: 'http://127.0.0.1:9002' } });
 * console.log(runtime.url); // http://127.0.0.1:9000
 * await runtime.close();
 */
export async function startFcRuntime(options: FcRuntimeOptions): Promise<FcRuntime> {
  const sink = options.log ?? consoleLogSink;
  // The functions' metric lines (layers/core/src/observability) are added up as they pass, for `parcelscan stats`.
  const totals = new MetricTotals(new Date());
  // The log lines of InvokeFunction API calls in flight, answered as their `x-fc-log-result` (invoke-api.ts).
  const invocationLogs = new InvocationLogTail();
  const log: LogSink = (record) => {
    if (record.source === 'function') totals.addLine(record.message);
    invocationLogs.add(record);
    sink(record);
  };
  const accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
  const credentials = options.credentials ?? LOCAL_CREDENTIALS;
  const yamlDir = path.dirname(path.resolve(options.yamlPath));
  const outDir = path.resolve(options.outDir ?? path.join(yamlDir, 'dist'));
  const sourceRoot = path.resolve(options.sourceRoot ?? yamlDir);

  const loaded = await loadDeployment(options.yamlPath, {
    env: options.variables ?? process.env,
    config: { AccountID: accountId, AccessKeyID: credentials.accessKeyId, AccessKeySecret: credentials.accessKeySecret },
  });
  const selected = options.only === undefined ? loaded.functions : options.only.map((name) => findFunction(loaded, name) ?? raise(new FunctionNotFoundError(name)));
  const runnable = selected.filter((fn) => {
    if (fn.runtime.startsWith('nodejs')) return true;
    log({ source: 'runtime', functionName: fn.name, level: 'warn', message: `runtime ${fn.runtime} is not run locally (only Node.js built-in runtimes are)`, time: new Date() });
    return false;
  });
  const deployment: Deployment = { name: loaded.name, functions: runnable };
  const builtNames = new Map(runnable.map((fn) => [fn.name, builtFunctionName(fn, yamlDir)]));
  const builtDirs = [...new Set(builtNames.values())];
  const external = options.external ?? [];
  if (options.skipBuild !== true) {
    await buildFunctions({ sourceRoot, outDir, functionNames: builtDirs, external });
    if (external.length > 0) await ensureLayerDirectory({ packages: external, sourceRoot, outDir });
  }
  const mount: FcMount = await mountArtifacts({
    codeDirs: new Map(builtDirs.map((name) => [name, functionOutDir(outDir, name)])),
    ...(external.length > 0 ? { layerNodeModulesDir: layerNodeModulesDir(outDir) } : {}),
  });
  // As FC's Node.js runtime has the layer directory on NODE_PATH (see `mountArtifacts`).
  const baseEnvironment = { ...hostEnvironment(), ...(mount.nodePath === undefined ? {} : { NODE_PATH: mount.nodePath }) };

  const maxInstances = options.maxInstancesPerFunction ?? 10;
  const bootstrap: InstanceBootstrap = await prepareInstanceBootstrap();
  const pools = new Map<string, FunctionPool>();
  for (const fn of runnable) {
    const concurrency = options.honourInstanceConcurrency === true ? fn.instanceConcurrency : 1;
    if (fn.instanceConcurrency > 1 && options.honourInstanceConcurrency !== true) {
      log({ source: 'runtime', functionName: fn.name, level: 'warn', message: `instanceConcurrency ${fn.instanceConcurrency} is ignored: FC 3.0 ${fn.runtime} instances serve one request at a time`, time: new Date() });
    }
    pools.set(
      fn.name,
      new FunctionPool({
        fn,
        codeUri: mount.codeDir(builtNames.get(fn.name) ?? fn.name),
        bootstrapPath: bootstrap.path,
        accountId,
        credentials,
        concurrency,
        maxInstances,
        idleTimeoutMs: options.idleTimeoutMs ?? 5 * 60_000,
        baseEnvironment,
        environmentOverrides: options.env ?? {},
        newInstanceId: () => `c-${randomUUID().slice(0, 8)}`,
        log,
      }),
    );
  }

  function invoke(functionName: string, event: Buffer | string, requestId: string = newFcRequestId()): Promise<InvocationOutcome> {
    const pool = pools.get(functionName) ?? pools.get(findFunction(deployment, functionName)?.name ?? '');
    if (pool === undefined) return Promise.reject(new FunctionNotFoundError(functionName));
    return pool.invoke(typeof event === 'string' ? Buffer.from(event) : event, requestId);
  }

  const routes = buildRouteTable(deployment);
  let gateway: Gateway | undefined;
  const pollers: QueueTriggerPoller[] = [];
  try {
    if (options.gateway !== false) {
      gateway = await startGateway({
        host: options.gateway?.host ?? '127.0.0.1',
        port: options.gateway?.port ?? 9000,
        routes,
        accountId,
        invoke,
        newRequestId: () => newFcRequestId(),
        log,
        stats: () => totals.snapshot(),
        invokeFunctionApi: createInvokeFunctionApi({ credentials, invoke, logs: invocationLogs }),
      });
    }
    if (options.mns !== undefined) {
      const connection: MnsConnection = {
        endpoint: options.mns.endpoint,
        accountId,
        accessKeyId: options.mns.accessKeyId ?? LOCAL_CREDENTIALS.accessKeyId,
        accessKeySecret: options.mns.accessKeySecret ?? LOCAL_CREDENTIALS.accessKeySecret,
      };
      const client = createMnsClient(connection);
      const maxQueueConsumers = options.maxQueueConsumers ?? availableParallelism();
      for (const fn of runnable) {
        for (const trigger of fn.queueTriggers) {
          if (!trigger.enabled) continue;
          const consumers = Math.min(trigger.maximumTasks, maxInstances, maxQueueConsumers);
          if (consumers < trigger.maximumTasks) {
            const limits = `at most ${maxInstances} instance(s) per function and ${maxQueueConsumers} consumer(s) per trigger here`;
            log({ source: 'runtime', functionName: fn.name, level: 'info', message: `queue trigger ${trigger.triggerName}: ${consumers} of maximumTasks ${trigger.maximumTasks} consumers run (${limits})`, time: new Date() });
          }
          pollers.push(
            startQueueTrigger({
              fn,
              trigger,
              client,
              accountId,
              invoke: (event, requestId) => invoke(fn.name, event, requestId),
              newRequestId: () => newFcRequestId(),
              newEventId: () => randomUUID(),
              log,
              pollWaitSeconds: options.mns.pollWaitSeconds ?? 10,
              consumers,
            }),
          );
        }
      }
    }
  } catch (error) {
    await Promise.all(pollers.map((poller) => poller.stop()));
    await gateway?.close();
    await Promise.all([...pools.values()].map((pool) => pool.close()));
    await bootstrap.dispose();
    await mount.dispose();
    throw error;
  }

  return {
    deployment,
    url: gateway?.url,
    routes,
    invoke: (functionName, event) => invoke(functionName, event),
    instanceCount: (functionName) => pools.get(functionName)?.instanceCount ?? 0,
    metricTotals: () => totals.snapshot(),
    async close() {
      await Promise.all(pollers.map((poller) => poller.stop()));
      await gateway?.close();
      await Promise.all([...pools.values()].map((pool) => pool.close()));
      await bootstrap.dispose();
      await mount.dispose();
    },
  };
}

function raise(error: Error): never {
  throw error;
}

export interface InvokeOnceOptions extends Omit<FcRuntimeOptions, 'only' | 'gateway' | 'mns'> {
  functionName: string;
  event: Buffer | string;
}

/**
 * Builds one function, invokes it once with `event` and shuts down: `parcelscan invoke`.
 *
 * @example
 * const outcome = await invokeOnce({ yamlPath: 's.yaml', functionName: 'scan-webhook', event: '{}' });
 */
export async function invokeOnce(options: InvokeOnceOptions): Promise<InvocationOutcome> {
  const { functionName, event, ...runtimeOptions } = options;
  const runtime = await startFcRuntime({ ...runtimeOptions, only: [functionName], gateway: false });
  try {
    return await runtime.invoke(functionName, event);
  } finally {
    await runtime.close();
  }
}
