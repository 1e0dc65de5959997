import { describe, expect, it } from 'vitest';
import type { Deployment, FunctionDefinition } from '../../../infra/local/fc/deployment.ts';
import { buildRouteTable, matchRoute, routeSpecificity } from '../../../infra/local/fc/routes.ts';

function fn(name: string, route?: { path: string; methods?: FunctionDefinition['httpTriggers'][number]['methods'] }, httpMethods: FunctionDefinition['httpTriggers'][number]['methods'] = ['GET', 'POST']): FunctionDefinition {
  return {
    resourceKey: name,
    name,
    region: 'cn-hangzhou',
    runtime: 'nodejs20',
    handler: 'index.handler',
    codeUri: `/repo/dist/functions/${name}`,
    memorySize: 512,
    timeout: 3,
    instanceConcurrency: 1,
    environmentVariables: {},
    httpTriggers: httpMethods.length === 0 ? [] : [{ triggerName: 'http', authType: 'anonymous', methods: httpMethods }],
    customDomainRoute: route === undefined ? undefined : { domainName: 'api.parcelscan.test', path: route.path, methods: route.methods ?? [], qualifier: 'LATEST' },
    queueTriggers: [],
  };
}

const deployment: Deployment = {
  name: 'parcelscan',
  functions: [
    fn('scan-webhook', { path: '/v1/scans', methods: ['POST'] }),
    fn('parcel-query', { path: '/v1/parcels/*', methods: ['GET'] }),
    fn('parcel-special', { path: '/v1/parcels/special' }),
    fn('track', { path: '/track*' }),
    fn('catch-all', { path: '/*' }),
    fn('queue-only', undefined, []),
  ],
};
const table = buildRouteTable(deployment);

describe('routeSpecificity', () => {
  it('ranks an exact path above any wildcard and longer prefixes above shorter', () => {
    expect(routeSpecificity('/v1/scans', '/v1/scans')).toBeGreaterThan(routeSpecificity('/v1/*', '/v1/scans'));
    expect(routeSpecificity('/v1/parcels/*', '/v1/parcels/SF1')).toBeGreaterThan(routeSpecificity('/*', '/v1/parcels/SF1'));
    expect(routeSpecificity('/v1/parcels/*', '/v1/parcels')).toBe(-1);
    expect(routeSpecificity('/v1/scans', '/v1/scans/x')).toBe(-1);
  });
});

describe('matchRoute', () => {
  it('sends a custom-domain path to its function with the whole path and query', () => {
    expect(matchRoute(table, 'POST', '/v1/scans?source=hub')).toEqual({ kind: 'function', functionName: 'scan-webhook', domainName: 'api.parcelscan.test', url: '/v1/scans?source=hub' });
  });

  it('prefers the exact route to a wildcard, and the longest wildcard to a shorter one', () => {
    expect(matchRoute(table, 'GET', '/v1/parcels/special')).toMatchObject({ functionName: 'parcel-special' });
    expect(matchRoute(table, 'GET', '/v1/parcels/SF1')).toMatchObject({ functionName: 'parcel-query' });
    expect(matchRoute(table, 'GET', '/tracking/SF1')).toMatchObject({ functionName: 'track' });
    expect(matchRoute(table, 'GET', '/elsewhere')).toMatchObject({ functionName: 'catch-all' });
  });

  it('skips a route whose methods do not include the request method', () => {
    expect(matchRoute(table, 'DELETE', '/v1/parcels/SF1')).toMatchObject({ functionName: 'catch-all' });
  });

  it('serves each function with an HTTP trigger at /{functionName}/, stripping the prefix like a function URL', () => {
    expect(matchRoute(table, 'GET', '/parcel-query/v1/parcels/SF1?x=1')).toEqual({ kind: 'function', functionName: 'parcel-query', domainName: 'parcel-query.cn-hangzhou.fcapp.run', url: '/v1/parcels/SF1?x=1' });
    expect(matchRoute(table, 'GET', '/parcel-query')).toMatchObject({ url: '/' });
  });

  it('answers method-not-allowed for a function URL called with a method its trigger lacks', () => {
    expect(matchRoute(table, 'PUT', '/scan-webhook/')).toEqual({ kind: 'method-not-allowed', functionName: 'scan-webhook', allowed: ['GET', 'POST'] });
  });

  it('does not expose a function without an HTTP trigger', () => {
    const noCatchAll = buildRouteTable({ name: 'x', functions: deployment.functions.filter((f) => f.name !== 'catch-all') });
    expect(matchRoute(noCatchAll, 'GET', '/queue-only/')).toEqual({ kind: 'not-found' });
    expect(matchRoute(noCatchAll, 'PUT', '/v1/scans')).toEqual({ kind: 'method-not-allowed', functionName: 'scan-webhook', allowed: ['POST'] });
  });
});
