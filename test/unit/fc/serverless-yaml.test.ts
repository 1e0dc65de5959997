import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findFunction } from '../../../infra/local/fc/deployment.ts';
import { ServerlessYamlError } from '../../../infra/local/fc/errors.ts';
import { parseServerlessYaml } from '../../../infra/local/fc/serverless-yaml.ts';

const fixtureDir = path.resolve(import.meta.dirname, '../../fixtures/fc');
const fixtureText = readFileSync(path.join(fixtureDir, 's.yaml'), 'utf8');
const variables = { env: {}, config: { AccountID: '1234567890123456' } };

function parseError(text: string): ServerlessYamlError {
  try {
    parseServerlessYaml(text, { baseDir: '/repo', variables });
  } catch (error) {
    if (error instanceof ServerlessYamlError) return error;
    throw error;
  }
  throw new Error('expected a ServerlessYamlError');
}

function withProps(props: string): string {
  return ['edition: 3.0.0', 'name: t', 'resources:', '  scan:', '    component: fc3', '    props:', ...props.split('\n').map((line) => `      ${line}`)].join('\n');
}

const minimalProps = 'region: cn-hangzhou\nfunctionName: scan\nruntime: nodejs20\ncode: ./dist/functions/scan\nhandler: index.handler';

describe('parseServerlessYaml', () => {
  const deployment = parseServerlessYaml(fixtureText, { baseDir: fixtureDir, variables });

  it('reads every fc3 function with its resolved props', () => {
    expect(deployment.name).toBe('parcelscan-fc-fixture');
    expect(deployment.functions.map((fn) => fn.name)).toEqual(['fixture-echo', 'fixture-counter', 'fixture-slow', 'fixture-boom', 'fixture-answers', 'fixture-consumer']);
    const echo = findFunction(deployment, 'echo');
    expect(echo).toMatchObject({
      resourceKey: 'echo',
      name: 'fixture-echo',
      region: 'cn-hangzhou',
      runtime: 'nodejs20',
      handler: 'index.handler',
      codeUri: path.join(fixtureDir, 'dist/functions/echo'),
      memorySize: 256,
      timeout: 5,
      instanceConcurrency: 1,
      environmentVariables: { STAGE: 'local', ROLE_ARN: 'acs:ram::1234567890123456:role/parcelscan-fc', SELF: 'fixture-echo' },
      httpTriggers: [{ triggerName: 'http', authType: 'anonymous', methods: ['GET', 'POST', 'PUT'] }],
      customDomainRoute: { domainName: 'api.parcelscan.test', path: '/v1/echo/*', methods: ['GET', 'POST'], qualifier: 'LATEST' },
      queueTriggers: [],
    });
  });

  it('applies the fc3 schema defaults: 512 MB, 3 s, one request per instance', () => {
    expect(findFunction(deployment, 'fixture-boom')).toMatchObject({ memorySize: 512, timeout: 3, instanceConcurrency: 1, customDomainRoute: undefined });
  });

  it('reads an MNS queue trigger from its eventbridge trigger', () => {
    expect(findFunction(deployment, 'consumer')?.queueTriggers).toEqual([
      {
        triggerName: 'scans-queue',
        enabled: true,
        queueName: 'fixture-scans',
        isBase64Decode: true,
        batchSize: 3,
        batchWindowSeconds: 1,
        maximumTasks: 1,
        retry: { maximumRetryAttempts: 2, pushRetryStrategy: 'BACKOFF_RETRY' },
        errorsTolerance: 'ALL',
        deadLetterQueueName: 'fixture-scans-dlq',
      },
    ]);
  });

  it('takes queue names from the environment through ${env()}', () => {
    const named = parseServerlessYaml(fixtureText, { baseDir: fixtureDir, variables: { ...variables, env: { FIXTURE_QUEUE: 'hub-scans' } } });
    expect(findFunction(named, 'consumer')?.queueTriggers[0]).toMatchObject({ queueName: 'hub-scans', deadLetterQueueName: 'hub-scans-dlq' });
  });

  it('names the YAML path of a prop that breaks the fc3 schema', () => {
    const error = parseError(withProps(`${minimalProps}\nmemorySize: 100`));
    expect(error.yamlPath).toBe('resources.scan.props.memorySize');
  });

  it('names the trigger whose config is wrong', () => {
    const error = parseError(withProps(`${minimalProps}\ntriggers:\n  - triggerName: http\n    triggerType: http\n    triggerConfig: { authType: anonymous, methods: [FETCH] }`));
    expect(error.yamlPath).toBe('resources.scan.props.triggers.0.triggerConfig.methods.0');
  });

  it('requires a handler of the form file.export', () => {
    expect(parseError(withProps(minimalProps.replace('index.handler', 'handler'))).yamlPath).toBe('resources.scan.props.handler');
  });

  it('rejects an edition other than 3.0.0', () => {
    expect(parseError(withProps(minimalProps).replace('3.0.0', '1.0.0')).yamlPath).toBe('edition');
  });

  it('rejects two resources with one function name', () => {
    const text = `${withProps(minimalProps)}\n  again:\n    component: fc3\n    props:\n${minimalProps
      .split('\n')
      .map((line) => `      ${line}`)
      .join('\n')}`;
    expect(parseError(text).message).toContain('also the name of resources.scan');
  });

  it('reports YAML syntax errors', () => {
    expect(parseError('edition: [3.0.0').message).toContain('not valid YAML');
  });
});
