import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeCommand, type InvokeIo } from '../../../infra/local/commands/invoke.ts';

const yamlPath = path.resolve(import.meta.dirname, '../../fixtures/fc/s.yaml');

interface Captured {
  stdout: string;
  stderr: string;
  exitCode: number;
}

async function run(args: string[], stdin = ''): Promise<Captured> {
  const captured: Captured = { stdout: '', stderr: '', exitCode: 0 };
  const io: InvokeIo = {
    stdout: (data) => {
      captured.stdout += typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
    },
    stderr: (text) => {
      captured.stderr += text;
    },
    setExitCode: (code) => {
      captured.exitCode = code;
    },
    readStdin: () => Promise.resolve(Buffer.from(stdin)),
  };
  await invokeCommand(io).parseAsync(args, { from: 'user' });
  return captured;
}

describe('parcelscan invoke', () => {
  let workDir: string;
  let outDir: string;

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'fc-invoke-test-'));
    outDir = path.join(workDir, 'dist');
  });

  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it('invokes a function once with the event file and prints its result and its logs', async () => {
    const eventFile = path.join(workDir, 'event.json');
    await writeFile(eventFile, JSON.stringify({ rawPath: '/v1/echo', hello: 'hub' }));
    const result = await run(['echo', '--event', eventFile, '-t', yamlPath, '--out-dir', outDir, '--env', 'LOCAL_OVERRIDE=cli']);
    expect(result.exitCode).toBe(0);
    const printed = JSON.parse(result.stdout) as { statusCode: number; body: string };
    expect(printed.statusCode).toBe(200);
    const body = JSON.parse(printed.body) as { event: unknown; env: Record<string, string> };
    expect(body.event).toEqual({ rawPath: '/v1/echo', hello: 'hub' });
    expect(body.env.LOCAL_OVERRIDE).toBe('cli');
    expect(result.stderr).toMatch(/\[fixture-echo\] \S+ 1-[0-9a-f-]+ \[log\] echo handling 1-/);
    expect(result.stderr).toContain('cold start');
  });

  it('reads the event from standard input with --event -', async () => {
    const result = await run(['fixture-slow', '--event', '-', '-t', yamlPath, '--out-dir', outDir], JSON.stringify({ queryParameters: { ms: '0' } }));
    expect(JSON.parse(result.stdout)).toMatchObject({ waitedMs: 0 });
  });

  it('prints an unhandled error on stderr and exits 1', async () => {
    const result = await run(['fixture-boom', '--event', '-', '-t', yamlPath, '--out-dir', outDir], '{}');
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('UnhandledInvocationError');
    expect(result.stderr).toContain('scan rejected: waybill number missing');
  });

  it('names a function s.yaml does not declare and exits 1', async () => {
    const result = await run(['parcel-nowhere', '-t', yamlPath, '--out-dir', outDir]);
    expect(result).toEqual({ stdout: '', stderr: "parcelscan invoke: function 'parcel-nowhere' does not exist in s.yaml\n", exitCode: 1 });
  });
});
