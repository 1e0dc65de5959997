import { describe, expect, it } from 'vitest';
import { queues } from '../../../infra/queues.ts';
import { functionRolePolicy, functionRoleTrustPolicy, queueAccess, queueMessagesArn, queuesWithoutAccess, tableArn, tablestoreRowActions, type PolicyTarget } from '../../../infra/ram-policy.ts';
import { tables } from '../../../infra/tables.ts';

const target: PolicyTarget = { region: 'cn-hangzhou', accountId: '1234567890123456', tablestoreInstance: 'ParcelScan', logProject: 'parcelscan-logs', logstore: 'functions' };
const policy = functionRolePolicy(target);
const allActions = policy.Statement.flatMap((statement) => statement.Action);
const allResources = policy.Statement.flatMap((statement) => statement.Resource);

function resourcesFor(action: string): string[] {
  return policy.Statement.filter((statement) => statement.Action.includes(action)).flatMap((statement) => statement.Resource);
}

describe('the function role policy', () => {
  it('grants the Tablestore row operations on every declared table, and no other table', () => {
    const tableResources = tables.map((table) => tableArn(target, table));
    expect(tableResources).toContain('acs:ots:cn-hangzhou:1234567890123456:instance/parcelscan/table/scan_events');
    for (const action of tablestoreRowActions) expect(resourcesFor(action).sort()).toEqual([...tableResources].sort());
    expect(allResources.filter((resource) => resource.startsWith('acs:ots:')).sort()).toEqual([...tableResources].sort());
  });

  it('covers every declared queue, granting the function role only what it sends', () => {
    expect(queuesWithoutAccess(queues)).toEqual([]);
    for (const access of queueAccess) {
      const arn = queueMessagesArn(target, access.queue);
      for (const action of access.actions) {
        if (access.principal === 'function-role') expect(resourcesFor(action)).toContain(arn);
        else expect(allActions).not.toContain(action);
      }
    }
    expect(resourcesFor('mns:BatchSendMessage')).toEqual(['acs:mns:cn-hangzhou:1234567890123456:/queues/scan-events-dlq/messages']);
  });

  it("lets the function write only to its own Logstore", () => {
    expect(resourcesFor('log:PostLogStoreLogs')).toEqual(['acs:log:cn-hangzhou:1234567890123456:project/parcelscan-logs/logstore/functions']);
  });

  it('has no wildcard in any action or resource, and allows only', () => {
    for (const value of [...allActions, ...allResources]) expect(value).not.toContain('*');
    expect(policy.Statement.every((statement) => statement.Effect === 'Allow')).toBe(true);
    expect(policy.Version).toBe('1');
  });

  it('is assumed by Function Compute only', () => {
    expect(functionRoleTrustPolicy.Statement).toEqual([{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: ['fc.aliyuncs.com'] } }]);
  });
});
