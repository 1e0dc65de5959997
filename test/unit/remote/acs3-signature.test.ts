import { describe, expect, it } from 'vitest';
import { acs3Signature, acsDate, canonicalRequest, percentEncode, sha256Hex, signedHeaderNames, signRequest } from '../../../infra/remote/acs3-signature.ts';

/**
 * The worked example of "Request syntax and signature method V3"
 * (https://www.alibabacloud.com/help/en/sdk/product-overview/v3-request-structure-and-signature): ECS RunInstances
 * with two query parameters and an empty body, signed with YourAccessKeyId / YourAccessKeySecret.
 */
const documented = {
  request: {
    method: 'POST',
    path: '/',
    query: { ImageId: 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd', RegionId: 'cn-shanghai' },
    headers: { host: 'ecs.cn-shanghai.aliyuncs.com' },
  },
  credentials: { accessKeyId: 'YourAccessKeyId', accessKeySecret: 'YourAccessKeySecret' },
  options: { action: 'RunInstances', version: '2014-05-26', date: new Date('2023-10-26T10:22:32Z'), nonce: '3156853299f313e23d1673dc12e1703d' },
  hashedCanonicalRequest: '7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259',
  authorization:
    'ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0',
};

describe('ACS3-HMAC-SHA256 signature', () => {
  it('reproduces the worked example of the V3 signature page: canonical request hash and Authorization', () => {
    const headers = signRequest(documented.request, Buffer.alloc(0), documented.credentials, documented.options);
    expect(headers.authorization).toBe(documented.authorization);
    expect(headers['x-acs-content-sha256']).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    const canonical = canonicalRequest({ ...documented.request, headers }, signedHeaderNames(headers), headers['x-acs-content-sha256'] ?? '');
    expect(sha256Hex(canonical)).toBe(documented.hashedCanonicalRequest);
    expect(acs3Signature(canonical, documented.credentials.accessKeySecret)).toBe('06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0');
  });

  it('signs host, content-type and every x-acs-* header of an InvokeFunction call, and not the x-fc-* ones', () => {
    const headers = signRequest(
      {
        method: 'POST',
        path: '/2023-03-30/functions/parcelscan-tracking-api/invocations',
        query: {},
        headers: { host: '1234567890123456.cn-hangzhou.fc.aliyuncs.com', 'content-type': 'application/octet-stream', accept: 'application/json', 'x-fc-log-type': 'Tail' },
      },
      Buffer.from('{"rawPath":"/track"}'),
      { accessKeyId: 'id', accessKeySecret: 'secret' },
      { action: 'InvokeFunction', version: '2023-03-30', date: new Date('2026-11-10T12:00:00.750Z'), nonce: 'n-1' },
    );
    expect(headers['x-acs-date']).toBe('2026-11-10T12:00:00Z');
    expect(headers['x-acs-content-sha256']).toBe(sha256Hex('{"rawPath":"/track"}'));
    expect(headers.authorization).toMatch(/^ACS3-HMAC-SHA256 Credential=id,SignedHeaders=content-type;host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=[0-9a-f]{64}$/);
  });

  it('sends and signs an STS security token with the key id it belongs to', () => {
    const headers = signRequest(documented.request, Buffer.alloc(0), { ...documented.credentials, securityToken: 'sts-token' }, documented.options);
    expect(headers['x-acs-security-token']).toBe('sts-token');
    expect(headers['x-acs-accesskey-id']).toBe('YourAccessKeyId');
    expect(headers.authorization).toContain('SignedHeaders=host;x-acs-accesskey-id;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-security-token;x-acs-signature-nonce;x-acs-version,');
    expect(headers.authorization).not.toBe(documented.authorization);
  });

  it('percent-encodes as RFC 3986, leaving only unreserved characters', () => {
    expect(percentEncode("a b*c+d/e=f&g!'()~-_.")).toBe('a%20b%2Ac%2Bd%2Fe%3Df%26g%21%27%28%29~-_.');
    expect(percentEncode('中')).toBe('%E4%B8%AD');
  });

  it('writes x-acs-date to the second, in UTC', () => {
    expect(acsDate(new Date('2023-10-26T18:22:32.999+08:00'))).toBe('2023-10-26T10:22:32Z');
  });
});
