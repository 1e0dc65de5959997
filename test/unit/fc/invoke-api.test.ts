import { describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../../infra/local/fc/fc-context.ts';
import type { InvocationOutcome } from '../../../infra/local/fc/instances.ts';
import { FunctionNotFoundError } from '../../../infra/local/fc/errors.ts';
import { createInvokeFunctionApi, InvocationLogTail } from '../../../infra/local/fc/invoke-api.ts';
import type { LogRecord } from '../../../infra/local/fc/logs.ts';
import { signRequest } from '../../../infra/remote/acs3-signature.ts';

const now = new Date('2026-11-10T12:00:00Z');
const requestId = '1-6b06f140-bfde5ca7-f1815f4d8dec';

function line(message: string, id = requestId): LogRecord {
  return { source: 'function', functionName: 'fixture-echo', requestId: id, level: 'log', message, time: now };
}

/** A signed InvokeFunction call, as `parcelscan invoke --remote` sends it. */
function call(functionName: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  const body = Buffer.from(options.body ?? '{}');
  const url = `/2023-03-30/functions/${functionName}/invocations`;
  const headers = signRequest(
    { method: options.method ?? 'POST', path: url, query: {}, headers: { host: '127.0.0.1:9000', 'content-type': 'application/octet-stream', 'x-fc-log-type': 'Tail', ...options.headers } },
    body,
    LOCAL_CREDENTIALS,
    { action: 'InvokeFunction', version: '2023-03-30', date: now, nonce: 'n' },
  );
  return { method: options.method ?? 'POST', url, headers, body };
}

function api(invoke: (functionName: string, event: Buffer, requestId: string) => Promise<InvocationOutcome>, logs = new InvocationLogTail()) {
  return createInvokeFunctionApi({ credentials: LOCAL_CREDENTIALS, invoke, logs, now: () => now });
}

const succeeded = (text: string): InvocationOutcome => ({ ok: true, result: { kind: 'json', text }, instanceId: 'c-1', durationMs: 3 });

describe('InvocationLogTail', () => {
  it('keeps the lines of open requests only, framed by FC Invoke Start/End', () => {
    const tail = new InvocationLogTail();
    tail.add(line('before it opened'));
    tail.open(requestId);
    tail.add(line('scans recorded'));
    tail.add(line('another request', '1-other'));
    tail.add({ source: 'function', functionName: 'fixture-echo', level: 'log', message: 'module initialised', time: now });
    expect(tail.close(requestId)).toBe(`FC Invoke Start RequestId: ${requestId}\n2026-11-10T12:00:00.000Z ${requestId} [log] scans recorded\nFC Invoke End RequestId: ${requestId}`);
    tail.add(line('after it closed'));
    expect(tail.close(requestId)).not.toContain('after it closed');
  });

  it('returns the last 4 KB, from the first whole line in them', () => {
    const tail = new InvocationLogTail();
    tail.open(requestId);
    for (let index = 0; index < 100; index += 1) tail.add(line(`scan ${index} ${'x'.repeat(60)}`));
    const log = tail.close(requestId);
    expect(Buffer.byteLength(log)).toBeLessThanOrEqual(4096);
    expect(log.startsWith(`2026-11-10T12:00:00.000Z ${requestId} [log] scan `)).toBe(true);
    expect(log.endsWith(`FC Invoke End RequestId: ${requestId}`)).toBe(true);
    expect(log).toContain('scan 99 ');
    expect(log).not.toContain('scan 0 ');
  });
});

describe('the local InvokeFunction API', () => {
  it('recognises POST /2023-03-30/functions/{name}/invocations only', () => {
    const { handles } = api(() => Promise.resolve(succeeded('{}')));
    expect(handles('/2023-03-30/functions/fixture-echo/invocations')).toBe(true);
    expect(handles('/2023-03-30/functions/fixture-echo/invocations?qualifier=LATEST')).toBe(true);
    expect(handles('/2023-03-30/functions/fixture-echo')).toBe(false);
    expect(handles('/v1/echo')).toBe(false);
  });

  it('passes the body to the handler as the event and answers its result with its log tail in x-fc-log-result', async () => {
    const logs = new InvocationLogTail();
    const events: string[] = [];
    const invoke = (functionName: string, event: Buffer, id: string): Promise<InvocationOutcome> => {
      events.push(`${functionName} ${event.toString()}`);
      logs.add(line('scans recorded', id));
      return Promise.resolve(succeeded('{"accepted":1}'));
    };
    const { response, functionName } = await api(invoke, logs).answer(call('fixture-echo', { body: '{"waybillNo":"SF1"}' }), requestId);
    expect(events).toEqual(['fixture-echo {"waybillNo":"SF1"}']);
    expect(functionName).toBe('fixture-echo');
    expect(response.statusCode).toBe(200);
    expect(response.body.toString()).toBe('{"accepted":1}');
    expect(response.headers['x-fc-error-type']).toBeUndefined();
    expect(Buffer.from(response.headers['x-fc-log-result'] ?? '', 'base64').toString()).toContain(`${requestId} [log] scans recorded`);
  });

  it('sends no log without x-fc-log-type: Tail', async () => {
    const { response } = await api(() => Promise.resolve(succeeded('{}'))).answer(call('fixture-echo', { headers: { 'x-fc-log-type': 'None' } }), requestId);
    expect(response.headers['x-fc-log-result']).toBeUndefined();
  });

  it('answers a function error with a 200, x-fc-error-type and FC error JSON', async () => {
    const failed: InvocationOutcome = { ok: false, cause: 'error', error: { errorMessage: 'oops', errorType: 'Error', stackTrace: ['Error: oops'] }, instanceId: 'c-1', durationMs: 2 };
    const { response } = await api(() => Promise.resolve(failed)).answer(call('fixture-boom'), requestId);
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    expect(JSON.parse(response.body.toString())).toEqual({ errorMessage: 'oops', errorType: 'Error', stackTrace: ['Error: oops'] });
  });

  it("answers FC's own refusals as {Code, Message, RequestId}", async () => {
    const throttled: InvocationOutcome = { ok: false, cause: 'throttled', error: { errorMessage: 'all 10 instance(s) of fixture-slow are busy' } };
    const cases = [
      { request: call('fixture-slow'), invoke: () => Promise.resolve(throttled), status: 429, code: 'ResourceExhausted' },
      { request: call('parcel-nowhere'), invoke: () => Promise.reject(new FunctionNotFoundError('parcel-nowhere')), status: 404, code: 'FunctionNotFound' },
      { request: call('fixture-echo', { method: 'GET' }), invoke: () => Promise.resolve(succeeded('{}')), status: 400, code: 'PathNotSupported' },
      { request: call('fixture-echo', { headers: { 'x-fc-invocation-type': 'Async' } }), invoke: () => Promise.resolve(succeeded('{}')), status: 400, code: 'InvalidArgument' },
      { request: { ...call('fixture-echo'), body: Buffer.from('tampered') }, invoke: () => Promise.resolve(succeeded('{}')), status: 403, code: 'SignatureNotMatch' },
    ];
    for (const { request, invoke, status, code } of cases) {
      const { response } = await api(invoke).answer(request, requestId);
      expect({ status: response.statusCode, body: JSON.parse(response.body.toString()) as unknown }).toEqual({ status, body: { Code: code, Message: expect.any(String), RequestId: requestId } });
    }
  });
});
