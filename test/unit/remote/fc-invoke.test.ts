import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { checkAcs3Signature } from '../../../infra/local/fc/acs3-auth.ts';
import { FcApiError, FcEndpointUnreachableError } from '../../../infra/remote/errors.ts';
import { fcEndpoint, invokeFunction, type InvokeDependencies } from '../../../infra/remote/fc-invoke.ts';

const now = new Date('2026-11-10T12:00:00Z');
const credentials = { accessKeyId: 'LTAI5tExample', accessKeySecret: 'example-secret' };

interface Sent {
  url: URL;
  init: RequestInit;
}

/** fetch answering `response`, keeping what was sent. */
function fakeFetch(response: Response, sent: Sent[]): InvokeDependencies {
  return {
    fetch: (input, init) => {
      sent.push({ url: new URL(input instanceof Request ? input.url : input), init: init ?? {} });
      return Promise.resolve(response);
    },
    now: () => now,
    nonce: () => 'nonce-1',
  };
}

const request = { endpoint: fcEndpoint('1234567890123456', 'cn-hangzhou'), functionName: 'parcelscan-tracking-api', event: Buffer.from('{"rawPath":"/track"}'), credentials, timeoutMs: 35_000 };

describe('invokeFunction (FC 3.0 InvokeFunction API)', () => {
  it('posts the event, signed, to /2023-03-30/functions/{name}/invocations on the account endpoint, asking for the log tail', async () => {
    const sent: Sent[] = [];
    await invokeFunction(request, fakeFetch(new Response('{}', { headers: { 'x-fc-request-id': '1-abc' } }), sent));
    const [{ url, init } = { url: new URL('http://none'), init: {} }] = sent;
    expect(url.href).toBe('https://1234567890123456.cn-hangzhou.fc.aliyuncs.com/2023-03-30/functions/parcelscan-tracking-api/invocations');
    expect(init.method).toBe('POST');
    const headers = init.headers as Record<string, string>;
    expect(headers).toMatchObject({ 'content-type': 'application/octet-stream', 'x-fc-invocation-type': 'Sync', 'x-fc-log-type': 'Tail', 'x-acs-action': 'InvokeFunction', 'x-acs-version': '2023-03-30' });
    expect(headers.host).toBeUndefined();
    // What FC's front would see (fetch adds Host from the URL) passes the signature check.
    const received: IncomingHttpHeaders = { ...headers, host: url.host };
    expect(checkAcs3Signature({ method: 'POST', url: url.pathname, headers: received, body: request.event }, { ...credentials, securityToken: '' }, now)).toEqual({ ok: true });
  });

  it('returns the request id, the body, and the log tail decoded from x-fc-log-result', async () => {
    const log = 'FC Invoke Start RequestId: 1-abc\nscans recorded\nFC Invoke End RequestId: 1-abc';
    const response = new Response('{"statusCode":200}', { headers: { 'x-fc-request-id': '1-abc', 'x-fc-log-result': Buffer.from(log).toString('base64') } });
    const invocation = await invokeFunction(request, fakeFetch(response, []));
    expect(invocation).toEqual({ requestId: '1-abc', body: Buffer.from('{"statusCode":200}'), errorType: undefined, log });
  });

  it('reports a function error from x-fc-error-type, with the error JSON as the body', async () => {
    const response = new Response('{"errorMessage":"oops","errorType":"Error"}', { headers: { 'x-fc-request-id': '1-abc', 'x-fc-error-type': 'UnhandledInvocationError' } });
    const invocation = await invokeFunction(request, fakeFetch(response, []));
    expect(invocation.errorType).toBe('UnhandledInvocationError');
    expect(JSON.parse(invocation.body.toString())).toEqual({ errorMessage: 'oops', errorType: 'Error' });
  });

  it("throws FC's refusal with its code, message and request id", async () => {
    const response = new Response(JSON.stringify({ Code: 'FunctionNotFound', Message: "function 'parcelscan-tracking-api' does not exist.", RequestId: '1-def' }), { status: 404, headers: { 'x-fc-request-id': '1-def' } });
    const failure = await invokeFunction(request, fakeFetch(response, [])).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(FcApiError);
    expect(failure).toMatchObject({ statusCode: 404, code: 'FunctionNotFound', requestId: '1-def', message: "Function Compute answered 404 FunctionNotFound: function 'parcelscan-tracking-api' does not exist. (request id 1-def)" });
  });

  it('throws FcEndpointUnreachableError when nothing answers', async () => {
    const dependencies: InvokeDependencies = { fetch: () => Promise.reject(new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND') })), now: () => now, nonce: () => 'n' };
    await expect(invokeFunction(request, dependencies)).rejects.toThrow(new FcEndpointUnreachableError('https://1234567890123456.cn-hangzhou.fc.aliyuncs.com', 'getaddrinfo ENOTFOUND'));
  });
});
