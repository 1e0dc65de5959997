import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InvocationOutcome } from '../../../infra/local/fc/instances.ts';
import type { LogRecord } from '../../../infra/local/fc/logs.ts';
import { startFcRuntime, type FcRuntime } from '../../../infra/local/fc/runtime.ts';
import { waitFor } from '../../support/wait.ts';

/**
 * What crosses between the runtime and an instance besides the event: the function's output, which travels with its
 * result or ahead of it, and answers that are not plain JSON. The functions are written here, in a deployment of
 * their own.
 */

const FUNCTIONS: Record<string, string> = {
  // Prints, then waits for the test to create `flag` before it answers.
  waiter: `
    import { existsSync } from 'node:fs';
    export async function handler(event: Buffer): Promise<string> {
      const { flag } = JSON.parse(event.toString('utf8')) as { flag: string };
      console.log('waiting for', flag);
      while (!existsSync(flag)) await new Promise((resolve) => setTimeout(resolve, 10));
      return 'released';
    }`,
  // Prints, then ends its process in the middle of the request.
  leaver: `
    export async function handler(): Promise<void> {
      console.log('closing the hub scanner session');
      process.stderr.write('partial line');
      process.exit(3);
    }`,
  // Uses the deprecated Buffer constructor from its own code.
  legacy: `
    export async function handler(): Promise<number> {
      return new Buffer('SF1').length;
    }`,
  // An answer JSON changes on its way: a Date, NaN, a header given as a number.
  dated: `
    export async function handler(): Promise<unknown> {
      return { statusCode: 200, headers: { 'x-scans': 2 }, body: { scannedAt: new Date(0), weightKg: Number.NaN } };
    }`,
};

function yamlOf(names: readonly string[]): string {
  const resources = names
    .map(
      (name) => `  ${name}:
    component: fc3
    props:
      region: cn-hangzhou
      functionName: output-${name}
      runtime: nodejs20
      code: ./dist/functions/${name}
      handler: index.handler
      timeout: 10`,
    )
    .join('\n');
  return `edition: 3.0.0\nname: instance-output\naccess: default\nresources:\n${resources}\n`;
}


describe('local FC runtime: output and answers between the runtime and an instance', () => {
  let workDir: string;
  let runtime: FcRuntime;
  const logs: LogRecord[] = [];

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'fc-instance-output-'));
    for (const [name, source] of Object.entries(FUNCTIONS)) {
      await mkdir(path.join(workDir, 'functions', name), { recursive: true });
      await writeFile(path.join(workDir, 'functions', name, 'index.ts'), source);
    }
    await writeFile(path.join(workDir, 's.yaml'), yamlOf(Object.keys(FUNCTIONS)));
    runtime = await startFcRuntime({ yamlPath: path.join(workDir, 's.yaml'), gateway: false, variables: {}, log: (record) => logs.push(record) });
  });

  afterAll(async () => {
    await runtime.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it('reports what a function prints while it is still running, not only with its result', async () => {
    const flag = path.join(workDir, 'release-waiter');
    let outcome: InvocationOutcome | undefined;
    const invocation = runtime.invoke('output-waiter', JSON.stringify({ flag })).then((settled) => {
      outcome = settled;
      return settled;
    });

    const line = await waitFor('the line printed before the wait', () => logs.find((record) => record.functionName === 'output-waiter' && record.source === 'function'));
    expect(outcome).toBeUndefined();
    expect(line).toMatchObject({ level: 'log', message: `waiting for ${flag}`, requestId: expect.stringMatching(/^1-/) });

    await writeFile(flag, '');
    expect(await invocation).toMatchObject({ ok: true, result: { kind: 'string', text: 'released' } });
    expect(existsSync(flag)).toBe(true);
  });

  it('reports what a function printed just before it ended its process, under its request id', async () => {
    const outcome = await runtime.invoke('output-leaver', '{}');
    expect(outcome).toMatchObject({ ok: false, cause: 'crash' });
    const lines = logs.filter((record) => record.functionName === 'output-leaver' && record.source === 'function');
    expect(lines.map((record) => [record.level, record.message])).toEqual([
      ['log', 'closing the hub scanner session'],
      ['warn', 'partial line'],
    ]);
    expect(new Set(lines.map((record) => record.requestId)).size).toBe(1);
  });

  it("prints Node's DEP0005 for a function's own Buffer() call, as Node on FC would (the runtime settles nothing for it)", async () => {
    const outcome = await runtime.invoke('output-legacy', '{}');
    expect(outcome).toMatchObject({ ok: true, result: { kind: 'json', text: '3' } });
    await waitFor('the DEP0005 line', () => logs.find((record) => record.functionName === 'output-legacy' && record.message.includes('DEP0005')), { timeoutMs: 5_000 });
  });

  it('answers with the JSON text FC would write for a value JSON changes (Date, NaN, a number header)', async () => {
    const outcome = await runtime.invoke('output-dated', '{}');
    if (!outcome.ok || outcome.result.kind !== 'json') throw new Error(`expected a JSON answer, got ${JSON.stringify(outcome)}`);
    expect(JSON.parse(outcome.result.text)).toEqual({ statusCode: 200, headers: { 'x-scans': 2 }, body: { scannedAt: '1970-01-01T00:00:00.000Z', weightKg: null } });
  });
});
