import { describe, expect, it } from 'vitest';
import {
  buildHttpTriggerEvent,
  buildQueueTriggerEvent,
  deliveredMessageBody,
  fcTime,
  httpResponseFromResult,
  isTextContentType,
  joinHeaders,
  jsonResult,
  type IncomingHttpRequest,
} from '../../../infra/local/fc/events.ts';

const receivedAt = new Date('2023-09-05T06:41:11.895Z');
const context = { accountId: '123456', domainName: 'api.parcelscan.test', requestId: '1-64f6cd87-abc', receivedAt };

function request(overrides: Partial<IncomingHttpRequest>): IncomingHttpRequest {
  return { method: 'GET', url: '/example', httpVersion: '1.1', rawHeaders: [], body: Buffer.alloc(0), sourceIp: '::ffff:11.11.11.11', ...overrides };
}

describe('buildHttpTriggerEvent', () => {
  it('builds the documented v1 event for a GET', () => {
    const event = buildHttpTriggerEvent(request({ url: '/v1/parcels/SF%201?a=1&b=x%20y&a=2', rawHeaders: ['User-Agent', 'PostmanRuntime/7.32.3', 'X-Hub', 'HZ1', 'x-hub', 'HZ2'] }), context);
    expect(event).toEqual({
      version: 'v1',
      rawPath: '/v1/parcels/SF%201',
      body: '',
      isBase64Encoded: false,
      headers: { 'User-Agent': 'PostmanRuntime/7.32.3', 'X-Hub': 'HZ1,HZ2' },
      queryParameters: { a: '1,2', b: 'x y' },
      requestContext: {
        accountId: '123456',
        domainName: 'api.parcelscan.test',
        domainPrefix: 'api',
        http: { method: 'GET', path: '/v1/parcels/SF 1', protocol: 'HTTP/1.1', sourceIp: '11.11.11.11', userAgent: 'PostmanRuntime/7.32.3' },
        requestId: '1-64f6cd87-abc',
        time: '2023-09-05T06:41:11Z',
        timeEpoch: '1693896071895',
      },
    });
  });

  it('passes a JSON body as text', () => {
    const event = buildHttpTriggerEvent(request({ method: 'POST', rawHeaders: ['Content-Type', 'application/json; charset=utf-8'], body: Buffer.from('{"waybillNo":"SF1"}') }), context);
    expect(event).toMatchObject({ body: '{"waybillNo":"SF1"}', isBase64Encoded: false });
  });

  it('base64-encodes a binary body', () => {
    const bytes = Buffer.from([0, 255, 1]);
    const event = buildHttpTriggerEvent(request({ method: 'PUT', rawHeaders: ['content-type', 'image/png'], body: bytes }), context);
    expect(event).toMatchObject({ body: bytes.toString('base64'), isBase64Encoded: true });
  });

  it('treats a body without a content type as binary', () => {
    expect(buildHttpTriggerEvent(request({ method: 'POST', body: Buffer.from('x') }), context).isBase64Encoded).toBe(true);
  });
});

describe('content types and headers', () => {
  it.each([
    ['text/csv', true],
    ['application/json', true],
    ['application/vnd.api+json', true],
    ['application/x-www-form-urlencoded', true],
    ['application/octet-stream', false],
    ['image/jpeg', false],
    [undefined, false],
  ])('%s is text: %s', (contentType, text) => {
    expect(isTextContentType(contentType)).toBe(text);
  });

  it('joins repeated headers case-insensitively with commas', () => {
    expect(joinHeaders(['Accept', 'a', 'ACCEPT', 'b', 'Host', 'h'])).toEqual({ Accept: 'a,b', Host: 'h' });
  });

  it('prints times with second precision in UTC', () => {
    expect(fcTime(receivedAt)).toBe('2023-09-05T06:41:11Z');
  });
});

describe('httpResponseFromResult', () => {
  it('uses a {statusCode, headers, body} answer as written, without FC-reserved headers', () => {
    const response = httpResponseFromResult({ kind: 'json', text: JSON.stringify({ statusCode: 201, headers: { 'Content-Type': 'application/json', 'x-fc-status': '1', Connection: 'close' }, body: '{"ok":true}' }) });
    expect(response).toEqual({ statusCode: 201, headers: { 'Content-Type': 'application/json' }, body: Buffer.from('{"ok":true}') });
  });

  it('base64-decodes the body when isBase64Encoded', () => {
    const response = httpResponseFromResult({ kind: 'json', text: JSON.stringify({ statusCode: 200, isBase64Encoded: true, body: Buffer.from([1, 2]).toString('base64') }) });
    expect(response.body).toEqual(Buffer.from([1, 2]));
  });

  it('answers 200 with JSON for any other JSON value', () => {
    expect(httpResponseFromResult({ kind: 'json', text: '{"waybillNo":"SF1"}' })).toEqual({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from('{"waybillNo":"SF1"}') });
  });

  it('answers 200 with the text of a returned string', () => {
    expect(httpResponseFromResult({ kind: 'string', text: 'ok' })).toMatchObject({ statusCode: 200, body: Buffer.from('ok') });
  });

  it('answers 200 with an empty body when the handler returns nothing', () => {
    expect(httpResponseFromResult({ kind: 'undefined' })).toEqual({ statusCode: 200, headers: {}, body: Buffer.alloc(0) });
  });

  it('answers the same for an answer passed as a value as for its JSON text', () => {
    const answers = [
      { statusCode: 201, headers: { 'Content-Type': 'text/html', 'x-fc-status': '1', 'x-count': 2 }, body: '<p>SF1</p>' },
      { statusCode: 200, isBase64Encoded: true, body: Buffer.from([1, 2]).toString('base64') },
      { statusCode: 'teapot' },
      { waybillNo: 'SF1', events: [{ status: 'DELIVERED' }] },
      ['SF1', 'SF2'],
      null,
    ];
    for (const answer of answers) {
      expect(httpResponseFromResult(jsonResult(answer))).toEqual(httpResponseFromResult({ kind: 'json', text: JSON.stringify(answer) }));
    }
  });

  it('writes the JSON text of an answer passed as a value only when asked, as JSON.stringify writes it', () => {
    const answer = { waybillNo: 'SF1', timeline: [{ at: '2026-11-11T00:00:00Z', facilityCode: 'HZ1' }] };
    const result = jsonResult(answer);
    expect(result).toMatchObject({ kind: 'json', value: answer });
    expect(result.kind === 'json' && result.text).toBe(JSON.stringify(answer));
  });

  it('answers 502 BadResponse for a statusCode that is not an HTTP status', () => {
    const response = httpResponseFromResult({ kind: 'json', text: '{"statusCode":"teapot"}' });
    expect(response.statusCode).toBe(502);
    expect(JSON.parse(response.body.toString())).toMatchObject({ errorCode: 'BadResponse' });
  });
});

describe('buildQueueTriggerEvent', () => {
  let counter = 0;
  const queueContext = {
    region: 'cn-hangzhou',
    accountId: '123456',
    queueName: 'scans',
    isBase64Decode: true,
    eventBusName: 'scans-queue',
    publishedAt: new Date('2026-01-02T03:04:05.000Z'),
    newEventId: () => `event-${(counter += 1)}`,
    newRequestId: () => 'request-1',
  };

  it('builds one CloudEvent per message with the decoded body', () => {
    const events = buildQueueTriggerEvent(
      [{ MessageId: 'M1', MessageBody: Buffer.from('{"waybillNo":"SF1"}').toString('base64'), ReceiptHandle: 'r1', EnqueueTime: '1767323045000', DequeueCount: '1' }],
      queueContext,
    );
    expect(events).toEqual([
      {
        id: 'event-1',
        source: 'acs:mns',
        specversion: '1.0',
        type: 'mns:Queue:SendMessage',
        subject: 'acs:mns:cn-hangzhou:123456:queues/scans',
        datacontenttype: 'application/json; charset=utf-8',
        time: '2026-01-02T03:04:05.000Z',
        aliyunpublishtime: '2026-01-02T03:04:05.000Z',
        aliyuneventbusname: 'scans-queue',
        aliyunregionid: 'cn-hangzhou',
        aliyunaccountid: '123456',
        data: { requestId: 'request-1', messageId: 'M1', messageBody: '{"waybillNo":"SF1"}' },
      },
    ]);
  });

  it('keeps the body as sent when IsBase64Decode is false or the body is not base64', () => {
    expect(deliveredMessageBody('aGk=', false)).toBe('aGk=');
    expect(deliveredMessageBody('{"a":1}', true)).toBe('{"a":1}');
    expect(deliveredMessageBody('aGk=', true)).toBe('hi');
  });
});
