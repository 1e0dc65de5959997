import { describe, expect, it } from 'vitest';
import { UnresolvedVariableError } from '../../../infra/local/fc/errors.ts';
import { resolveVariables, type VariableSources } from '../../../infra/local/fc/variables.ts';

const sources: VariableSources = { env: { PS_TABLE: 'scans', EMPTY: '' }, config: { AccountID: '1234567890123456' } };

function resolveProps(props: Record<string, unknown>, vars: Record<string, unknown> = {}, extraSources: Partial<VariableSources> = {}): Record<string, unknown> {
  const resolved = resolveVariables({ vars, resources: { scan: { component: 'fc3', props } } }, { ...sources, ...extraSources });
  return ((resolved.resources as Record<string, { props: Record<string, unknown> }>).scan ?? { props: {} }).props;
}

function failure(run: () => unknown): UnresolvedVariableError {
  try {
    run();
  } catch (error) {
    if (error instanceof UnresolvedVariableError) return error;
    throw error;
  }
  throw new Error('expected an UnresolvedVariableError');
}

describe('resolveVariables (Serverless Devs 3 `${…}`)', () => {
  it('keeps the type of a value that is a single expression, as s preview does', () => {
    expect(resolveProps({ memorySize: '${vars.memory}', layers: '${vars.layers}' }, { memory: 512, layers: ['a', 'b'] })).toEqual({ memorySize: 512, layers: ['a', 'b'] });
  });

  it('interpolates expressions inside text as strings', () => {
    expect(resolveProps({ functionName: '${vars.prefix}-scan-${vars.n}' }, { prefix: 'parcelscan', n: 3 })).toEqual({ functionName: 'parcelscan-scan-3' });
  });

  it("reads env('X') and falls back to the default when X is unset or empty", () => {
    expect(resolveProps({ a: "${env('PS_TABLE')}", b: "${env('MISSING', 'dflt')}", c: '${env("EMPTY", "fallback")}' })).toEqual({ a: 'scans', b: 'dflt', c: 'fallback' });
  });

  it("fails on env('X') with no default when X is unset, naming the variable and the YAML path", () => {
    const error = failure(() => resolveProps({ environmentVariables: { ENDPOINT: "${env('OTS_ENDPOINT')}" } }));
    expect(error.variable).toBe("${env('OTS_ENDPOINT')}");
    expect(error.yamlPath).toBe('resources.scan.props.environmentVariables.ENDPOINT');
  });

  it('refuses ${env.X}, which Serverless Devs 3 does not take from the process environment', () => {
    expect(failure(() => resolveProps({ home: '${env.HOME}' })).message).toContain("${env('HOME')}");
  });

  it('resolves this.props and this.name inside a resource, following variables they hold', () => {
    expect(resolveProps({ functionName: '${vars.prefix}-scan', environmentVariables: { SELF: '${this.props.functionName}', KEY: '${this.name}' } }, { prefix: 'ps' })).toEqual({
      functionName: 'ps-scan',
      environmentVariables: { SELF: 'ps-scan', KEY: 'scan' },
    });
  });

  it("resolves another resource's props and config('AccountID')", () => {
    const resolved = resolveVariables(
      {
        resources: {
          scan: { props: { region: 'cn-shanghai' } },
          query: { props: { region: '${resources.scan.props.region}', role: "acs:ram::${config('AccountID')}:role/fc" } },
        },
      },
      sources,
    );
    expect(resolved.resources).toEqual({ scan: { props: { region: 'cn-shanghai' } }, query: { props: { region: 'cn-shanghai', role: 'acs:ram::1234567890123456:role/fc' } } });
  });

  it('names an unknown variable and where it is used', () => {
    const error = failure(() => resolveProps({ timeout: '${vars.nope}' }));
    expect(error.message).toBe('resources.scan.props.timeout: ${vars.nope} not found');
  });

  it('rejects outputs of deployed resources, which only exist after s deploy', () => {
    expect(failure(() => resolveProps({ url: '${resources.scan.output.url}' })).message).toContain('only exists after s deploy');
  });

  it('reports a circular reference instead of looping', () => {
    expect(failure(() => resolveProps({}, { a: '${vars.b}', b: '${vars.a}' })).message).toContain('circular');
  });
});
