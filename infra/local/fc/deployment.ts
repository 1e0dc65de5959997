/**
 * The local runtime's model of what `s deploy` would create: one entry per fc3 function in `s.yaml`, with
 * the props the runtime needs, already resolved and validated (see `serverless-yaml.ts`).
 * Prop names and defaults follow the fc3 component's schema (`infra/schema/fc3-props.schema.json`,
 * devsapp/fc3 `src/schema.json`).
 */

/** The methods an fc3 HTTP trigger accepts (schema `IHttpTriggerConfig.methods`). */
export const HTTP_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface HttpTrigger {
  triggerName: string;
  authType: 'anonymous' | 'function' | 'jwt';
  methods: readonly HttpMethod[];
}

/** One path of the custom-domain route table (fc3 `customDomain.route`). */
export interface CustomDomainRoute {
  domainName: string;
  /** Exact (`/v1/scans`) or a prefix ending in `*` (`/v1/parcels/*`, `/track*`). */
  path: string;
  /** Empty means every method. */
  methods: readonly HttpMethod[];
  qualifier: string;
}

export type PushRetryStrategy = 'BACKOFF_RETRY' | 'EXPONENTIAL_DECAY_RETRY';

/** An MNS queue trigger: an fc3 `eventbridge` trigger whose event source is an MNS queue. */
export interface QueueTrigger {
  triggerName: string;
  enabled: boolean;
  queueName: string;
  /** `sourceMNSParameters.IsBase64Decode`: the producer's body is base64-decoded before delivery. */
  isBase64Decode: boolean;
  /** `runOptions.batchWindow.CountBasedWindow`. */
  batchSize: number;
  /** `runOptions.batchWindow.TimeBasedWindow`. */
  batchWindowSeconds: number;
  /** `runOptions.maximumTasks`: the stream's consumers, each gathering and delivering its own batches. */
  maximumTasks: number;
  retry: { maximumRetryAttempts: number; pushRetryStrategy: PushRetryStrategy };
  /** `ALL` skips an event that exhausted its retries; `NONE` keeps retrying it. */
  errorsTolerance: 'ALL' | 'NONE';
  /** The queue named by `runOptions.deadLetterQueue.Arn`, if any. */
  deadLetterQueueName: string | undefined;
}

export interface FunctionDefinition {
  /** The key under `resources:` in s.yaml. */
  resourceKey: string;
  name: string;
  region: string;
  runtime: string;
  /** `file.export`, e.g. `index.handler`. */
  handler: string;
  /** Absolute path of the function's code directory (fc3 `code`). */
  codeUri: string;
  memorySize: number;
  timeout: number;
  instanceConcurrency: number;
  environmentVariables: Readonly<Record<string, string>>;
  httpTriggers: readonly HttpTrigger[];
  customDomainRoute: CustomDomainRoute | undefined;
  queueTriggers: readonly QueueTrigger[];
}

export interface Deployment {
  /** s.yaml `name`. */
  name: string;
  functions: readonly FunctionDefinition[];
}

/** Finds a function by its FC name or by its s.yaml resource key. */
export function findFunction(deployment: Deployment, nameOrKey: string): FunctionDefinition | undefined {
  return deployment.functions.find((fn) => fn.name === nameOrKey) ?? deployment.functions.find((fn) => fn.resourceKey === nameOrKey);
}
