import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { RenderError } from './errors.ts';

const run = promisify(execFile);

/**
 * Renders s.yaml with Serverless Devs' own `s preview` (the devDependency @serverless-devs/s), offline.
 *
 * `${config('AccountID')}` reads the credentials of the file's `access`. With none configured, `s preview`
 * leaves it unresolved; it also accepts a key pair from the environment: when AccountID, AccessKeyID and
 * AccessKeySecret are all set, they form the access `$system_environment_access` (@serverless-devs/s 3.1.10,
 * lib/index.js, `getEnvKeyPair`, KEY_PAIR_IMPORTANT). A fake pair is enough to render: `preview` calls no API.
 */

/** The account the offline rendering uses; the same id as the local runtime's. */
export const OFFLINE_CREDENTIALS = { AccountID: '1234567890123456', AccessKeyID: 'offline-preview', AccessKeySecret: 'offline-preview' } as const;

export interface RenderOptions {
  yamlPath: string;
  /** The repository root, whose node_modules/.bin/s is used. */
  sourceRoot: string;
  /** Extra environment for `${env('…')}`; the process environment is passed through. */
  env?: Readonly<Record<string, string>>;
}

export type RenderedDocument = Record<string, unknown>;

/**
 * @example
 * const rendered = await renderServerlessYaml({ yamlPath: '/repo/s.yaml', sourceRoot: '/repo' });
 * (rendered.resources as Record<string, unknown>)['scan-webhook'];
 */
export async function renderServerlessYaml(options: RenderOptions): Promise<RenderedDocument> {
  const binary = path.join(options.sourceRoot, 'node_modules', '.bin', 's');
  let stdout: string;
  try {
    ({ stdout } = await run(binary, ['preview', '-t', options.yamlPath, '--output', 'json'], {
      cwd: path.dirname(options.yamlPath),
      env: { ...process.env, ...options.env, ...OFFLINE_CREDENTIALS },
      timeout: 60_000,
      maxBuffer: 16 * 1024 * 1024,
    }));
  } catch (error) {
    const { stderr, stdout: partial } = error as { stderr?: string; stdout?: string };
    throw new RenderError(`${(stderr ?? '').trim()} ${(partial ?? '').trim()}`.trim() || String(error));
  }
  // s prints log lines (e.g. a warning about running as root) before the JSON document.
  const start = stdout.indexOf('{');
  if (start === -1) throw new RenderError(`no JSON in its output: ${stdout.slice(0, 300)}`);
  try {
    return JSON.parse(stdout.slice(start)) as RenderedDocument;
  } catch (error) {
    throw new RenderError(`its output is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}
