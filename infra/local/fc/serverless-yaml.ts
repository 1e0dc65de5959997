import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { HTTP_METHODS, type CustomDomainRoute, type Deployment, type FunctionDefinition, type HttpTrigger, type QueueTrigger } from './deployment.ts';
import { ServerlessYamlError } from './errors.ts';
import { resolveVariables, type VariableSources } from './variables.ts';

/**
 * s.yaml → `Deployment`. The shape follows Serverless Devs 3 (`edition: 3.0.0`, `resources.<key>.component`)
 * and the fc3 component's props schema (devsapp/fc3 `src/schema.json`, copied at
 * infra/schema/fc3-props.schema.json): defaults `memorySize` 512, `timeout` 3, `instanceConcurrency` 1.
 * Props the local runtime does not use are accepted as they are (the schema allows extra props).
 */

const httpMethod = z.enum(HTTP_METHODS);

const httpTriggerSchema = z.looseObject({
  triggerName: z.string().min(1),
  triggerType: z.literal('http'),
  triggerConfig: z.looseObject({
    authType: z.enum(['anonymous', 'function', 'jwt']),
    methods: z.array(httpMethod).min(1),
  }),
});

/** fc3 eventbridge trigger (`IEventBridge`), with the MNS-specific parts the queue trigger reads. */
const eventBridgeTriggerSchema = z.looseObject({
  triggerName: z.string().min(1),
  triggerType: z.literal('eventbridge'),
  triggerConfig: z.looseObject({
    triggerEnable: z.boolean(),
    asyncInvocationType: z.boolean(),
    eventRuleFilterPattern: z.string(),
    eventSourceConfig: z.looseObject({
      eventSourceType: z.string(),
      eventSourceParameters: z.looseObject({
        sourceMNSParameters: z
          .looseObject({
            QueueName: z.string().min(1),
            // https://www.alibabacloud.com/help/en/eventbridge/developer-reference/api-eventbridge-2020-04-01-createeventstreaming
            // (SourceMNSParameters.IsBase64Decode, default true).
            IsBase64Decode: z.boolean().default(true),
          })
          .optional(),
      }),
    }),
    eventSinkConfig: z.looseObject({ deliveryOption: z.looseObject({}) }),
    runOptions: z.looseObject({
      mode: z.string().optional(),
      // The concurrency quota, "the number of consumers" (RunOptions.maximumTasks, example 1:
      // https://www.alibabacloud.com/help/en/functioncompute/fc-2-0/developer-reference/api-fc-open-2021-04-06-struct-runoptions).
      maximumTasks: z.number().int().min(1).default(1),
      errorsTolerance: z.enum(['ALL', 'NONE']).default('ALL'),
      retryStrategy: z
        .looseObject({
          PushRetryStrategy: z.enum(['BACKOFF_RETRY', 'EXPONENTIAL_DECAY_RETRY']).default('BACKOFF_RETRY'),
          MaximumRetryAttempts: z.number().int().min(0).default(3),
        })
        .optional(),
      deadLetterQueue: z.looseObject({ Arn: z.string().regex(/^acs:mns:[^:]*:[^:]*:\/?queues\/[^/]+$/, 'must be acs:mns:<region>:<account>:/queues/<name>') }).optional(),
      batchWindow: z
        .looseObject({
          CountBasedWindow: z.number().int().min(1).max(10_000).default(1),
          TimeBasedWindow: z.number().int().min(0).max(15).default(0),
        })
        .optional(),
    }),
  }),
});

/** Triggers are checked one by one against their type's schema, so an error names the trigger. */
const anyTriggerSchema = z.looseObject({ triggerName: z.string().min(1), triggerType: z.string().min(1) });

const customDomainSchema = z.looseObject({
  domainName: z.string().min(1),
  protocol: z.string().optional(),
  route: z.looseObject({
    path: z.string().startsWith('/'),
    methods: z.array(httpMethod).optional(),
    qualifier: z.string().default('LATEST'),
  }),
});

const fc3PropsSchema = z.looseObject({
  region: z.string().min(1),
  functionName: z.string().regex(/^[A-Za-z_][\w-]{0,127}$/, 'must start with a letter or _ and hold only letters, digits, _ and - (at most 128)'),
  runtime: z.string().min(1),
  code: z.union([z.string().min(1), z.looseObject({ src: z.string().min(1) })]),
  handler: z.string().regex(/^[^.]+(\.[^.]+)+$/, 'must be <file>.<export>, e.g. index.handler'),
  memorySize: z.number().int().min(128).max(32_768).multipleOf(64).default(512),
  timeout: z.number().int().min(1).max(86_400).default(3),
  instanceConcurrency: z.number().int().min(1).max(200).default(1),
  environmentVariables: z.record(z.string(), z.string()).default({}),
  triggers: z.array(anyTriggerSchema).default([]),
  customDomain: customDomainSchema.optional(),
});

const documentSchema = z.looseObject({
  edition: z.literal('3.0.0'),
  name: z.string().min(1),
  resources: z.record(z.string(), z.looseObject({ component: z.string().min(1), props: z.unknown() })),
});

type Fc3Props = z.infer<typeof fc3PropsSchema>;
type EventBridgeTrigger = z.infer<typeof eventBridgeTriggerSchema>;

function yamlPathOf(prefix: readonly (string | number)[], issuePath: readonly PropertyKey[]): string {
  return [...prefix, ...issuePath].map((segment) => String(segment)).join('.');
}

function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, prefix: readonly (string | number)[]): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const [first] = parsed.error.issues;
  const where = first === undefined ? yamlPathOf(prefix, []) : yamlPathOf(prefix, first.path);
  const others = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problem(s))` : '';
  throw new ServerlessYamlError(where, `${first?.message ?? 'invalid'}${others}`);
}

function queueNameFromArn(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

function toQueueTrigger(trigger: EventBridgeTrigger, yamlPath: string): QueueTrigger | undefined {
  const config = trigger.triggerConfig;
  if (config.eventSourceConfig.eventSourceType !== 'MNS') return undefined;
  const source = config.eventSourceConfig.eventSourceParameters.sourceMNSParameters;
  if (source === undefined) throw new ServerlessYamlError(`${yamlPath}.triggerConfig.eventSourceConfig.eventSourceParameters.sourceMNSParameters`, 'is required for eventSourceType MNS');
  const { runOptions } = config;
  return {
    triggerName: trigger.triggerName,
    enabled: config.triggerEnable,
    queueName: source.QueueName,
    isBase64Decode: source.IsBase64Decode,
    batchSize: runOptions.batchWindow?.CountBasedWindow ?? 1,
    batchWindowSeconds: runOptions.batchWindow?.TimeBasedWindow ?? 0,
    maximumTasks: runOptions.maximumTasks,
    retry: {
      maximumRetryAttempts: runOptions.retryStrategy?.MaximumRetryAttempts ?? 3,
      pushRetryStrategy: runOptions.retryStrategy?.PushRetryStrategy ?? 'BACKOFF_RETRY',
    },
    errorsTolerance: runOptions.errorsTolerance,
    deadLetterQueueName: runOptions.deadLetterQueue === undefined ? undefined : queueNameFromArn(runOptions.deadLetterQueue.Arn),
  };
}

function toFunction(resourceKey: string, props: Fc3Props, baseDir: string): FunctionDefinition {
  const propsPath = `resources.${resourceKey}.props`;
  const httpTriggers: HttpTrigger[] = [];
  const queueTriggers: QueueTrigger[] = [];
  props.triggers.forEach((trigger, index) => {
    if (trigger.triggerType === 'http') {
      const http = parseOrThrow(httpTriggerSchema, trigger, ['resources', resourceKey, 'props', 'triggers', index]);
      httpTriggers.push({ triggerName: http.triggerName, authType: http.triggerConfig.authType, methods: http.triggerConfig.methods });
    } else if (trigger.triggerType === 'eventbridge') {
      const eventBridge = parseOrThrow(eventBridgeTriggerSchema, trigger, ['resources', resourceKey, 'props', 'triggers', index]);
      const queue = toQueueTrigger(eventBridge, `${propsPath}.triggers.${index}`);
      if (queue !== undefined) queueTriggers.push(queue);
    }
  });
  const codePath = typeof props.code === 'string' ? props.code : props.code.src;
  const route: CustomDomainRoute | undefined =
    props.customDomain === undefined
      ? undefined
      : {
          domainName: props.customDomain.domainName,
          path: props.customDomain.route.path,
          methods: props.customDomain.route.methods ?? [],
          qualifier: props.customDomain.route.qualifier,
        };
  return {
    resourceKey,
    name: props.functionName,
    region: props.region,
    runtime: props.runtime,
    handler: props.handler,
    codeUri: path.resolve(baseDir, codePath),
    memorySize: props.memorySize,
    timeout: props.timeout,
    instanceConcurrency: props.instanceConcurrency,
    environmentVariables: props.environmentVariables,
    httpTriggers,
    customDomainRoute: route,
    queueTriggers,
  };
}

export interface ParseOptions {
  /** Directory relative `code` paths are resolved from (the directory of s.yaml). */
  baseDir: string;
  variables: VariableSources;
}

/**
 * Parses the text of an s.yaml into the functions it declares. Only `component: fc3` resources become
 * functions; other components (fc3-domain, ram…) are outside the local runtime.
 *
 * @example
 * const deployment = parseServerlessYaml(text, { baseDir: '/repo', variables: { env: process.env, config: {} } });
 * deployment.functions.map((fn) => fn.name);
 */
export function parseServerlessYaml(text: string, options: ParseOptions): Deployment {
  const parsed = parseDocument(text, { prettyErrors: true });
  const [yamlError] = parsed.errors;
  if (yamlError !== undefined) throw new ServerlessYamlError('', `not valid YAML: ${yamlError.message}`);
  const raw: unknown = parsed.toJS();
  const shape = parseOrThrow(documentSchema, raw, []);
  const resolved = resolveVariables(shape, options.variables);
  const document = parseOrThrow(documentSchema, resolved, []);
  const functions: FunctionDefinition[] = [];
  const names = new Map<string, string>();
  for (const [resourceKey, resource] of Object.entries(document.resources)) {
    if (resource.component !== 'fc3') continue;
    const props = parseOrThrow(fc3PropsSchema, resource.props, ['resources', resourceKey, 'props']);
    const previous = names.get(props.functionName);
    if (previous !== undefined) throw new ServerlessYamlError(`resources.${resourceKey}.props.functionName`, `${props.functionName} is also the name of resources.${previous}`);
    names.set(props.functionName, resourceKey);
    functions.push(toFunction(resourceKey, props, options.baseDir));
  }
  return { name: document.name, functions };
}

/** Reads and parses an s.yaml file; relative code paths resolve from its directory. */
export async function loadDeployment(yamlPath: string, variables: VariableSources): Promise<Deployment> {
  const text = await readFile(yamlPath, 'utf8');
  return parseServerlessYaml(text, { baseDir: path.dirname(path.resolve(yamlPath)), variables });
}
