/**
 * The local Function Compute 3.0 runtime: reads s.yaml like `s deploy`, builds each function like
 * deployment, serves HTTP triggers and custom-domain routes on one gateway and plays MNS queue triggers.
 *
 * @example
 * import { startFcRuntime } from './infra/local/fc/index.ts';
 * const runtime = await startFcRuntime({ yamlPath: 's.yaml', env: { TABLESTORE_ENDPOINT: 'http://127.0.0.1:9001' }, mns: { endpoint: 'http://127.0.0.1:9002' } });
 * // … GET http://127.0.0.1:9000/v1/parcels/SF1234567890
 * await runtime.close();
 */
export { startFcRuntime, invokeOnce, LOCAL_ACCOUNT_ID, type FcRuntime, type FcRuntimeOptions, type InvokeOnceOptions } from './runtime.ts';
export { loadDeployment, parseServerlessYaml } from './serverless-yaml.ts';
export { resolveVariables, type VariableSources } from './variables.ts';
export { buildFunctions, functionOutDir, type BuildFunctionsOptions } from './build.ts';
export { findFunction, type Deployment, type FunctionDefinition, type HttpTrigger, type QueueTrigger, type CustomDomainRoute } from './deployment.ts';
export { LOCAL_CREDENTIALS, type FcContext, type FcCredentials, type FcLogger } from './fc-context.ts';
export type { HttpTriggerEvent, MnsQueueCloudEvent } from './events.ts';
export type { InvocationOutcome } from './instances.ts';
export { consoleLogSink, createConsoleLogSink, formatLogRecord, renderLogRecord, type LogRecord, type LogSink } from './logs.ts';
export { HTTP_LIMITS, STATS_PATH } from './gateway.ts';
export type { RouteTable } from './routes.ts';
export { ServerlessYamlError, UnresolvedVariableError, FunctionBuildError, FunctionNotFoundError } from './errors.ts';
