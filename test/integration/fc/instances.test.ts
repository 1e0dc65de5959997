import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import type { InvocationOutcome } from '../../../infra/local/fc/instances.ts';
import type { LogRecord } from '../../../infra/local/fc/logs.ts';
import { startFcRuntime, type FcRuntime, type FcRuntimeOptions } from '../../../infra/local/fc/runtime.ts';

const yamlPath = path.resolve(import.meta.dirname, '../../fixtures/fc/s.yaml');

function slowEvent(ms: number): string {
  return JSON.stringify({ queryParameters: { ms: String(ms) } });
}

function instanceOf(outcome: InvocationOutcome): string {
  if (!outcome.ok) throw new Error(`invocation failed: ${outcome.error.errorMessage}`);
  if (outcome.result.kind !== 'json') throw new Error('expected a JSON result');
  return (JSON.parse(outcome.result.text) as { instanceId: string }).instanceId;
}

describe('local FC runtime: instance pool', () => {
  let outDir: string;
  let runtime: FcRuntime | undefined;
  const logs: LogRecord[] = [];

  async function start(options: Partial<FcRuntimeOptions>): Promise<FcRuntime> {
    runtime = await startFcRuntime({ yamlPath, outDir, gateway: false, variables: {}, only: ['slow', 'counter'], log: (record) => logs.push(record), ...options });
    return runtime;
  }

  beforeAll(async () => {
    outDir = await mkdtemp(path.join(os.tmpdir(), 'fc-instances-test-'));
  });

  afterEach(async () => {
    await runtime?.close();
    runtime = undefined;
    logs.length = 0;
  });

  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  it('logs each cold start with its init duration, and reaps an instance left idle', async () => {
    const fc = await start({ idleTimeoutMs: 100 });
    await fc.invoke('fixture-counter', '');
    expect(logs.filter((record) => /^cold start: instance c-\w+ initialised in \d+ ms$/.test(record.message))).toHaveLength(1);
    expect(fc.instanceCount('fixture-counter')).toBe(1);
    await expect.poll(() => fc.instanceCount('fixture-counter'), { timeout: 5000 }).toBe(0);
    expect(logs.some((record) => record.message.endsWith('reaped after 100 ms idle'))).toBe(true);
    const again = await fc.invoke('fixture-counter', '');
    expect(again.ok && again.result.kind === 'json' && (JSON.parse(again.result.text) as { invocations: number }).invocations).toBe(1);
  });

  it('gives a request to the instance that became free last, so a lull keeps the fewest instances warm', async () => {
    const fc = await start({});
    const freed: string[] = [];
    await Promise.all([1, 2, 3].map(() => fc.invoke('fixture-slow', slowEvent(50)).then((outcome) => freed.push(instanceOf(outcome)))));
    expect(new Set(freed).size).toBe(3);
    for (let request = 0; request < 3; request++) expect(instanceOf(await fc.invoke('fixture-slow', slowEvent(0)))).toBe(freed[2]);
  });

  it('throttles past the per-function instance limit as FC does (ResourceExhausted)', async () => {
    const fc = await start({ maxInstancesPerFunction: 1 });
    const [first, second] = await Promise.all([fc.invoke('fixture-slow', slowEvent(200)), fc.invoke('fixture-slow', slowEvent(200))]);
    expect(first.ok).toBe(true);
    expect(second).toMatchObject({ ok: false, cause: 'throttled' });
  });

  it('runs instanceConcurrency requests on one instance when asked to honour it', async () => {
    const fc = await start({ honourInstanceConcurrency: true });
    const outcomes = await Promise.all([fc.invoke('fixture-slow', slowEvent(200)), fc.invoke('fixture-slow', slowEvent(200)), fc.invoke('fixture-slow', slowEvent(200))]);
    expect(new Set(outcomes.map(instanceOf)).size).toBe(1);
    expect(fc.instanceCount('fixture-slow')).toBe(1);
  });

  it('warns that instanceConcurrency does not apply to nodejs20 by default', async () => {
    await start({});
    expect(logs.some((record) => record.functionName === 'fixture-slow' && record.level === 'warn' && record.message.includes('instanceConcurrency 10 is ignored'))).toBe(true);
  });

  it('lets invocations in flight finish when the runtime closes', async () => {
    const fc = await start({});
    const pending = fc.invoke('fixture-slow', slowEvent(300));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await fc.close();
    runtime = undefined;
    expect((await pending).ok).toBe(true);
  });
});
