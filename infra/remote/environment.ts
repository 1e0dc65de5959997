import { z } from 'zod';
import { alibabaCloudAccountVariables, credentialsOf, parseEnvironment } from '../cloud-environment.ts';
import type { Acs3Credentials } from './acs3-signature.ts';
import { RemoteEnvironmentError } from './errors.ts';

/**
 * What `parcelscan invoke --remote` reads from the environment: the key pair and the account id FC's endpoints
 * carry (`<account id>.<region>.fc.aliyuncs.com`; infra/cloud-environment.ts), and optionally the region s.yaml
 * deploys to (`PARCELSCAN_REGION`, checked here but read by s.yaml itself, with the default `cn-hangzhou`).
 */
const remoteEnvironment = z.object({
  ...alibabaCloudAccountVariables,
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
  const variables = parseEnvironment(remoteEnvironment, env, (problems) => new RemoteEnvironmentError(problems));
  return { credentials: credentialsOf(variables), accountId: variables.ALIBABA_CLOUD_ACCOUNT_ID };
}
