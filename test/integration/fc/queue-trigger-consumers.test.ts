import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import MNS from '@alicloud/mns';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FunctionDefinition, QueueTrigger } from '../../../infra/local/fc/deployment.ts';
import type { MnsQueueCloudEvent } from '../../../infra/local/fc/events.ts';
import type { InvocationOutcome } from '../../../infra/local/fc/instances.ts';
import type { LogRecord } from '../../../infra/local/fc/logs.ts';
import { createMnsClient } from '../../../infra/local/fc/mns-client.ts';
import { startQueueTrigger, type QueueTriggerPoller } from '../../../infra/local/fc/queue-triggers.ts';
import { LOCAL_ACCOUNT_ID, startFcRuntime } from '../../../infra/local/fc/runtime.ts';
import { startMnsServer, type MnsServerHandle } from '../../../infra/local/mns/server.ts';

const KEY = { accessKeyId: 'local', accessKeySecret: 'local-secret' };

const consumerFunction: FunctionDefinition = {
  resourceKey: 'consumer',
  name: 'fixture-consumer',
  region: 'cn-hangzhou',
  runtime: 'nodejs20',
  handler: 'index.handler',
  codeUri: '/not/loaded',
  memorySize: 512,
  timeout: 5,
  instanceConcurrency: 1,
  environmentVariables: {},
  httpTriggers: [],
  customDomainRoute: undefined,
  queueTriggers: [],
};

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** One invocation the test holds until it says how it ends. */
interface HeldBatch {
  waybills: string[];
  finish(outcome: 'ok' | 'fail'): void;
}

/** Stands in for the function: every batch waits for the test, so the batches in flight can be counted. */
class HeldInvocations {
  readonly waiting: HeldBatch[] = [];
  /** The waybill numbers of every batch delivered, in delivery order (a failed batch too). */
  readonly deliveries: string[][] = [];
  inFlight = 0;
  mostInFlight = 0;

  readonly invoke = (event: Buffer): Promise<InvocationOutcome> => {
    const waybills = (JSON.parse(event.toString('utf8')) as MnsQueueCloudEvent[]).map((cloudEvent) => cloudEvent.data.messageBody);
    this.deliveries.push(waybills);
    this.inFlight += 1;
    this.mostInFlight = Math.max(this.mostInFlight, this.inFlight);
    return new Promise((resolve) => {
      this.waiting.push({
        waybills,
        finish: (outcome) => {
          this.inFlight -= 1;
          resolve(
            outcome === 'ok'
              ? { ok: true, result: { kind: 'json', text: '{}' }, instanceId: 'c-test', durationMs: 1 }
              : { ok: false, cause: 'error', error: { errorMessage: 'scan batch rejected' }, instanceId: 'c-test', durationMs: 1 },
          );
        },
      });
    });
  };

  /** The next batch waiting, once one is. */
  next(): Promise<HeldBatch> {
    return waitFor('a batch to be delivered', () => this.waiting.shift());
  }
}

describe('local FC runtime: MNS queue trigger consumers (runOptions.maximumTasks)', () => {
  let mns: MnsServerHandle;
  let client: MNS;
  let poller: QueueTriggerPoller | undefined;
  const logs: LogRecord[] = [];
  let queueNumber = 0;

  beforeAll(async () => {
    mns = await startMnsServer({ port: 0 });
    client = new MNS(LOCAL_ACCOUNT_ID, { ...KEY, endpoint: mns.url });
  });

  afterEach(async () => {
    await poller?.stop();
    poller = undefined;
    logs.length = 0;
  });

  afterAll(async () => {
    await mns.close();
  });

  /** A fresh queue holding `waybills`, one message each. */
  async function queueOf(waybills: readonly string[], visibilityTimeout = 60): Promise<string> {
    const queue = `consumers-${(queueNumber += 1)}`;
    await client.createQueue(queue, { VisibilityTimeout: visibilityTimeout });
    await client.batchSendMessage(
      queue,
      waybills.map((waybillNo) => ({ MessageBody: base64(waybillNo) })),
    );
    return queue;
  }

  async function queuedMessages(queue: string): Promise<number> {
    const { body } = await client.getQueueAttributes(queue);
    return Number(body.ActiveMessages ?? 0) + Number(body.InactiveMessages ?? 0) + Number(body.DelayMessages ?? 0);
  }

  function start(queue: string, held: HeldInvocations, consumers: number): void {
    const trigger: QueueTrigger = {
      triggerName: 'scans-queue',
      enabled: true,
      queueName: queue,
      isBase64Decode: true,
      batchSize: 2,
      batchWindowSeconds: 0,
      maximumTasks: consumers,
      retry: { maximumRetryAttempts: 2, pushRetryStrategy: 'BACKOFF_RETRY' },
      errorsTolerance: 'ALL',
      deadLetterQueueName: undefined,
    };
    let sequence = 0;
    poller = startQueueTrigger({
      fn: consumerFunction,
      trigger,
      client: createMnsClient({ endpoint: mns.url, accountId: LOCAL_ACCOUNT_ID, ...KEY }),
      accountId: LOCAL_ACCOUNT_ID,
      invoke: held.invoke,
      newRequestId: () => `1-test-${(sequence += 1)}`,
      newEventId: () => `event-${(sequence += 1)}`,
      log: (record) => logs.push(record),
      pollWaitSeconds: 1,
      consumers,
    });
  }

  it('delivers up to maximumTasks batches at once and never more, each message once, each batch deleted when it succeeds', async () => {
    const waybills = Array.from({ length: 10 }, (_, index) => `SF${index}`);
    const queue = await queueOf(waybills);
    const held = new HeldInvocations();
    start(queue, held, 3);

    await waitFor('three batches in flight', () => (held.inFlight === 3 ? true : undefined));
    for (let finished = 0; finished < 5; finished++) (await held.next()).finish('ok');

    await waitFor('the queue to be empty', async () => ((await queuedMessages(queue)) === 0 ? true : undefined));
    expect(held.mostInFlight).toBe(3);
    expect(held.deliveries.flat().sort()).toEqual([...waybills].sort());
    expect(logs.filter((record) => record.message.endsWith('delivered 2 message(s)'))).toHaveLength(5);
  });

  it('makes a failed batch visible again for redelivery while the batch delivered beside it is deleted', async () => {
    // The failed batch comes back after the visibility timeout; 3 s leaves the batch that succeeds ample time to be
    // deleted first, even on a loaded machine (1 s did not always).
    const queue = await queueOf(['SF1', 'SF2', 'SF3', 'SF4'], 3);
    const held = new HeldInvocations();
    start(queue, held, 2);

    const failed = await held.next();
    const succeeded = await held.next();
    failed.finish('fail');
    succeeded.finish('ok');
    const redelivered = await held.next();
    expect([...redelivered.waybills].sort()).toEqual([...failed.waybills].sort());
    redelivered.finish('ok');

    await waitFor('the queue to be empty', async () => ((await queuedMessages(queue)) === 0 ? true : undefined));
    expect(held.deliveries.flat().filter((waybillNo) => succeeded.waybills.includes(waybillNo))).toHaveLength(2);
    expect(logs.some((record) => record.level === 'warn' && record.message.includes('failed (attempt 1 of 3): scan batch rejected'))).toBe(true);
  });

  it('stops only once the batches in flight are acknowledged', async () => {
    const queue = await queueOf(['SF1', 'SF2', 'SF3', 'SF4']);
    const held = new HeldInvocations();
    start(queue, held, 2);
    const batches = [await held.next(), await held.next()];

    let stopped = false;
    const stopping = poller?.stop().then(() => {
      stopped = true;
    });
    poller = undefined;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stopped).toBe(false);
    for (const batch of batches) batch.finish('ok');
    await stopping;

    expect(await queuedMessages(queue)).toBe(0);
  });
});

describe('local FC runtime: maximumTasks beyond what the local machine runs', () => {
  let mns: MnsServerHandle;
  let workDir: string;

  beforeAll(async () => {
    mns = await startMnsServer({ port: 0 });
    workDir = await mkdtemp(path.join(os.tmpdir(), 'fc-consumers-test-'));
  });

  afterAll(async () => {
    await mns.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it('runs no more consumers than the function may have instances or the runtime allows per trigger, and says so', async () => {
    const fixtureDir = path.resolve(import.meta.dirname, '../../fixtures/fc');
    const yaml = readFileSync(path.join(fixtureDir, 's.yaml'), 'utf8').replace('maximumTasks: 1', 'maximumTasks: 4');
    await writeFile(path.join(workDir, 's.yaml'), yaml);
    const logs: LogRecord[] = [];
    const runtime = await startFcRuntime({
      yamlPath: path.join(workDir, 's.yaml'),
      sourceRoot: fixtureDir,
      outDir: path.join(workDir, 'dist'),
      only: ['consumer'],
      gateway: false,
      variables: {},
      mns: { endpoint: mns.url, pollWaitSeconds: 1 },
      maxInstancesPerFunction: 3,
      maxQueueConsumers: 2,
      log: (record) => logs.push(record),
    });
    await runtime.close();
    expect(logs.map((record) => record.message)).toContainEqual(
      'queue trigger scans-queue: 2 of maximumTasks 4 consumers run (at most 3 instance(s) per function and 2 consumer(s) per trigger here)',
    );
  });
});
