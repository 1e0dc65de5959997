import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import MNS from '@alicloud/mns';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MnsQueueCloudEvent } from '../../../infra/local/fc/events.ts';
import type { LogRecord } from '../../../infra/local/fc/logs.ts';
import { LOCAL_ACCOUNT_ID, startFcRuntime, type FcRuntime } from '../../../infra/local/fc/runtime.ts';
import { startMnsServer, type MnsServerHandle } from '../../../infra/local/mns/server.ts';

const yamlPath = path.resolve(import.meta.dirname, '../../fixtures/fc/s.yaml');
const QUEUE = 'fixture-scans';
const DEAD_LETTER_QUEUE = 'fixture-scans-dlq';

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function receiveAll(client: MNS, queue: string): Promise<Record<string, string>[]> {
  try {
    return (await client.batchReceiveMessage(queue, 16)).body;
  } catch (error) {
    if (error instanceof Error && error.name === 'MNSMessageNotExistError') return [];
    throw error;
  }
}

describe('local FC runtime: MNS queue trigger through the local MNS server and @alicloud/mns', () => {
  let mns: MnsServerHandle;
  let client: MNS;
  let runtime: FcRuntime;
  let workDir: string;
  let recordFile: string;
  const logs: LogRecord[] = [];

  function recordedBatches(): MnsQueueCloudEvent[][] {
    if (!existsSync(recordFile)) return [];
    return readFileSync(recordFile, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as MnsQueueCloudEvent[]);
  }

  beforeAll(async () => {
    mns = await startMnsServer({ port: 0 });
    client = new MNS(LOCAL_ACCOUNT_ID, { accessKeyId: 'local', accessKeySecret: 'local-secret', endpoint: mns.url });
    // A short visibility timeout makes a failed batch come back quickly; it stays longer than the 1 s batch
    // window so a message is not received twice while its batch is still gathering.
    await client.createQueue(QUEUE, { VisibilityTimeout: 2 });
    await client.createQueue(DEAD_LETTER_QUEUE);
    workDir = await mkdtemp(path.join(os.tmpdir(), 'fc-queue-test-'));
    recordFile = path.join(workDir, 'batches.jsonl');
    runtime = await startFcRuntime({
      yamlPath,
      outDir: path.join(workDir, 'dist'),
      only: ['consumer'],
      gateway: false,
      env: { RECORD_FILE: recordFile },
      variables: {},
      mns: { endpoint: mns.url, pollWaitSeconds: 1 },
      log: (record) => logs.push(record),
    });
  });

  afterAll(async () => {
    await runtime.close();
    await mns.close();
    await rm(workDir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    await rm(recordFile, { force: true });
  });

  it('delivers a full batch (CountBasedWindow 3) as CloudEvents with base64-decoded bodies, then deletes the messages', async () => {
    const sent = await client.batchSendMessage(QUEUE, [
      { MessageBody: base64('{"waybillNo":"SF1"}') },
      { MessageBody: base64('{"waybillNo":"SF2"}') },
      { MessageBody: base64('{"waybillNo":"SF3"}') },
    ]);
    const batch = await waitFor('one batch', () => recordedBatches()[0]);
    expect(batch.map((event) => event.data.messageBody)).toEqual(['{"waybillNo":"SF1"}', '{"waybillNo":"SF2"}', '{"waybillNo":"SF3"}']);
    expect(batch.map((event) => event.data.messageId)).toEqual(sent.body.map((message) => message.MessageId));
    expect(batch[0]).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      source: 'acs:mns',
      specversion: '1.0',
      type: 'mns:Queue:SendMessage',
      subject: `acs:mns:cn-hangzhou:${LOCAL_ACCOUNT_ID}:queues/${QUEUE}`,
      datacontenttype: 'application/json; charset=utf-8',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      aliyunpublishtime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      aliyuneventbusname: 'scans-queue',
      aliyunregionid: 'cn-hangzhou',
      aliyunaccountid: LOCAL_ACCOUNT_ID,
      data: { requestId: expect.any(String), messageId: sent.body[0]?.MessageId, messageBody: '{"waybillNo":"SF1"}' },
    });
    await waitFor('the batch to be acknowledged', () => (logs.some((record) => record.message.includes('delivered 3 message(s)')) ? true : undefined));
    expect(await receiveAll(client, QUEUE)).toEqual([]);
  });

  it('delivers a partial batch when the time window (TimeBasedWindow 1 s) closes first', async () => {
    await client.batchSendMessage(QUEUE, [{ MessageBody: base64('{"waybillNo":"SF4"}') }, { MessageBody: base64('{"waybillNo":"SF5"}') }]);
    const batch = await waitFor('one batch', () => recordedBatches()[0]);
    expect(batch.map((event) => event.data.messageBody)).toEqual(['{"waybillNo":"SF4"}', '{"waybillNo":"SF5"}']);
  });

  it('redelivers a failed batch after the visibility timeout and, past MaximumRetryAttempts, moves it to the dead-letter queue', async () => {
    const body = base64('{"waybillNo":"SF9","note":"fail"}');
    const sent = await client.sendMessage(QUEUE, { MessageBody: body });
    const deadLettered = await waitFor('the dead-letter queue to receive the message', async () => {
      const [message] = await receiveAll(client, DEAD_LETTER_QUEUE);
      return message;
    });
    expect(deadLettered.MessageBody).toBe(body);
    // One attempt plus MaximumRetryAttempts (2) retries, each a fresh delivery of the same message.
    const attempts = recordedBatches().filter((batch) => batch.some((event) => event.data.messageId === sent.body.MessageId));
    expect(attempts).toHaveLength(3);
    expect(await receiveAll(client, QUEUE)).toEqual([]);
    expect(logs.some((record) => record.level === 'error' && record.message.includes(`moved to dead-letter queue ${DEAD_LETTER_QUEUE}`))).toBe(true);
  });
});
