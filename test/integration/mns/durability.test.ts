import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli } from '../../support/cli-process.ts';
import { expectMnsError, field, mnsClient } from './fixtures/mns-sdk.ts';

/** `parcelscan mns --data DIR` as its own process; `kill(signal)` resolves when it has exited. */
async function startServerProcess(dataDir: string): Promise<{ url: string; kill(signal: NodeJS.Signals): Promise<unknown> }> {
  const cli = await startCli(['mns', '--port', '0', '--data', dataDir]);
  return { url: cli.url, kill: (signal) => cli.stop(signal) };
}

const dataDir = mkdtempSync(join(tmpdir(), 'parcelscan-mns-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the MNS server with a data directory', () => {
  it('keeps every acknowledged send, delete, receive and queue attribute across kill -9 and a restart', async () => {
    const first = await startServerProcess(dataDir);
    const client = mnsClient(first.url);
    await client.createQueue('hub-scans', { VisibilityTimeout: 1, MaximumMessageSize: 4096 });
    const bodies = Array.from({ length: 40 }, (_, index) => `PS7730611550${String(index).padStart(5, '0')}`);
    for (const body of bodies.slice(0, 8)) await client.sendMessage('hub-scans', { MessageBody: body, Priority: 3 });
    for (let start = 8; start < bodies.length; start += 16) {
      const batch = bodies.slice(start, start + 16).map((body) => ({ MessageBody: body }));
      await client.batchSendMessage('hub-scans', batch);
    }
    const consumed = await client.batchReceiveMessage('hub-scans', 5);
    await client.batchDeleteMessage(
      'hub-scans',
      consumed.body.map((message) => field(message, 'ReceiptHandle')),
    );
    const deleted = new Set(consumed.body.map((message) => field(message, 'MessageBody')));
    const inFlight = field((await client.receiveMessage('hub-scans')).body, 'MessageBody');
    await first.kill('SIGKILL');

    const second = await startServerProcess(dataDir);
    try {
      const again = mnsClient(second.url);
      const attributes = await again.getQueueAttributes('hub-scans');
      expect(attributes.body).toMatchObject({ VisibilityTimeout: '1', MaximumMessageSize: '4096' });
      const received: string[] = [];
      while (received.length < bodies.length - deleted.size) {
        const batch = await again.batchReceiveMessage('hub-scans', 16, 2);
        for (const message of batch.body) {
          received.push(field(message, 'MessageBody'));
          const expectedDequeues = field(message, 'MessageBody') === inFlight ? '2' : '1';
          expect(field(message, 'DequeueCount')).toBe(expectedDequeues);
        }
        await again.batchDeleteMessage('hub-scans', batch.body.map((message) => field(message, 'ReceiptHandle')));
      }
      expect(received.sort()).toEqual(bodies.filter((body) => !deleted.has(body)).sort());
      await expectMnsError(again.receiveMessage('hub-scans'), 'MessageNotExist');
    } finally {
      await second.kill('SIGTERM');
    }
  });
});
