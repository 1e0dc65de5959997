import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogRecord } from '../../../infra/local/fc/logs.ts';
import { LOCAL_ACCOUNT_ID, startFcRuntime, type FcRuntime } from '../../../infra/local/fc/runtime.ts';

const yamlPath = path.resolve(import.meta.dirname, '../../fixtures/fc/s.yaml');
const CLI = fileURLToPath(new URL('../../../bin/parcelscan.mjs', import.meta.url));

interface CliRun {
  stdout: string;
  stderr: string;
  exitCode: number | null;
}

/** The environment of the developer's shell, without any real Alibaba Cloud credentials it may hold. */
function shellEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined && !name.startsWith('ALIBABA_CLOUD_') && name !== 'PARCELSCAN_REGION') env[name] = value;
  return env;
}

const localKeys = { ALIBABA_CLOUD_ACCESS_KEY_ID: 'local', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'local-secret', ALIBABA_CLOUD_ACCOUNT_ID: LOCAL_ACCOUNT_ID };

/** `parcelscan <args>` as a real process, to its exit. */
function runCli(args: string[], env: Record<string, string>, stdin = ''): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (exitCode) => resolve({ stdout, stderr, exitCode }));
    child.stdin.end(stdin);
  });
}

interface EchoAnswer {
  statusCode: number;
  body: string;
}

describe('parcelscan invoke --remote, against the local gateway', () => {
  let runtime: FcRuntime;
  let endpoint: string;
  let workDir: string;
  const logs: LogRecord[] = [];

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'fc-invoke-remote-test-'));
    runtime = await startFcRuntime({ yamlPath, outDir: path.join(workDir, 'dist'), gateway: { port: 0 }, log: (record) => logs.push(record) });
    endpoint = runtime.url ?? '';
  });

  afterAll(async () => {
    await runtime.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it('invokes the function named by its s.yaml resource key and prints its result, the FC request id and its decoded log tail', async () => {
    const eventFile = path.join(workDir, 'event.json');
    await writeFile(eventFile, JSON.stringify({ rawPath: '/v1/echo', hello: 'hub' }));
    const run = await runCli(['invoke', 'echo', '--remote', '--endpoint', endpoint, '-t', yamlPath, '--event', eventFile], { ...shellEnvironment(), ...localKeys });

    expect(run.exitCode).toBe(0);
    const printed = JSON.parse(run.stdout) as EchoAnswer;
    expect(printed.statusCode).toBe(200);
    const answer = JSON.parse(printed.body) as { event: unknown; context: { requestId: string; function: { name: string } } };
    expect(answer.event).toEqual({ rawPath: '/v1/echo', hello: 'hub' });
    expect(answer.context.function.name).toBe('fixture-echo');
    const { requestId } = answer.context;
    expect(run.stderr).toContain(`FC request id: ${requestId}\n`);
    expect(run.stderr).toContain(`FC Invoke Start RequestId: ${requestId}\n`);
    expect(run.stderr).toMatch(new RegExp(`\\S+Z ${requestId} \\[log\\] echo handling ${requestId}\\n`));
    expect(run.stderr).toContain('logger line');
    expect(run.stderr).toContain(`FC Invoke End RequestId: ${requestId}\n`);
  });

  it('reads the event from standard input, prints the function error on stderr and exits 1 (x-fc-error-type)', async () => {
    const run = await runCli(['invoke', 'fixture-boom', '--remote', '--endpoint', endpoint, '-t', yamlPath, '--event', '-'], { ...shellEnvironment(), ...localKeys }, '{"waybillNo":""}');

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/FC request id: 1-[0-9a-f]{8}-/);
    expect(run.stderr).toContain('UnhandledInvocationError: {');
    expect(run.stderr).toContain('"errorMessage": "scan rejected: waybill number missing"');
    expect(run.stderr).toContain('"errorType": "TypeError"');
  });

  it('is refused with SignatureNotMatch when the secret is not the one the endpoint knows', async () => {
    const run = await runCli(['invoke', 'echo', '--remote', '--endpoint', endpoint, '-t', yamlPath], { ...shellEnvironment(), ...localKeys, ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'not-the-secret' });

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^parcelscan invoke --remote: Function Compute answered 403 SignatureNotMatch: .*signature differs.*\(request id 1-/);
  });

  it('names every missing variable and calls nothing', async () => {
    const before = logs.length;
    const run = await runCli(['invoke', 'echo', '--remote', '--endpoint', endpoint, '-t', yamlPath], { ...shellEnvironment(), ALIBABA_CLOUD_ACCESS_KEY_ID: 'local' });

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe('parcelscan invoke --remote: cannot reach the deployed functions: ALIBABA_CLOUD_ACCESS_KEY_SECRET is not set; ALIBABA_CLOUD_ACCOUNT_ID is not set\n');
    expect(logs.slice(before).filter((record) => record.message.includes('/2023-03-30/'))).toEqual([]);
  });

  it('names a function s.yaml does not declare', async () => {
    const run = await runCli(['invoke', 'parcel-nowhere', '--remote', '--endpoint', endpoint, '-t', yamlPath], { ...shellEnvironment(), ...localKeys });

    expect(run).toEqual({ stdout: '', stderr: "parcelscan invoke --remote: function 'parcel-nowhere' does not exist in s.yaml\n", exitCode: 1 });
  });

  it('refuses local-only options with --remote', async () => {
    const run = await runCli(['invoke', 'echo', '--remote', '--env', 'A=1', '-t', yamlPath], { ...shellEnvironment(), ...localKeys });

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('--env applies to local invocations only');
  });
});
