import { once } from 'node:events';
import net from 'node:net';
import type MNS from '@alicloud/mns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMnsServer, type MnsServerHandle } from '../../../infra/local/mns/index.ts';
import { QueueSendError, QueueSendTimeoutError } from '../../../layers/core/src/queue/errors.ts';
import { createQueueClient, type QueueClient, type QueueClientConfig } from '../../../layers/core/src/queue/queue-client.ts';
import { LOCAL_ACCOUNT_ID, mnsProducer } from '../../support/scan-queue.ts';

/**
 * The MNS producer the consumer dead-letters with (layers/core/src/queue/queue-client.ts), against the local MNS
 * server, read back with the official SDK. The local server refuses a BatchSendMessage of more than 16 messages or
 * 64 KB whole, as the cloud does, so every send that arrives complete was split within those limits.
 */

let server: MnsServerHandle;
let reader: MNS;
let queueSerial = 0;

beforeAll(async () => {
  server = await startMnsServer({ port: 0 });
  reader = mnsProducer(server.url);
});

afterAll(async () => {
  await server?.close();
});

const inAMinute = (): number => Date.now() + 60_000;

function queueClient(endpoint = server.url, overrides: Partial<QueueClientConfig> = {}): QueueClient {
  return createQueueClient({ endpoint, accountId: LOCAL_ACCOUNT_ID, accessKeyId: 'local', accessKeySecret: 'local-secret', ...overrides });
}

/** A fresh queue per test, so tests never see each other's messages. */
async function newQueue(): Promise<string> {
  queueSerial += 1;
  const name = `dead-letters-${queueSerial}`;
  await reader.createQueue(name);
  return name;
}

/** Every message on `queue`, each as its id and its body decoded from base64, deleted as read. */
async function receiveAll(queue: string): Promise<{ id: string; text: string }[]> {
  const received: { id: string; text: string }[] = [];
  for (;;) {
    let messages: Record<string, string>[];
    try {
      messages = (await reader.batchReceiveMessage(queue, 16)).body;
    } catch (error) {
      if ((error as Error).name === 'MNSMessageNotExistError') return received;
      throw error;
    }
    for (const message of messages) {
      received.push({ id: message.MessageId ?? '', text: Buffer.from(message.MessageBody ?? '', 'base64').toString('utf8') });
      await reader.deleteMessage(queue, message.ReceiptHandle ?? '');
    }
  }
}

/** A TCP server that accepts connections and never answers: an MNS endpoint that hangs. */
async function silentServer(): Promise<{ url: string; sockets: net.Socket[]; close(): Promise<void> }> {
  const sockets: net.Socket[] = [];
  const tcp = net.createServer((socket) => {
    sockets.push(socket);
    // Read (and ignore) the request, so the client closing its end is seen.
    socket.resume();
  });
  tcp.listen(0, '127.0.0.1');
  await once(tcp, 'listening');
  const { port } = tcp.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sockets,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    },
  };
}

describe('QueueClient.sendAll', () => {
  it('puts every text on the queue as base64 of its UTF-8, and answers their message ids in order', async () => {
    const queue = await newQueue();
    const texts = ['{"reason":"INVALID_EVENT"}', '放在门卫处 📦', 'plain text with <angle> & ampersand'];

    const ids = await queueClient().sendAll(queue, texts, { deadline: inAMinute() });

    const received = await receiveAll(queue);
    expect(received.map(({ text }) => text).sort()).toEqual([...texts].sort());
    expect(ids).toHaveLength(3);
    expect(new Map(received.map(({ id, text }) => [text, id]))).toEqual(new Map(texts.map((text, index) => [text, ids[index]])));
  });

  it('sends more messages than one BatchSendMessage carries, each exactly once', async () => {
    const queue = await newQueue();
    const texts = Array.from({ length: 40 }, (_, index) => `dead letter ${index}`);

    const ids = await queueClient().sendAll(queue, texts, { deadline: inAMinute() });

    expect(new Set(ids).size).toBe(40);
    expect((await receiveAll(queue)).map(({ text }) => text).sort()).toEqual([...texts].sort());
  });

  it('sends more bytes than one BatchSendMessage carries, each message exactly once', async () => {
    const queue = await newQueue();
    // Twelve messages of 12 KB on the wire: under 16 messages, over 64 KB in all.
    const texts = Array.from({ length: 12 }, (_, index) => `${index}:`.padEnd(9_000, 'x'));

    await queueClient().sendAll(queue, texts, { deadline: inAMinute() });

    expect((await receiveAll(queue)).map(({ text }) => text).sort()).toEqual([...texts].sort());
  });

  it('fails with the MNS error code when the queue does not exist', async () => {
    const error = await queueClient()
      .sendAll('no-such-queue', ['a dead letter'], { deadline: inAMinute() })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(QueueSendError);
    expect(error).toMatchObject({ queue: 'no-such-queue', code: 'QueueNotExist' });
  });

  it('fails with the MNS error code when MNS refuses a message, the calls before it sent', async () => {
    const queue = await newQueue();
    // 80 000 bytes once base64-encoded: over the queue's 64 KB MaximumMessageSize, so it goes in a call of its own.
    const error = await queueClient()
      .sendAll(queue, ['fine', 'x'.repeat(60_000)], { deadline: inAMinute() })
      .catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ name: 'QueueSendError', queue, code: 'InvalidArgument' });
    expect((await receiveAll(queue)).map(({ text }) => text)).toEqual(['fine']);
  });

  it('sends nothing once the deadline has passed', async () => {
    const queue = await newQueue();
    const deadline = Date.now();
    const client = queueClient(server.url, { now: () => deadline + 1 });

    await expect(client.sendAll(queue, ['too late'], { deadline })).rejects.toBeInstanceOf(QueueSendTimeoutError);
    expect(await receiveAll(queue)).toEqual([]);
  });

  it('gives up at the deadline when MNS does not answer, and closes the connection', async () => {
    const silent = await silentServer();
    try {
      const error = await queueClient(silent.url)
        .sendAll('scan-events-dlq', ['a dead letter'], { deadline: Date.now() + 300 })
        .catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(QueueSendTimeoutError);
      expect(error).toMatchObject({ queue: 'scan-events-dlq', code: 'Timeout' });

      // The SDK's own timeouts end with the deadline too, so the request does not linger after the call gave up.
      const [socket] = silent.sockets;
      if (socket === undefined) throw new Error('the client never connected');
      if (!socket.closed) await once(socket, 'close');
    } finally {
      await silent.close();
    }
  });
});
