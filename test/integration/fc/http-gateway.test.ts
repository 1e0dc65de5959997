import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogRecord } from '../../../infra/local/fc/logs.ts';
import { LOCAL_ACCOUNT_ID, startFcRuntime, type FcRuntime } from '../../../infra/local/fc/runtime.ts';

const yamlPath = path.resolve(import.meta.dirname, '../../fixtures/fc/s.yaml');

interface EchoAnswer {
  eventIsBuffer: boolean;
  event: Record<string, unknown> & { requestContext: Record<string, unknown> & { http: Record<string, unknown> }; headers: Record<string, string> };
  context: Record<string, unknown>;
  env: Record<string, string | undefined>;
}

/** A raw HTTP/1.1 request, so headers go out exactly as written (fetch would add its own). */
function send(url: string, options: { method?: string; path: string; headers?: Record<string, string | string[]>; body?: Buffer | string }): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const outgoing = httpRequest({ host: target.hostname, port: target.port, method: options.method ?? 'GET', path: options.path, headers: options.headers ?? {} }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
    });
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

describe('local FC runtime: HTTP gateway', () => {
  let runtime: FcRuntime;
  let url: string;
  let outDir: string;
  const logs: LogRecord[] = [];

  beforeAll(async () => {
    outDir = await mkdtemp(path.join(os.tmpdir(), 'fc-http-test-'));
    runtime = await startFcRuntime({ yamlPath, outDir, gateway: { port: 0 }, env: { LOCAL_OVERRIDE: 'from-runtime' }, variables: { FIXTURE_STAGE: 'test' }, log: (record) => logs.push(record) });
    url = runtime.url ?? '';
  });

  afterAll(async () => {
    await runtime.close();
    await rm(outDir, { recursive: true, force: true });
  });

  it('hands the handler the FC 3.0 HTTP trigger event, as a Buffer, for a custom-domain route', async () => {
    const response = await send(url, {
      method: 'POST',
      path: '/v1/echo/parcels/SF%201?hub=HZ1&tag=a&tag=b',
      headers: { 'Content-Type': 'application/json', 'User-Agent': 'hub-scanner/2.1', 'X-Scan': ['one', 'two'] },
      body: '{"waybillNo":"SF1"}',
    });
    expect(response.status).toBe(200);
    expect(response.headers['x-echo']).toBe('yes');
    const answer = JSON.parse(response.body.toString()) as EchoAnswer;
    const requestId = response.headers['x-fc-request-id'];
    expect(answer.eventIsBuffer).toBe(true);
    expect(answer.event).toEqual({
      version: 'v1',
      rawPath: '/v1/echo/parcels/SF%201',
      body: '{"waybillNo":"SF1"}',
      isBase64Encoded: false,
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'hub-scanner/2.1',
        'X-Scan': 'one,two',
        Host: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
        'Content-Length': '19',
        Connection: 'keep-alive',
      },
      queryParameters: { hub: 'HZ1', tag: 'a,b' },
      requestContext: {
        accountId: LOCAL_ACCOUNT_ID,
        domainName: 'api.parcelscan.test',
        domainPrefix: 'api',
        http: { method: 'POST', path: '/v1/echo/parcels/SF 1', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'hub-scanner/2.1' },
        requestId,
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        timeEpoch: expect.stringMatching(/^\d{13}$/),
      },
    });
  });

  it('gives the handler the FC context and environment variables, local credentials included', async () => {
    const response = await send(url, { path: '/v1/echo/context' });
    const answer = JSON.parse(response.body.toString()) as EchoAnswer;
    expect(answer.context).toEqual({
      requestId: response.headers['x-fc-request-id'],
      credentials: { accessKeyId: 'local', accessKeySecret: 'local-secret', securityToken: '' },
      function: { name: 'fixture-echo', handler: 'index.handler', memory: 256, timeout: 5 },
      region: 'cn-hangzhou',
      accountId: LOCAL_ACCOUNT_ID,
      loggerMethods: ['debug', 'error', 'info', 'log', 'warn'],
    });
    expect(answer.env).toMatchObject({
      FC_FUNCTION_NAME: 'fixture-echo',
      FC_FUNCTION_HANDLER: 'index.handler',
      FC_FUNCTION_MEMORY_SIZE: '256',
      FC_REGION: 'cn-hangzhou',
      FC_ACCOUNT_ID: LOCAL_ACCOUNT_ID,
      FC_INSTANCE_ID: expect.any(String),
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'local',
      STAGE: 'test',
      ROLE_ARN: `acs:ram::${LOCAL_ACCOUNT_ID}:role/parcelscan-fc`,
      SELF: 'fixture-echo',
      LOCAL_OVERRIDE: 'from-runtime',
    });
  });

  it("prints the handler's console, logger and raw stdout/stderr output with the function name and request id", async () => {
    const response = await send(url, { path: '/v1/echo/logs' });
    const requestId = String(response.headers['x-fc-request-id']);
    const lines = logs.filter((record) => record.source === 'function' && record.requestId === requestId).map((record) => [record.functionName, record.level, record.message]);
    expect(lines).toEqual([
      ['fixture-echo', 'log', `echo handling ${requestId}`],
      ['fixture-echo', 'info', 'logger line'],
      ['fixture-echo', 'warn', '{"level":"warn","msg":"straight to stdout"}'],
      ['fixture-echo', 'warn', 'no newline at the end'],
    ]);
  });

  it('serves every function with an HTTP trigger at /{functionName}/ as its function URL would', async () => {
    const response = await send(url, { method: 'PUT', path: '/fixture-echo/anything?x=1', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from([0, 1, 254]) });
    const answer = JSON.parse(response.body.toString()) as EchoAnswer;
    expect(answer.event).toMatchObject({
      rawPath: '/anything',
      body: Buffer.from([0, 1, 254]).toString('base64'),
      isBase64Encoded: true,
      requestContext: { domainName: 'fixture-echo.cn-hangzhou.fcapp.run', domainPrefix: 'fixture-echo', http: { method: 'PUT', path: '/anything' } },
    });
  });

  it('answers 404 with an FC error body and a request id when nothing matches', async () => {
    const response = await send(url, { path: '/v2/nothing' });
    expect(response.status).toBe(404);
    expect(response.headers['x-fc-request-id']).toMatch(/^1-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{12}$/);
    expect(JSON.parse(response.body.toString())).toEqual({ errorCode: 'PathNotFound', errorMessage: 'no route or function matches GET /v2/nothing' });
  });

  it('answers 405 for a method neither the route nor the trigger accepts', async () => {
    const response = await send(url, { method: 'DELETE', path: '/fixture-echo/x' });
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('GET, POST, PUT');
  });

  it('maps the answer shapes: text, JSON value, bytes, nothing, base64 with status and headers', async () => {
    const text = await send(url, { path: '/v1/answers/text' });
    expect([text.status, text.headers['content-type'], text.body.toString()]).toEqual([200, 'text/plain; charset=utf-8', 'plain answer']);
    const object = await send(url, { path: '/v1/answers/object' });
    expect([object.status, object.headers['content-type'], JSON.parse(object.body.toString())]).toEqual([200, 'application/json', { waybillNo: 'SF1234567890', status: 'IN_TRANSIT' }]);
    const bytes = await send(url, { path: '/v1/answers/bytes' });
    expect([bytes.status, bytes.body]).toEqual([200, Buffer.from([0, 1, 2, 255])]);
    const none = await send(url, { path: '/v1/answers/none' });
    expect([none.status, none.body.length]).toEqual([200, 0]);
    const png = await send(url, { path: '/v1/answers/base64' });
    expect([png.status, png.headers['content-type'], png.headers['x-parcel'], png.headers['x-fc-forged'], png.body]).toEqual([201, 'image/png', 'SF1', undefined, Buffer.from([137, 80, 78, 71])]);
  });

  it('reuses a warm instance: module state survives between invocations', async () => {
    const first = JSON.parse((await send(url, { path: '/v1/count' })).body.toString()) as { invocations: number; instanceId: string };
    const second = JSON.parse((await send(url, { path: '/fixture-counter/' })).body.toString()) as { invocations: number; instanceId: string };
    expect(second.instanceId).toBe(first.instanceId);
    expect(second.invocations).toBe(first.invocations + 1);
    expect(logs.filter((record) => record.functionName === 'fixture-counter' && record.message.startsWith('cold start'))).toHaveLength(1);
  });

  it('serves two concurrent requests with two instances, one request per instance (nodejs20)', async () => {
    const [a, b] = await Promise.all([send(url, { path: '/v1/slow?ms=600' }), send(url, { path: '/v1/slow?ms=600' })]);
    const ids = [a, b].map((response) => (JSON.parse(response.body.toString()) as { instanceId: string }).instanceId);
    expect(new Set(ids).size).toBe(2);
    expect(runtime.instanceCount('fixture-slow')).toBe(2);
    const third = JSON.parse((await send(url, { path: '/v1/slow?ms=0' })).body.toString()) as { instanceId: string };
    expect(ids).toContain(third.instanceId);
  });

  it('ends an invocation that passes the function timeout and answers as FC does', async () => {
    const before = runtime.instanceCount('fixture-slow');
    const response = await send(url, { path: '/v1/slow?ms=5000' });
    expect(response.status).toBe(502);
    expect(response.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    expect(JSON.parse(response.body.toString())).toEqual({ errorMessage: 'Function timed out after 1 seconds' });
    expect(runtime.instanceCount('fixture-slow')).toBe(Math.max(before - 1, 0));
  });

  it('answers an unhandled error with the error type, message and stack', async () => {
    const response = await send(url, { path: '/fixture-boom/' });
    expect(response.status).toBe(502);
    expect(response.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    const body = JSON.parse(response.body.toString()) as { errorMessage: string; errorType: string; stackTrace: string[] };
    expect(body).toMatchObject({ errorMessage: 'scan rejected: waybill number missing', errorType: 'TypeError' });
    expect(body.stackTrace[0]).toBe('TypeError: scan rejected: waybill number missing');
  });

  it('answers a process that exits mid-request with FC’s abnormal-exit message, and starts a fresh instance next time', async () => {
    const response = await send(url, { path: '/fixture-boom/?exit=1' });
    expect(response.status).toBe(502);
    expect((JSON.parse(response.body.toString()) as { errorMessage: string }).errorMessage).toMatch(/^Process exited unexpectedly before completing request/);
    expect((await send(url, { path: '/fixture-boom/' })).status).toBe(502);
  });

  it('refuses a body over FC’s 32 MB synchronous limit with 400 EntityTooLarge, before the function runs', async () => {
    const response = await send(url, { method: 'POST', path: '/v1/echo/big', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.alloc(32 * 1024 * 1024 + 1) });
    expect(response.status).toBe(400);
    expect(response.headers['x-fc-request-id']).toBeDefined();
    expect(JSON.parse(response.body.toString())).toEqual({ errorCode: 'EntityTooLarge', errorMessage: 'payload size exceeds maximum allowed size (33554432 bytes)' });
    expect(logs.some((record) => record.requestId === response.headers['x-fc-request-id'] && record.source === 'function')).toBe(false);
  });

  it('lets a body of exactly 32 MB past the size check (it reaches routing)', async () => {
    const response = await send(url, { method: 'POST', path: '/v1/answers/none', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.alloc(32 * 1024 * 1024) });
    expect(response.status).toBe(405);
  });

  it('refuses a path with query over 4 KB and headers over 8 KB with 400 InvalidArgument', async () => {
    const longPath = await send(url, { path: `/v1/echo/x?q=${'a'.repeat(4100)}` });
    expect([longPath.status, (JSON.parse(longPath.body.toString()) as { errorCode: string }).errorCode]).toEqual([400, 'InvalidArgument']);
    const bigHeaders = await send(url, { path: '/v1/echo/x', headers: { 'x-padding': 'p'.repeat(8200) } });
    expect([bigHeaders.status, (JSON.parse(bigHeaders.body.toString()) as { errorCode: string }).errorCode]).toEqual([400, 'InvalidArgument']);
  });
});
