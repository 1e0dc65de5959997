import { readFile } from 'node:fs/promises';
import { SchemaValidatorUnavailableError } from './errors.ts';

/**
 * Validates rendered fc3 props against the fc3 component's own JSON Schema (draft-07), copied in
 * infra/schema/ (see its README), with Ajv, the JSON-Schema validator the component itself uses.
 *
 * Ajv is the devDependency `ajv` (^8). It is loaded by name rather than imported so that this file typechecks
 * and the rest of the suite runs on a checkout whose node_modules predates that devDependency (issue 6); the
 * verification then fails with SchemaValidatorUnavailableError instead of passing unchecked. The small
 * interface below is the part of Ajv's API used here (`new Ajv(options)`, `compile`, `errors`).
 */

export interface SchemaViolation {
  /** JSON pointer into the props, e.g. `/provisionConfig/scheduledActions/0/target`; empty for the props object. */
  instancePath: string;
  message: string;
}

export type PropsValidator = (props: unknown) => SchemaViolation[];

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

interface AjvValidateFunction {
  (data: unknown): boolean;
  errors?: AjvError[] | null;
}

interface AjvInstance {
  compile(schema: object): AjvValidateFunction;
}

type AjvConstructor = new (options: { allErrors: boolean; strict: boolean; strictRequired: boolean }) => AjvInstance;

const AJV_PACKAGE: string = 'ajv';

export const FC3_PROPS_SCHEMA = new URL('../schema/fc3-props.schema.json', import.meta.url);

async function loadAjv(): Promise<AjvConstructor> {
  let loaded: { default?: unknown; Ajv?: unknown };
  try {
    loaded = (await import(AJV_PACKAGE)) as { default?: unknown; Ajv?: unknown };
  } catch (error) {
    throw new SchemaValidatorUnavailableError(AJV_PACKAGE, error instanceof Error ? error.message : String(error));
  }
  // Ajv 8 is CommonJS: its class is module.exports, `.default` and `.Ajv` all at once.
  const candidate = loaded.Ajv ?? loaded.default;
  if (typeof candidate !== 'function') throw new SchemaValidatorUnavailableError(AJV_PACKAGE, 'the package does not export the Ajv class');
  return candidate as AjvConstructor;
}

/** Ajv reports `required` at the parent; name the missing property itself, as a reader looks for it. */
function violationOf(error: AjvError): SchemaViolation {
  const missing = error.keyword === 'required' ? error.params.missingProperty : undefined;
  if (typeof missing === 'string') return { instancePath: `${error.instancePath}/${missing}`, message: 'is required' };
  const allowed = error.keyword === 'enum' ? error.params.allowedValues : undefined;
  const detail = Array.isArray(allowed) ? `must be one of ${allowed.map((value) => JSON.stringify(value)).join(', ')}` : (error.message ?? error.keyword);
  return { instancePath: error.instancePath, message: detail };
}

/**
 * @example
 * const validate = await loadPropsValidator();
 * validate({ region: 'cn-hangzhou', functionName: 'f', runtime: 'nodejs20', code: './dist', handler: 'index.handler', memorySize: 100 });
 * // [{ instancePath: '/memorySize', message: 'must be multiple of 64' }, …]
 */
export async function loadPropsValidator(schemaUrl: URL = FC3_PROPS_SCHEMA): Promise<PropsValidator> {
  const Ajv = await loadAjv();
  const schema = JSON.parse(await readFile(schemaUrl, 'utf8')) as object;
  // Strict, but for strictRequired: the schema's if/then/else lists in `then` required props that are defined
  // at the top level (valid JSON Schema; Ajv's strict mode wants them defined in the same subschema).
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
  const validate = ajv.compile(schema);
  return (props) => {
    if (validate(props)) return [];
    const violations = (validate.errors ?? []).map(violationOf);
    // anyOf/if-then-else report each branch; keep one line per distinct problem.
    const seen = new Set<string>();
    return violations.filter((violation) => {
      const key = `${violation.instancePath} ${violation.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  };
}
