import { createHash } from 'node:crypto';
import MNS from '@alicloud/mns';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  contentMd5Matches,
  parseAuthorization,
  sign,
  signatureMatches,
  stringToSign,
} from '../../../infra/local/mns/signature.ts';

describe('MNS request signature', () => {
  it("reproduces the SDK's own test vector (aliyun/mns-nodejs-sdk test/client.test.js 'sign')", () => {
    const signature = sign('ACCESS_KEY_SECRET', {
      method: 'PUT',
      headers: {
        'content-md5': '574683b3684e3cff610afa155cc2506d',
        date: 'Tue, 11 Apr 2017 10:09:19 GMT',
        'content-type': 'text/xml',
        'x-mns-version': '2015-06-06',
      },
      resource: '/',
    });
    expect(signature).toBe('A9zehggaYHHujmuRMxGIDrhWwx8=');
  });

  it('signs VERB, Content-MD5, Content-Type, Date, the sorted x-mns-* headers and the raw resource', () => {
    const text = stringToSign({
      method: 'GET',
      headers: {
        date: 'Wed, 25 Nov 2026 03:16:19 GMT',
        'x-mns-version': '2015-06-06',
        'x-mns-date': 'Wed, 25 Nov 2026 03:16:19 GMT',
        host: 'local.mns.cn-hangzhou.aliyuncs.com',
        'security-token': 'ignored',
      },
      resource: '/queues/hub-scans/messages?numOfMessages=16&waitseconds=5',
    });
    expect(text).toBe(
      'GET\n\n\nWed, 25 Nov 2026 03:16:19 GMT\n' +
        'x-mns-date:Wed, 25 Nov 2026 03:16:19 GMT\nx-mns-version:2015-06-06\n' +
        '/queues/hub-scans/messages?numOfMessages=16&waitseconds=5',
    );
  });

  it('agrees with @alicloud/mns Client#sign on arbitrary requests', () => {
    const headerValue = fc.string({ minLength: 1, maxLength: 20 }).filter((value) => !/[\r\n]/.test(value));
    const request = fc.record({
      method: fc.constantFrom('GET', 'PUT', 'POST', 'DELETE'),
      secret: fc.string({ minLength: 1, maxLength: 40 }),
      contentMd5: fc.option(fc.base64String({ minLength: 4, maxLength: 44 }), { nil: undefined }),
      date: headerValue,
      mnsHeaders: fc.dictionary(fc.stringMatching(/^x-mns-[a-z-]{1,12}$/), headerValue, { maxKeys: 4 }),
      resource: fc.stringMatching(/^\/queues(\/[A-Za-z0-9-]{1,20}(\/messages(\?[A-Za-z0-9=&-]{0,40})?)?)?$/),
    });
    fc.assert(
      fc.property(request, ({ method, secret, contentMd5, date, mnsHeaders, resource }) => {
        const headers: Record<string, string> = { date, ...mnsHeaders };
        if (contentMd5 !== undefined) {
          headers['content-md5'] = contentMd5;
          headers['content-type'] = 'text/xml';
        }
        const sdk = new MNS('local', { accessKeyId: 'local', accessKeySecret: secret, endpoint: 'http://127.0.0.1:1' });
        expect(sign(secret, { method, headers, resource })).toBe(sdk.sign(method, headers, resource));
      }),
    );
  });

  it('matches a presented signature only when it is exactly the expected one', () => {
    const parts = { method: 'GET', headers: { date: 'Tue, 11 Apr 2017 10:09:19 GMT' }, resource: '/queues' };
    const signature = sign('local-secret', parts);
    expect(signatureMatches('local-secret', parts, signature)).toBe(true);
    expect(signatureMatches('other-secret', parts, signature)).toBe(false);
    expect(signatureMatches('local-secret', parts, `${signature}x`)).toBe(false);
    expect(signatureMatches('local-secret', { ...parts, resource: '/queues/a' }, signature)).toBe(false);
  });
});

describe('Authorization header', () => {
  it('splits "MNS {AccessKeyId}:{Signature}"', () => {
    expect(parseAuthorization('MNS local:A9zehggaYHHujmuRMxGIDrhWwx8=')).toEqual({
      accessKeyId: 'local',
      signature: 'A9zehggaYHHujmuRMxGIDrhWwx8=',
    });
  });

  it('refuses other schemes and shapes', () => {
    expect(parseAuthorization('AWS local:abc')).toBeUndefined();
    expect(parseAuthorization('MNS local')).toBeUndefined();
    expect(parseAuthorization('MNS :abc')).toBeUndefined();
    expect(parseAuthorization('MNS local:')).toBeUndefined();
  });
});

describe('Content-MD5', () => {
  const body = Buffer.from('<Message><MessageBody>PS773061155005900</MessageBody></Message>');
  const digest = createHash('md5').update(body).digest();

  it("accepts the SDK's base64 of the hex digest, including the documented empty-body value", () => {
    expect(contentMd5Matches(Buffer.from(digest.toString('hex')).toString('base64'), body)).toBe(true);
    expect(contentMd5Matches('ZDQxZDhjZDk4ZjAwYjIwNGU5ODAwOTk4ZWNmODQyN2U=', Buffer.alloc(0))).toBe(true);
  });

  it('accepts the RFC 1864 base64 of the raw digest', () => {
    expect(contentMd5Matches(digest.toString('base64'), body)).toBe(true);
  });

  it('refuses a digest of another body', () => {
    expect(contentMd5Matches(digest.toString('base64'), Buffer.from('tampered'))).toBe(false);
  });
});
