import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMnsServer, type MnsServerHandle } from '../../../infra/local/mns/index.ts';
import { sign } from '../../../infra/local/mns/signature.ts';
import { LOCAL_CREDENTIALS, field, mnsClient } from './fixtures/mns-sdk.ts';

/**
 * Facts about the wire that `@alicloud/mns` hides from its caller (response headers, error documents,
 * request forms it never produces), checked with hand-signed HTTP requests built as the SDK builds them
 * (lib/client.js buildHeaders).
 */
let server: MnsServerHandle;

beforeAll(async () => {
  server = await startMnsServer({ port: 0 });
});

afterAll(async () => {
  await server.close();
});

interface RawRequest {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  resource: string;
  body?: string;
  headers?: Record<string, string>;
  date?: Date;
  secret?: string;
  /** Overrides the Content-MD5 the SDK would compute. */
  contentMd5?: string;
  /** Path segment inserted before the signed resource, e.g. an account id. */
  pathPrefix?: string;
  signal?: AbortSignal;
}

function sdkContentMd5(body: string): string {
  return Buffer.from(createHash('md5').update(body).digest('hex')).toString('base64');
}

async function rawRequest(request: RawRequest): Promise<{ status: number; headers: Headers; text: string }> {
  const headers: Record<string, string> = {
    date: (request.date ?? new Date()).toUTCString(),
    'x-mns-version': '2015-06-06',
    ...request.headers,
  };
  if (request.method !== 'GET') {
    headers['content-type'] = 'text/xml';
    headers['content-md5'] = request.contentMd5 ?? sdkContentMd5(request.body ?? '');
  }
  const signature = sign(request.secret ?? LOCAL_CREDENTIALS.accessKeySecret, {
    method: request.method,
    headers,
    resource: request.resource,
  });
  headers['authorization'] ??= `MNS ${LOCAL_CREDENTIALS.accessKeyId}:${signature}`;
  const response = await fetch(`${server.url}${request.pathPrefix ?? ''}${request.resource}`, {
    method: request.method,
    headers,
    ...(request.method === 'GET' ? {} : { body: request.body ?? '' }),
    ...(request.signal === undefined ? {} : { signal: request.signal }),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

function xmlBody(root: string, inner: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><${root} xmlns="http://mns.aliyuncs.com/doc/v1/">${inner}</${root}>`;
}

function errorCode(text: string): string | undefined {
  return /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
}

describe('every response', () => {
  it('is text/xml;charset=utf-8 with a 24-character x-mns-request-id, whatever its status', async () => {
    const responses = [
      await rawRequest({ method: 'PUT', resource: '/queues/wire-types', body: xmlBody('Queue', '') }),
      await rawRequest({ method: 'PUT', resource: '/queues/wire-types', body: xmlBody('Queue', '') }),
      await rawRequest({ method: 'GET', resource: '/queues/wire-types' }),
      await rawRequest({ method: 'GET', resource: '/queues/wire-types/messages' }),
      await rawRequest({ method: 'GET', resource: '/queues', secret: 'wrong' }),
      await rawRequest({ method: 'DELETE', resource: '/queues/wire-types' }),
    ];
    expect(responses.map((response) => response.status)).toEqual([201, 204, 200, 404, 403, 204]);
    for (const response of responses) {
      expect(response.headers.get('content-type')).toBe('text/xml;charset=utf-8');
      expect(response.headers.get('x-mns-request-id')).toMatch(/^[0-9A-F]{24}$/);
    }
  });

  it('reports errors as an MNS <Error> document whose RequestId is the x-mns-request-id header', async () => {
    const response = await rawRequest({ method: 'GET', resource: '/queues/no-such-queue' });
    expect(response.status).toBe(404);
    const requestId = response.headers.get('x-mns-request-id') ?? '';
    expect(response.text).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        '<Error xmlns="http://mns.aliyuncs.com/doc/v1/"><Code>QueueNotExist</Code>' +
        '<Message>The queue name you provided is not exist.</Message>' +
        `<RequestId>${requestId}</RequestId><HostId>${new URL(server.url).host}</HostId></Error>`,
    );
  });
});

describe('authentication', () => {
  it('requires an Authorization header of the form "MNS id:signature"', async () => {
    const missing = await fetch(`${server.url}/queues`, { headers: { date: new Date().toUTCString() } });
    expect([missing.status, errorCode(await missing.text())]).toEqual([400, 'MissingAuthorizationHeader']);
    const malformed = await rawRequest({ method: 'GET', resource: '/queues', headers: { authorization: 'Bearer x' } });
    expect([malformed.status, errorCode(malformed.text)]).toEqual([400, 'InvalidAuthorizationHeader']);
  });

  it('rejects a Date more than 15 minutes off with TimeExpired', async () => {
    const stale = await rawRequest({ method: 'GET', resource: '/queues', date: new Date(Date.now() - 16 * 60_000) });
    expect([stale.status, errorCode(stale.text)]).toEqual([408, 'TimeExpired']);
  });

  it("checks Content-MD5 in the SDK's base64-of-hex form and in the RFC 1864 form", async () => {
    const body = xmlBody('Queue', '<VisibilityTimeout>60</VisibilityTimeout>');
    const wrong = await rawRequest({ method: 'PUT', resource: '/queues/wire-md5', body, contentMd5: sdkContentMd5('other') });
    expect([wrong.status, errorCode(wrong.text)]).toEqual([400, 'InvalidDegist']);
    const rfc1864 = createHash('md5').update(body).digest('base64');
    const created = await rawRequest({ method: 'PUT', resource: '/queues/wire-md5', body, contentMd5: rfc1864 });
    expect(created.status).toBe(201);
  });

  it('accepts an account id as the first path segment, signed without it', async () => {
    const response = await rawRequest({ method: 'GET', resource: '/queues', pathPrefix: '/1234567890123456' });
    expect(response.status).toBe(200);
  });
});

describe('request bodies', () => {
  it('answers MalformedXML to two root elements or an entity XML does not define', async () => {
    await rawRequest({ method: 'PUT', resource: '/queues/wire-xml', body: xmlBody('Queue', '') });
    const twoRoots = await rawRequest({
      method: 'POST',
      resource: '/queues/wire-xml/messages',
      body: '<Message><MessageBody>a</MessageBody></Message><Message/>',
    });
    expect([twoRoots.status, errorCode(twoRoots.text)]).toEqual([400, 'MalformedXML']);
    const undefinedEntity = await rawRequest({
      method: 'POST',
      resource: '/queues/wire-xml/messages',
      body: xmlBody('Message', '<MessageBody>&nbsp;</MessageBody>'),
    });
    expect([undefinedEntity.status, errorCode(undefinedEntity.text)]).toEqual([400, 'MalformedXML']);
  });

  it('keeps a CDATA body and numeric character references, and escapes the body on delivery', async () => {
    await rawRequest({ method: 'PUT', resource: '/queues/wire-escape', body: xmlBody('Queue', '') });
    await rawRequest({
      method: 'POST',
      resource: '/queues/wire-escape/messages',
      body: xmlBody('Message', '<MessageBody><![CDATA[<scan hub="SZX"/>]]>&#38;&#x41;</MessageBody>'),
    });
    const received = await rawRequest({ method: 'GET', resource: '/queues/wire-escape/messages' });
    expect(received.text).toContain('<MessageBody>&lt;scan hub=&quot;SZX&quot;/&gt;&amp;A</MessageBody>');
  });

  it('answers InvalidArgument naming an element the operation does not define', async () => {
    const response = await rawRequest({
      method: 'PUT',
      resource: '/queues/wire-unknown',
      body: xmlBody('Queue', '<VisibilityTimeOut>60</VisibilityTimeOut>'),
    });
    expect([response.status, errorCode(response.text)]).toEqual([400, 'InvalidArgument']);
    expect(response.text).toContain('VisibilityTimeOut');
  });

  it('answers InvalidRequestURL to a path that is no MNS resource', async () => {
    const response = await rawRequest({ method: 'GET', resource: '/queues/a/b/c' });
    expect([response.status, errorCode(response.text)]).toEqual([400, 'InvalidRequestURL']);
  });
});

describe('ListQueue paging', () => {
  it('returns NextMarker when more queues follow, and continues from it', async () => {
    for (const name of ['page-a', 'page-b', 'page-c']) {
      await rawRequest({ method: 'PUT', resource: `/queues/${name}`, body: xmlBody('Queue', '') });
    }
    const first = await rawRequest({
      method: 'GET',
      resource: '/queues',
      headers: { 'x-mns-prefix': 'page-', 'x-mns-ret-number': '2' },
    });
    const nextMarker = /<NextMarker>([^<]*)<\/NextMarker>/.exec(first.text)?.[1];
    expect(first.text.match(/<QueueURL>/g)).toHaveLength(2);
    expect(nextMarker).toBeDefined();
    const second = await rawRequest({
      method: 'GET',
      resource: '/queues',
      headers: { 'x-mns-prefix': 'page-', 'x-mns-ret-number': '2', 'x-mns-marker': nextMarker ?? '' },
    });
    expect(second.text).toContain(`<QueueURL>${server.url}/queues/page-c</QueueURL>`);
    expect(second.text).not.toContain('<NextMarker>');
  });
});

describe('long polling', () => {
  it('delivers nothing to a receive whose client went away', async () => {
    const client = mnsClient(server.url);
    await client.createQueue('wire-abandoned');
    const abandon = new AbortController();
    const abandoned = rawRequest({
      method: 'GET',
      resource: '/queues/wire-abandoned/messages?waitseconds=5',
      signal: abandon.signal,
    }).catch((error: unknown) => error);
    await sleep(100);
    abandon.abort();
    await abandoned;
    // Give the server time to see the closed connection before the message arrives.
    await sleep(500);
    await client.sendMessage('wire-abandoned', { MessageBody: 'for the next consumer' });
    const received = await client.receiveMessage('wire-abandoned');
    expect(field(received.body, 'DequeueCount')).toBe('1');
  });
});

describe('shutdown', () => {
  it('closes with a long poll still open, ending it', async () => {
    const doomed = await startMnsServer({ port: 0 });
    const client = mnsClient(doomed.url);
    await client.createQueue('shutdown');
    const waiting = client.receiveMessage('shutdown', 30).then(
      () => 'answered',
      () => 'ended',
    );
    await sleep(100);
    await doomed.close();
    expect(await waiting).toBe('ended');
  });
});
