import type { Deployment, FunctionDefinition, HttpMethod } from './deployment.ts';

/**
 * Where the gateway sends a request. Two ways in, as in production:
 * - the custom-domain route table (fc3 `customDomain.route`, one domain shared by the API functions): an
 *   exact path wins over a wildcard; among wildcards (`/v1/parcels/*`, `/track*`) the longest prefix wins —
 *   RouteConfig/PathConfig, https://www.alibabacloud.com/help/en/fc/developer-reference/api-fc-open-2021-04-06-struct-routeconfig;
 * - each function with an HTTP trigger at `/{functionName}/…`, standing for its own function URL
 *   (`https://<id>.<region>.fcapp.run/…`): the function sees the path after its name.
 * The function-URL prefix is tried first, so a custom route like `/*` cannot hide a function.
 */

export interface RouteEntry {
  functionName: string;
  path: string;
  methods: readonly HttpMethod[];
  domainName: string;
}

export interface RouteTable {
  routes: readonly RouteEntry[];
  functionUrls: ReadonlyMap<string, { methods: readonly HttpMethod[]; domainName: string }>;
}

export type RouteMatch =
  | { kind: 'function'; functionName: string; domainName: string; /** path and query the function sees */ url: string }
  | { kind: 'method-not-allowed'; functionName: string; allowed: readonly HttpMethod[] }
  | { kind: 'not-found' };

/** The domain a function URL would have; its first label stands for the trigger id. */
export function functionUrlDomain(fn: FunctionDefinition): string {
  return `${fn.name}.${fn.region}.fcapp.run`;
}

export function buildRouteTable(deployment: Deployment): RouteTable {
  const routes: RouteEntry[] = [];
  const functionUrls = new Map<string, { methods: readonly HttpMethod[]; domainName: string }>();
  for (const fn of deployment.functions) {
    const route = fn.customDomainRoute;
    if (route !== undefined) routes.push({ functionName: fn.name, path: route.path, methods: route.methods, domainName: route.domainName });
    const methods = [...new Set(fn.httpTriggers.flatMap((trigger) => trigger.methods))];
    if (fn.httpTriggers.length > 0) functionUrls.set(fn.name, { methods, domainName: functionUrlDomain(fn) });
  }
  return { routes, functionUrls };
}

/** How specific a route is for `path`, or -1 if it does not match: exact beats any wildcard. */
export function routeSpecificity(routePath: string, path: string): number {
  if (routePath.endsWith('*')) {
    const prefix = routePath.slice(0, -1);
    return path.startsWith(prefix) ? prefix.length : -1;
  }
  return routePath === path ? Number.MAX_SAFE_INTEGER : -1;
}

function allows(methods: readonly HttpMethod[], method: string): boolean {
  return methods.length === 0 || (methods as readonly string[]).includes(method);
}

/**
 * @example
 * matchRoute(table, 'GET', '/v1/parcels/SF1?x=1');
 * // { kind: 'function', functionName: 'parcel-query', domainName: 'api.example.com', url: '/v1/parcels/SF1?x=1' }
 */
export function matchRoute(table: RouteTable, method: string, url: string, requestHost?: string): RouteMatch {
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  const query = queryStart === -1 ? '' : url.slice(queryStart);

  const firstSegment = /^\/([^/]+)/.exec(path)?.[1];
  const functionUrl = firstSegment === undefined ? undefined : table.functionUrls.get(firstSegment);
  if (firstSegment !== undefined && functionUrl !== undefined) {
    if (!allows(functionUrl.methods, method)) return { kind: 'method-not-allowed', functionName: firstSegment, allowed: functionUrl.methods };
    const rest = path.slice(firstSegment.length + 1);
    return { kind: 'function', functionName: firstSegment, domainName: functionUrl.domainName, url: `${rest === '' ? '/' : rest}${query}` };
  }

  // One pass, as a stable sort by specificity would rank them: the most specific route that allows the method,
  // and the most specific of all for a 405; the first listed wins a tie.
  let best: RouteEntry | undefined;
  let bestSpecificity = -1;
  let closest: RouteEntry | undefined;
  let closestSpecificity = -1;
  for (const route of table.routes) {
    const specificity = routeSpecificity(route.path, path);
    if (specificity > closestSpecificity) {
      closest = route;
      closestSpecificity = specificity;
    }
    if (specificity > bestSpecificity && allows(route.methods, method)) {
      best = route;
      bestSpecificity = specificity;
    }
  }
  if (best !== undefined) {
    const domainName = best.domainName === 'auto' ? (requestHost ?? 'auto') : best.domainName;
    return { kind: 'function', functionName: best.functionName, domainName, url };
  }
  if (closest !== undefined) return { kind: 'method-not-allowed', functionName: closest.functionName, allowed: closest.methods };
  return { kind: 'not-found' };
}
