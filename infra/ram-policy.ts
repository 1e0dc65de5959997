import { queues, scanEventsDeadLetterQueue, scanEventsQueue, type QueueDeclaration } from './queues.ts';
import { tables, type TableDeclaration } from './tables.ts';

/**
 * Least-privilege RAM policy of the functions' role (s.yaml `role`), generated from the tables and queues
 * declared in infra/ so it cannot drift from them. Only the actions the code calls, only on the resources it
 * touches; no wildcard anywhere.
 *
 * Who needs what:
 * - The function role (this policy), assumed by FC for the handlers' SDK calls (FC passes its STS credentials
 *   in the context and ALIBABA_CLOUD_* variables):
 *   - Tablestore row operations on the declared tables. Actions are the API names with `ots:`; a table is
 *     `acs:ots:<region>:<accountId>:instance/<instance>/table/<table>`, instance name in lower case
 *     (https://www.alibabacloud.com/help/en/tablestore/tablestore-ram-policy/).
 *   - `mns:BatchSendMessage` on the dead-letter queue, where scan-consumer puts the messages it cannot accept
 *     (up to 16 a call); the resource is `acs:mns:<region>:<accountId>:/queues/<queue>/messages`
 *     (BatchSendMessage, "Authorization information": https://alibabacloud.com/help/en/mns/developer-reference/batchsendmessage).
 *   - `log:PostLogStoreLogs` on the function's Logstore (`logConfig`), resource
 *     `acs:log:<region>:<accountId>:project/<project>/logstore/<logstore>`
 *     (https://www.alibabacloud.com/help/doc-detail/29051.html). FC 3.0 can also deliver logs through its
 *     service-linked role AliyunServiceRoleForFC; granting the write to the function role keeps logging working
 *     when a function runs with its own role (https://www.alibabacloud.com/help/en/functioncompute/service-linked-role-of-function-compute).
 * - Not this role: the MNS queue trigger is an EventBridge event stream. EventBridge receives and deletes the
 *   scan-events messages (mns:ReceiveMessage, mns:DeleteMessage), invokes the function and sends exhausted
 *   batches to the dead-letter queue under its own service-linked roles (AliyunServiceRoleForEventBridgeSourceMNS,
 *   AliyunServiceRoleForEventBridgeSendToFC, AliyunServiceRoleForEventBridgeSendToMNS), which it creates when
 *   the trigger is created (https://alibabacloud.com/help/en/eventbridge/service-linked-roles).
 * - Not this role either: `parcelscan provision` (ots:ListTable/CreateTable/DescribeTable/UpdateTable,
 *   mns:CreateQueue/SetQueueAttributes) runs as the operator.
 */

export interface PolicyTarget {
  region: string;
  accountId: string;
  tablestoreInstance: string;
  logProject: string;
  logstore: string;
}

export interface RamStatement {
  Effect: 'Allow';
  Action: string[];
  Resource: string[];
}

export interface RamPolicyDocument {
  Version: '1';
  Statement: RamStatement[];
}

/** The Tablestore operations layers/core/src/store issues on behalf of the functions. */
export const tablestoreRowActions = ['ots:PutRow', 'ots:GetRow', 'ots:UpdateRow', 'ots:GetRange', 'ots:BatchWriteRow', 'ots:BatchGetRow'] as const;

export interface QueueAccess {
  queue: QueueDeclaration;
  /** `function-role`: granted by this policy; otherwise the service-linked role that holds it. */
  principal: 'function-role' | 'AliyunServiceRoleForEventBridgeSourceMNS';
  actions: readonly string[];
  why: string;
}

/** Every declared queue, with who reads or writes it. */
export const queueAccess: readonly QueueAccess[] = [
  {
    queue: scanEventsQueue,
    principal: 'AliyunServiceRoleForEventBridgeSourceMNS',
    actions: ['mns:ReceiveMessage', 'mns:DeleteMessage'],
    why: 'the scan-consumer trigger (an EventBridge event stream) consumes it; hub scanners send to it with their own keys',
  },
  {
    queue: scanEventsDeadLetterQueue,
    principal: 'function-role',
    actions: ['mns:BatchSendMessage'],
    why: 'scan-consumer sends the messages it cannot accept, with their reasons',
  },
];

export function tableArn(target: PolicyTarget, table: TableDeclaration): string {
  return `acs:ots:${target.region}:${target.accountId}:instance/${target.tablestoreInstance.toLowerCase()}/table/${table.name}`;
}

export function queueMessagesArn(target: PolicyTarget, queue: QueueDeclaration): string {
  return `acs:mns:${target.region}:${target.accountId}:/queues/${queue.name}/messages`;
}

export function logstoreArn(target: PolicyTarget): string {
  return `acs:log:${target.region}:${target.accountId}:project/${target.logProject}/logstore/${target.logstore}`;
}

/**
 * @example
 * functionRolePolicy({ region: 'cn-hangzhou', accountId: '1234567890123456', tablestoreInstance: 'parcelscan',
 *   logProject: 'parcelscan-logs', logstore: 'functions' });
 * // { Version: '1', Statement: [{ Effect: 'Allow', Action: ['ots:PutRow', …], Resource: ['acs:ots:cn-hangzhou:…:instance/parcelscan/table/scan_events', …] }, …] }
 */
export function functionRolePolicy(
  target: PolicyTarget,
  declared: { tables: readonly TableDeclaration[]; queueAccess: readonly QueueAccess[] } = { tables, queueAccess },
): RamPolicyDocument {
  const statements: RamStatement[] = [
    { Effect: 'Allow', Action: [...tablestoreRowActions], Resource: declared.tables.map((table) => tableArn(target, table)) },
  ];
  const sent = declared.queueAccess.filter((access) => access.principal === 'function-role');
  const actions = [...new Set(sent.flatMap((access) => access.actions))];
  for (const action of actions) {
    statements.push({
      Effect: 'Allow',
      Action: [action],
      Resource: sent.filter((access) => access.actions.includes(action)).map((access) => queueMessagesArn(target, access.queue)),
    });
  }
  statements.push({ Effect: 'Allow', Action: ['log:PostLogStoreLogs'], Resource: [logstoreArn(target)] });
  return { Version: '1', Statement: statements };
}

/**
 * Trust policy of the function role: the trusted principal must be the FC service, or `s deploy` fails with
 * "No permission to assume the role" (devsapp's FC FAQ, docs/service_role.md:
 * https://github.com/awesome-fc/fc-faq/blob/main/docs/service_role.md).
 */
export const functionRoleTrustPolicy = {
  Version: '1',
  Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: ['fc.aliyuncs.com'] } }],
} as const;

/** Declared queues nobody is given access to (should be none). */
export function queuesWithoutAccess(declared: readonly QueueDeclaration[] = queues): QueueDeclaration[] {
  return declared.filter((queue) => !queueAccess.some((access) => access.queue.name === queue.name));
}
