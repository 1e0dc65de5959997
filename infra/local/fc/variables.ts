import { UnresolvedVariableError } from './errors.ts';

/**
 * Resolves the `${…}` expressions of a Serverless Devs 3 description file (s.yaml, `edition: 3.0.0`) the way
 * `s preview` / `s deploy` do. Serverless Devs 3 (`@serverless-devs/s` 3.1.10, package `parse-spec`) compiles
 * each `${expr}` as a template expression; a value that is a single `${expr}` keeps the type of what it names
 * (`memorySize: ${vars.memory}` stays a number), a value mixing text and expressions becomes a string.
 * Sources it offers (https://github.com/Serverless-Devs/Serverless-Devs/blob/master/docs/zh/yaml.md, "变量赋值"):
 * - `${vars.a.b}`: the file's global `vars`;
 * - `${env('NAME')}`, `${env('NAME', 'default')}`: the process environment; the default applies when the
 *   variable is unset or empty, and with no default a missing variable is an error (`env('NAME') not found`);
 * - `${this.props.x}`, `${this.name}`: the current resource's props and key;
 * - `${resources.key.props.x}`: another resource's props;
 * - `${config('AccountID')}`: the configured account (`s config`), here the local runtime's credentials.
 * Checked offline against `s preview` 3.1.10: `${env.HOME}` is NOT the process environment (it fails with
 * `${env.HOME} not found`), a missing `${vars.x}` fails with `${vars.x} not found`, and `${resources.k.output.*}`
 * only exists after a deploy. Anything else is rejected here with the variable and its YAML path named.
 */

export interface VariableSources {
  /** The environment `${env('X')}` reads (usually `process.env`). */
  env: Readonly<Record<string, string | undefined>>;
  /** What `${config('Key')}` returns: AccountID, AccessKeyID, AccessKeySecret… */
  config: Readonly<Record<string, string>>;
}

const EXPRESSION = /\$\{([^}]*)\}/g;
const SINGLE_EXPRESSION = /^\$\{([^}]*)\}$/;
const QUOTED = String.raw`(?:'([^']*)'|"([^"]*)")`;
const FUNCTION_CALL = new RegExp(String.raw`^(env|config)\(\s*${QUOTED}\s*(?:,\s*${QUOTED}\s*)?\)$`);
const DOTTED_PATH = /^[A-Za-z_$][\w$-]*(\.[\w$-]+)*$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function joinPath(path: readonly string[]): string {
  return path.join('.');
}

/**
 * Returns a copy of the parsed description file with every `${…}` replaced.
 *
 * @example
 * resolveVariables({ vars: { region: 'cn-hangzhou' }, resources: { f: { props: { region: '${vars.region}' } } } },
 *   { env: process.env, config: { AccountID: '1234' } });
 * // → { vars: {…}, resources: { f: { props: { region: 'cn-hangzhou' } } } }
 */
export function resolveVariables(document: Record<string, unknown>, sources: VariableSources): Record<string, unknown> {
  const resolving = new Set<string>();

  function child(node: unknown, segment: string): unknown {
    if (Array.isArray(node) && /^\d+$/.test(segment)) return node[Number(segment)];
    if (isRecord(node)) return node[segment];
    return undefined;
  }

  /** The resolved value at `target`; a variable naming part of another variable's value works too. */
  function resolvedAt(target: readonly string[], from: string, variable: string): unknown {
    let node: unknown = document;
    for (let depth = 1; depth <= target.length; depth += 1) {
      node = child(node, target[depth - 1] ?? '');
      if (node === undefined) return undefined;
      if (typeof node === 'string' && depth < target.length) node = resolveNode(node, target.slice(0, depth), from, variable);
    }
    return resolveNode(node, target, from, variable);
  }

  function resolveNode(node: unknown, path: readonly string[], from: string, variable: string): unknown {
    const key = joinPath(path);
    if (resolving.has(key)) throw new UnresolvedVariableError(from, variable, `is circular: it depends on ${key}, which depends on it`);
    resolving.add(key);
    try {
      return resolveValue(node, path);
    } finally {
      resolving.delete(key);
    }
  }

  function resourceKeyOf(path: readonly string[]): string | undefined {
    return path[0] === 'resources' ? path[1] : undefined;
  }

  function evaluate(expression: string, path: readonly string[]): unknown {
    const where = joinPath(path);
    const variable = '${' + expression + '}';
    const trimmed = expression.trim();
    const call = FUNCTION_CALL.exec(trimmed);
    if (call !== null) {
      const [, fn, nameSingle, nameDouble, defaultSingle, defaultDouble] = call;
      const name = nameSingle ?? nameDouble ?? '';
      const fallback = defaultSingle ?? defaultDouble;
      if (fn === 'env') {
        const value = sources.env[name];
        if (value !== undefined && value !== '') return value;
        if (fallback !== undefined) return fallback;
        throw new UnresolvedVariableError(where, variable, `not found: environment variable ${name} is not set and has no default`);
      }
      const value = sources.config[name];
      if (value !== undefined) return value;
      throw new UnresolvedVariableError(where, variable, `not found: config key ${name} is not configured`);
    }
    if (!DOTTED_PATH.test(trimmed)) throw new UnresolvedVariableError(where, variable, 'is not an expression the local runtime resolves (use vars.*, env(), this.*, resources.*.props.*, config())');
    const segments = trimmed.split('.');
    const [root, ...rest] = segments;
    if (root === 'env') throw new UnresolvedVariableError(where, variable, `not found: Serverless Devs 3 does not read the process environment through env.*; write \${env('${rest.join('.')}')}`);
    let target: string[];
    if (root === 'vars') target = segments;
    else if (root === 'this') {
      const resourceKey = resourceKeyOf(path);
      if (resourceKey === undefined) throw new UnresolvedVariableError(where, variable, 'not found: this.* only exists inside a resource');
      if (rest.length === 1 && rest[0] === 'name') return resourceKey;
      target = ['resources', resourceKey, ...rest];
    } else if (root === 'resources') {
      if (rest[1] === 'output' || rest[1] === 'info') throw new UnresolvedVariableError(where, variable, 'not found: it is the output of a deployed resource, which only exists after s deploy');
      target = segments;
    } else throw new UnresolvedVariableError(where, variable, 'not found: unknown variable source');
    const value = resolvedAt(target, where, variable);
    if (value === undefined || value === null) throw new UnresolvedVariableError(where, variable, 'not found');
    return value;
  }

  function resolveString(text: string, path: readonly string[]): unknown {
    const single = SINGLE_EXPRESSION.exec(text);
    if (single !== null) return evaluate(single[1] ?? '', path);
    return text.replace(EXPRESSION, (_match, expression: string) => {
      const value = evaluate(expression, path);
      if (typeof value === 'object' && value !== null) throw new UnresolvedVariableError(joinPath(path), '${' + expression + '}', 'is an object or list and cannot be embedded in text');
      return String(value);
    });
  }

  function resolveValue(node: unknown, path: readonly string[]): unknown {
    if (typeof node === 'string') return resolveString(node, path);
    if (Array.isArray(node)) return node.map((item, index) => resolveValue(item, [...path, String(index)]));
    if (isRecord(node)) {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(node)) out[key] = resolveValue(value, [...path, key]);
      return out;
    }
    return node;
  }

  return resolveValue(document, []) as Record<string, unknown>;
}
