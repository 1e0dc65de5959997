import MNS from '@alicloud/mns';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import TableStore from 'tablestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  encodeScanMessage,
  luhnCheckDigit,
  signPartnerRequest,
  waybillNoSchema,
  waybillPartition,
  type ScanEventInput,
  type WaybillNo,
} from '../../layers/core/src/domain/index.ts';
import { startCli, type CliProcess } from '../support/cli-process.ts';

/**
 * `parcelscan start` (npm start) as a developer runs it: a real process, on ports 0 so it never clashes with
 * a stack already running, driven only through what its banner prints and the official SDKs. Then Ctrl-C
 * (SIGINT), and a restart on the same --data directory to show that what was acknowledged is still there.
 */

interface Banner {
  gatewayUrl: string;
  tablestoreUrl: string;
  instance: string;
  mnsUrl: string;
  accountId: string;
  accessKeyId: string;
  accessKeySecret: string;
  partnerId: string;
  partnerSecret: string;
}

function bannerField(text: string, pattern: RegExp, count: number): string[] {
  const match = pattern.exec(text);
  const groups = match?.slice(1, count + 1) ?? [];
  if (groups.length !== count || groups.some((group) => group === undefined)) throw new Error(`the banner has no ${pattern}:\n${text}`);
  return groups as string[];
}

function parseBanner(text: string): Banner {
  const [gatewayUrl = ''] = bannerField(text, /FC gateway +(http:\/\/127\.0\.0\.1:\d+)/, 1);
  const [tablestoreUrl = '', instance = ''] = bannerField(text, /Tablestore +(http:\/\/127\.0\.0\.1:\d+) +instance (\S+)/, 2);
  const [mnsUrl = '', accountId = ''] = bannerField(text, /MNS +(http:\/\/127\.0\.0\.1:\d+) +account (\S+)/, 2);
  const [accessKeyId = '', accessKeySecret = ''] = bannerField(text, /access key +(\S+) \/ (\S+)/, 2);
  const [partnerId = '', partnerSecret = ''] = bannerField(text, /demo partner +(\S+) \/ (\S+)/, 2);
  return { gatewayUrl, tablestoreUrl, instance, mnsUrl, accountId, accessKeyId, accessKeySecret, partnerId, partnerSecret };
}

const execFileAsync = promisify(execFile);
const cliPath = fileURLToPath(new URL('../../bin/parcelscan.mjs', import.meta.url));

/** `parcelscan start` on free ports, resolved once the whole banner is printed. */
function startStack(dataDir: string): Promise<CliProcess> {
  return startCli(['start', '--port', '0', '--tablestore-port', '0', '--mns-port', '0', '--data', dataDir], {
    readyPattern: /FC gateway +(http:\/\/127\.0\.0\.1:\d+)[\s\S]*Ctrl-C stops everything\./,
    timeoutMs: 60_000,
  });
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}

/** The official Tablestore SDK, called through promises. */
function tablestoreSdk(banner: Banner) {
  const client = new TableStore.Client({
    endpoint: banner.tablestoreUrl,
    instancename: banner.instance,
    accessKeyId: banner.accessKeyId,
    secretAccessKey: banner.accessKeySecret,
    maxRetries: 0,
  });
  const call = <T>(run: (done: TableStore.Callback<T>) => void): Promise<T> =>
    new Promise((resolve, reject) => run((error, data) => (error ? reject(error) : resolve(data))));
  return {
    listTables: async () => (await call<TableStore.ListTableResponse>((done) => client.listTable({}, done))).tableNames,
    /** The scans stored for a waybill, as `eventKey → type`. */
    scansOf: async (waybillNo: WaybillNo): Promise<Map<string, unknown>> => {
      const partition = waybillPartition(waybillNo);
      const { rows } = await call<TableStore.GetRangeResponse>((done) =>
        client.getRange(
          {
            tableName: 'scan_events',
            direction: 'FORWARD',
            inclusiveStartPrimaryKey: [{ partition }, { waybillNo }, { eventKey: TableStore.INF_MIN }],
            exclusiveEndPrimaryKey: [{ partition }, { waybillNo }, { eventKey: TableStore.INF_MAX }],
          },
          done,
        ),
      );
      return new Map(
        rows.map((row) => [
          String(row.primaryKey.find((column) => column.name === 'eventKey')?.value),
          row.attributes.find((cell) => cell.columnName === 'type')?.columnValue,
        ]),
      );
    },
  };
}

function mnsSdk(banner: Banner): MNS {
  return new MNS(banner.accountId, { accessKeyId: banner.accessKeyId, accessKeySecret: banner.accessKeySecret, endpoint: banner.mnsUrl });
}

/** Polls until `check` holds; the test's own timeout bounds the wait. */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await sleep(100);
}

const webhookWaybill = waybillNoSchema.parse('773061155005900');
const queueWaybill = waybillNoSchema.parse(`77306115500591${luhnCheckDigit('77306115500591')}`);

const webhookScan: ScanEventInput = {
  eventId: 'e2e-webhook-1',
  waybillNo: webhookWaybill,
  type: 'PICKED_UP',
  occurredAt: '2025-11-25T14:03:00+08:00',
  facilityCode: 'SH-PD-01',
};
const queueScan: ScanEventInput = {
  eventId: 'e2e-hub-1',
  waybillNo: queueWaybill,
  type: 'ARRIVED',
  occurredAt: '2025-11-25T18:40:00+08:00',
  facilityCode: 'SH-HUB-01',
};

let dataDir: string;
let cli: CliProcess | undefined;
let banner: Banner;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'parcelscan-e2e-'));
  cli = await startStack(dataDir);
  banner = parseBanner(cli.output());
});

afterAll(async () => {
  await cli?.stop('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

describe('parcelscan start', () => {
  it('prints the three endpoints on the free ports it was given, the access key and the demo partner', () => {
    const ports = [banner.gatewayUrl, banner.tablestoreUrl, banner.mnsUrl].map(portOf);
    for (const port of ports) expect(port).toBeGreaterThan(0);
    expect(new Set(ports).size).toBe(3);
    expect(banner).toMatchObject({
      instance: 'parcelscan',
      accountId: '1234567890123456',
      accessKeyId: 'local',
      accessKeySecret: 'local-secret',
      partnerId: 'demo',
      partnerSecret: 'demo-secret',
    });
    const output = cli?.output() ?? '';
    expect(output).toMatch(new RegExp(`POST +${banner.gatewayUrl}/v1/scans +→ parcelscan-scan-webhook\n`));
    expect(output).toMatch(new RegExp(`queue +${banner.mnsUrl}/queues/scan-events +→ parcelscan-scan-consumer\n`));
    expect(output).toContain(`data         ${dataDir}`);
  });

  it('serves MNS to the official @alicloud/mns SDK: the queues of infra/ exist', async () => {
    const { body } = await mnsSdk(banner).listQueue();
    expect(body?.map((queue) => queue['QueueURL'])).toEqual(
      expect.arrayContaining([`${banner.mnsUrl}/queues/scan-events`, `${banner.mnsUrl}/queues/scan-events-dlq`]),
    );
  });

  it('serves Tablestore to the official tablestore SDK: the tables of infra/ exist in instance parcelscan', async () => {
    expect(await tablestoreSdk(banner).listTables()).toEqual(expect.arrayContaining(['scan_events', 'parcels']));
  });

  it('answers a signed POST /v1/scans at the gateway root with 200 and stores the scan', async () => {
    const body = JSON.stringify({ events: [webhookScan] });
    const response = await fetch(`${banner.gatewayUrl}/v1/scans`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...signPartnerRequest(banner.partnerId, banner.partnerSecret, body, Date.now()) },
      body,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-fc-request-id')).toMatch(/\S/);
    expect(await response.json()).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    expect(await tablestoreSdk(banner).scansOf(webhookWaybill)).toEqual(new Map([['demo/e2e-webhook-1', 'PICKED_UP']]));
  });

  it('delivers a message sent to scan-events to scan-consumer, which stores its scan and acknowledges it', { timeout: 60_000 }, async () => {
    const mns = mnsSdk(banner);
    const sent = await mns.sendMessage('scan-events', { MessageBody: encodeScanMessage(queueScan) });
    expect(sent.code).toBe(201);
    const tablestore = tablestoreSdk(banner);
    await eventually(async () => (await tablestore.scansOf(queueWaybill)).size > 0);
    expect(await tablestore.scansOf(queueWaybill)).toEqual(new Map([['hub-scanner/e2e-hub-1', 'ARRIVED']]));
    // Deleted once the invocation succeeded, and nothing went to the dead-letter queue.
    await eventually(async () => {
      const { body } = await mns.getQueueAttributes('scan-events');
      return body['ActiveMessages'] === '0' && body['InactiveMessages'] === '0';
    });
    expect((await mns.getQueueAttributes('scan-events-dlq')).body['ActiveMessages']).toBe('0');
  });

  it("prints the functions' log lines as JSON when piped, and `parcelscan stats` prints the totals of their metric lines", async () => {
    await eventually(async () => (cli?.output() ?? '').includes('"msg":"batch handled"'));
    const jsonLines = (cli?.output() ?? '').split('\n').filter((line) => line.startsWith('{'));
    expect(jsonLines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ level: 'info', function: 'parcelscan-scan-webhook', partnerId: 'demo', msg: 'scans recorded', accepted: 1 }),
        expect.objectContaining({ kind: 'metric', name: 'queue-batch', function: 'parcelscan-scan-consumer', messages: 1 }),
      ]),
    );

    const { stdout } = await execFileAsync(process.execPath, [cliPath, 'stats', '--gateway', banner.gatewayUrl]);
    expect(stdout).toMatch(/^demo +1 +1 +1 +0 +0 /m);
    expect(stdout).toMatch(/^hub-scanner +1 +1 +1 +0 +0 /m);
    expect(stdout).toContain('queue batches: 1 invocations, 1 messages');
  });

  it('stops cleanly on SIGINT with exit code 0, and keeps what it acknowledged across a restart on the same --data', { timeout: 120_000 }, async () => {
    const first = cli;
    if (first === undefined) throw new Error('the stack is not running');
    expect(await first.stop('SIGINT')).toBe(0);
    expect(first.output()).toContain('stopped.');

    cli = await startStack(dataDir);
    const restarted = parseBanner(cli.output());
    const tablestore = tablestoreSdk(restarted);
    expect(await tablestore.scansOf(webhookWaybill)).toEqual(new Map([['demo/e2e-webhook-1', 'PICKED_UP']]));
    expect(await tablestore.scansOf(queueWaybill)).toEqual(new Map([['hub-scanner/e2e-hub-1', 'ARRIVED']]));
    const { body } = await mnsSdk(restarted).getQueueAttributes('scan-events');
    expect([body['ActiveMessages'], body['InactiveMessages']]).toEqual(['0', '0']);

    const second = cli;
    expect(await second.stop('SIGINT')).toBe(0);
    cli = undefined;
  });
});

describe('parcelscan start with a port taken', () => {
  it('fails at once with exit code 1, naming the port and the flag that changes it, and no stack trace', async () => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const { port } = squatter.address() as AddressInfo;
    try {
      const failure: unknown = await startCli(['start', '--port', '0', '--tablestore-port', String(port), '--mns-port', '0'], { timeoutMs: 60_000 }).then(
        async (started) => {
          await started.stop('SIGKILL');
          throw new Error('parcelscan start started on a taken port');
        },
        (error: unknown) => error,
      );
      const message = failure instanceof Error ? failure.message : String(failure);
      expect(message).toContain('exited with 1');
      expect(message).toContain(
        `parcelscan start: port ${port} (Tablestore) is already in use on 127.0.0.1: stop what listens there, or choose another port with --tablestore-port <port> (0 picks a free one)`,
      );
      expect(message).not.toMatch(/\n\s+at /);
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
  });
});
