import { z } from 'zod';

/**
 * What the commands that reach Alibaba Cloud (`parcelscan provision`, `parcelscan invoke --remote`) read from the
 * environment in common: the key pair and the account id, under the names Alibaba Cloud's SDKs and CLI read
 * (ALIBABA_CLOUD_*, https://help.aliyun.com/zh/sdk/developer-reference/configure-the-alibaba-cloud-accesskey-environment-variable-on-linux-macos-and-windows-systems),
 * and one way of reporting what is wrong with them.
 */

/** The key pair and the account id, to spread into a command's own `z.object` shape. */
export const alibabaCloudAccountVariables = {
  ALIBABA_CLOUD_ACCESS_KEY_ID: z.string().min(1),
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: z.string().min(1),
  /** Only with STS credentials. */
  ALIBABA_CLOUD_SECURITY_TOKEN: z.string().min(1).optional(),
  ALIBABA_CLOUD_ACCOUNT_ID: z.string().regex(/^\d+$/, 'must be the numeric account id'),
};

/** A key pair, with its STS token when the keys are temporary. */
export interface AlibabaCloudCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

/** The credentials in variables parsed with {@link alibabaCloudAccountVariables}. */
export function credentialsOf(variables: {
  ALIBABA_CLOUD_ACCESS_KEY_ID: string;
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: string;
  ALIBABA_CLOUD_SECURITY_TOKEN?: string | undefined;
}): AlibabaCloudCredentials {
  return {
    accessKeyId: variables.ALIBABA_CLOUD_ACCESS_KEY_ID,
    accessKeySecret: variables.ALIBABA_CLOUD_ACCESS_KEY_SECRET,
    ...(variables.ALIBABA_CLOUD_SECURITY_TOKEN === undefined ? {} : { securityToken: variables.ALIBABA_CLOUD_SECURITY_TOKEN }),
  };
}

/**
 * Parses `env` with `schema`, an empty string counting as unset. When it does not parse, throws what `toError`
 * makes of one line per problem, `NAME is not set` or `NAME: <rule>`, so the message names every variable to fix.
 *
 * @example
 * ```ts
 * const env = parseEnvironment(z.object({ MNS_ENDPOINT: z.url(), ...alibabaCloudAccountVariables }), process.env, (problems) => new Error(problems.join('; ')));
 * ```
 */
export function parseEnvironment<Output>(
  schema: z.ZodType<Output>,
  env: Readonly<Record<string, string | undefined>>,
  toError: (problems: string[]) => Error,
): Output {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = schema.safeParse(present);
  if (parsed.success) return parsed.data;
  throw toError(
    parsed.error.issues.map((issue) => {
      const variable = issue.path.join('.');
      return present[variable] === undefined ? `${variable} is not set` : `${variable}: ${issue.message}`;
    }),
  );
}
