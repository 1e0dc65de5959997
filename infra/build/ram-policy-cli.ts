/**
 * Prints the function role's RAM policy (or its trust policy) as JSON, for `aliyun ram CreatePolicy` or the
 * RAM console. Values default to the same environment variables s.yaml reads.
 *
 *   npx tsx infra/build/ram-policy-cli.ts --account-id 1234567890123456 [--region cn-hangzhou]
 *     [--instance parcelscan] [--log-project parcelscan-logs] [--logstore functions] [--trust]
 */
import { parseArgs } from 'node:util';
import { functionRolePolicy, functionRoleTrustPolicy } from '../ram-policy.ts';

const { values } = parseArgs({
  options: {
    'account-id': { type: 'string', default: process.env.ALIBABA_CLOUD_ACCOUNT_ID ?? '' },
    region: { type: 'string', default: process.env.PARCELSCAN_REGION ?? 'cn-hangzhou' },
    instance: { type: 'string', default: process.env.PARCELSCAN_TABLESTORE_INSTANCE ?? 'parcelscan' },
    'log-project': { type: 'string', default: process.env.PARCELSCAN_LOG_PROJECT ?? 'parcelscan-logs' },
    logstore: { type: 'string', default: process.env.PARCELSCAN_LOGSTORE ?? 'functions' },
    trust: { type: 'boolean', default: false },
  },
  strict: true,
});

if (values.trust) {
  console.log(JSON.stringify(functionRoleTrustPolicy, null, 2));
} else if (!/^\d+$/.test(values['account-id'])) {
  console.error('ram-policy: --account-id (or ALIBABA_CLOUD_ACCOUNT_ID) must be the numeric account id');
  process.exitCode = 2;
} else {
  const policy = functionRolePolicy({
    region: values.region,
    accountId: values['account-id'],
    tablestoreInstance: values.instance,
    logProject: values['log-project'],
    logstore: values.logstore,
  });
  console.log(JSON.stringify(policy, null, 2));
}
