import { describe, expect, it } from 'vitest';
import { MnsError } from '../../../infra/local/mns/errors.ts';
import { route, splitRequestUrl } from '../../../infra/local/mns/router.ts';

function routeOf(method: string, url: string): unknown {
  try {
    return route(method, splitRequestUrl(url));
  } catch (error) {
    if (error instanceof MnsError) return error.code;
    throw error;
  }
}

describe('routing', () => {
  it('maps the queue API paths of @alicloud/mns to operations', () => {
    expect(routeOf('GET', '/queues')).toEqual({ operation: 'ListQueue' });
    expect(routeOf('PUT', '/queues/scans')).toEqual({ operation: 'CreateQueue', queue: 'scans' });
    expect(routeOf('PUT', '/queues/scans?metaoverride=true')).toEqual({ operation: 'SetQueueAttributes', queue: 'scans' });
    expect(routeOf('GET', '/queues/scans')).toEqual({ operation: 'GetQueueAttributes', queue: 'scans' });
    expect(routeOf('DELETE', '/queues/scans')).toEqual({ operation: 'DeleteQueue', queue: 'scans' });
    expect(routeOf('POST', '/queues/scans/messages')).toEqual({ operation: 'SendMessage', queue: 'scans' });
    expect(routeOf('GET', '/queues/scans/messages?numOfMessages=16&waitseconds=5')).toEqual({
      operation: 'ReceiveMessage',
      queue: 'scans',
    });
    expect(routeOf('DELETE', '/queues/scans/messages?ReceiptHandle=abc')).toEqual({
      operation: 'DeleteMessage',
      queue: 'scans',
    });
    expect(routeOf('PUT', '/queues/scans/messages?receiptHandle=abc&visibilityTimeout=5')).toEqual({
      operation: 'ChangeMessageVisibility',
      queue: 'scans',
    });
  });

  it('answers InvalidRequestURL to anything else', () => {
    expect(routeOf('POST', '/queues')).toBe('InvalidRequestURL');
    expect(routeOf('POST', '/queues/scans')).toBe('InvalidRequestURL');
    expect(routeOf('GET', '/queues/scans/other')).toBe('InvalidRequestURL');
    expect(routeOf('GET', '/')).toBe('InvalidRequestURL');
  });
});

describe('request URLs', () => {
  it('drops a leading account segment from the path and from the signed resource', () => {
    expect(splitRequestUrl('/1234567890/queues/scans/messages?waitseconds=3')).toMatchObject({
      path: '/queues/scans/messages',
      signedResource: '/queues/scans/messages?waitseconds=3',
    });
  });

  it('keeps a queue that happens to be named "queues"', () => {
    expect(splitRequestUrl('/queues/queues/messages')).toMatchObject({ path: '/queues/queues/messages' });
  });

  it('reads query names case-insensitively and keeps "+" as it is', () => {
    const { query } = splitRequestUrl('/queues/q/messages?ReceiptHandle=1-ODU4+OTk%3D&peekOnly=true');
    expect(query.get('receipthandle')).toBe('1-ODU4+OTk=');
    expect(query.get('peekonly')).toBe('true');
  });

  it('answers InvalidQueryString to a query it cannot decode', () => {
    expect(() => splitRequestUrl('/queues/q/messages?ReceiptHandle=%E0%A4%A')).toThrow(MnsError);
  });
});
