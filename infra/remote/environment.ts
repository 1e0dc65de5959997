import { z } from 'zod';
import type { Acs3Credentials } from './acs3-signature.ts';
import { RemoteEnvironmentError } from './errors.ts';

/**
 * What `parcelscan invoke --remote` reads from the environment: the key pair under the names Alibaba Cloud's
 * SDKs and CLI read (ALIBABA_CLOUD_*, https://help.aliyun.com/zh/sdk/developer-reference/configure-the-alibaba-cloud-accesskey-environment-variable-on-linux-macos-and-windows-systems),
 * the account id FC's endpoints carry (`<account id>.<region>.fc.aliyuncs.com`), and optionally the region
 * s.yaml deploys to (`PARCELSCAN_REGION`, checked here but read by s.yaml itself, with the default `cn-hangzhou`).
 */
const remoteEnvironment = z.object({
  ALIBABA_CLOUD_ACCESS_KEY_ID: z.string().min(1),
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: z.string().min(1),
  /** Only with STS credentials. */
  ALIBABA_CLOUD_SECURITY_TOKEN: z.string().min(1).optional(),
  ALIBABA_CLOUD_ACCOUNT_ID: z.string().regex(/^\d+$/, 'must be the numeric account id'),
  PARCELSCAN_REGION: z
    .string()
    .regex(/^[a-z]+(-[a-z0-9]+)+$/, 'must be a region id such as cn-hangzhou')
    .optional(),
});

export interface RemoteEnvironment {
  credentials: Acs3Credentials;
  accountId: string;
}

/** Parses the variables the call needs; empty strings count as unset, and the error names every problem. */
export function readRemoteEnvironment(env: Readonly<Record<string, string | undefined>>): RemoteEnvironment {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = remoteEnvironment.safeParse(present);
  if (!parsed.success) {
    throw new RemoteEnvironmentError(
      parsed.error.issues.map((issue) => {
        const variable = issue.path.join('.');
        return present[variable] === undefined ? `${variable} is not set` : `${variable}: ${issue.message}`;
      }),
    );
  }
  const { data } = parsed;
  return {
    credentials: {
      accessKeyId: data.ALIBABA_CLOUD_ACCESS_KEY_ID,
      accessKeySecret: data.ALIBABA_CLOUD_ACCESS_KEY_SECRET,
      ...(data.ALIBABA_CLOUD_SECURITY_TOKEN === undefined ? {} : { securityToken: data.ALIBABA_CLOUD_SECURITY_TOKEN }),
    },
    accountId: data.ALIBABA_CLOUD_ACCOUNT_ID,
  };
}
