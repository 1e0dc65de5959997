import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { resolveVariables } from '../../../infra/local/fc/variables.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../../..');
const fixture = path.join(root, 'test/fixtures/fc/s-variables.yaml');
const variablesEnv = { PS_VARIABLES_INSTANCE: 'parcelscan-dev', PS_VARIABLES_QUEUE: '' };

/**
 * `s preview` renders s.yaml offline; it is the reference for variable resolution (issue 3). The runtime
 * never calls it: this test only checks that both read the fixture the same way.
 */
describe('variable resolution matches `s preview` (Serverless Devs 3)', () => {
  it('renders the fixture exactly as s preview does', async () => {
    const { stdout } = await run(path.join(root, 'node_modules/.bin/s'), ['preview', '-t', fixture, '--output', 'json'], {
      cwd: path.dirname(fixture),
      env: { ...process.env, ...variablesEnv },
      timeout: 60_000,
    });
    const rendered = JSON.parse(stdout.slice(stdout.indexOf('{'))) as Record<string, unknown>;
    const document = parseDocument(readFileSync(fixture, 'utf8')).toJS() as Record<string, unknown>;
    const ours = resolveVariables(document, { env: { ...variablesEnv }, config: {} });
    expect(ours.resources).toEqual(rendered.resources);
    expect(ours.vars).toEqual(rendered.vars);
  });
});
