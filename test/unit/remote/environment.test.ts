import { describe, expect, it } from 'vitest';
import { readRemoteEnvironment } from '../../../infra/remote/environment.ts';
import { RemoteEnvironmentError } from '../../../infra/remote/errors.ts';

const complete = { ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI5tExample', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'secret', ALIBABA_CLOUD_ACCOUNT_ID: '1234567890123456' };

describe('readRemoteEnvironment', () => {
  it('reads the key pair and the account id', () => {
    expect(readRemoteEnvironment(complete)).toEqual({ credentials: { accessKeyId: 'LTAI5tExample', accessKeySecret: 'secret' }, accountId: '1234567890123456' });
  });

  it('carries an STS security token when there is one', () => {
    expect(readRemoteEnvironment({ ...complete, ALIBABA_CLOUD_SECURITY_TOKEN: 'sts' }).credentials.securityToken).toBe('sts');
  });

  it('names every missing or malformed variable, an empty one counting as missing', () => {
    expect(() => readRemoteEnvironment({ ALIBABA_CLOUD_ACCESS_KEY_ID: '', ALIBABA_CLOUD_ACCOUNT_ID: 'my-account', PARCELSCAN_REGION: 'Hangzhou' })).toThrow(
      new RemoteEnvironmentError([
        'ALIBABA_CLOUD_ACCESS_KEY_ID is not set',
        'ALIBABA_CLOUD_ACCESS_KEY_SECRET is not set',
        'ALIBABA_CLOUD_ACCOUNT_ID: must be the numeric account id',
        'PARCELSCAN_REGION: must be a region id such as cn-hangzhou',
      ]),
    );
  });
});
