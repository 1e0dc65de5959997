import MnsClient from '@alicloud/mns';
import type { QueueDeclaration } from '../queues.ts';
import type { ProvisionOutcome } from './tablestore-tables.ts';

/**
 * Creates the declared MNS queues, or sets their attributes when they exist with others; a second run changes
 * nothing. CreateQueue answers 201 for a new queue, 204 for an identical one and 409 QueueAlreadyExist for one
 * with other attributes (https://www.alibabacloud.com/help/en/doc-detail/35129.htm).
 */

export interface MnsTarget {
  endpoint: string;
  accountId: string;
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

function attributesOf(queue: QueueDeclaration) {
  return {
    VisibilityTimeout: queue.visibilityTimeout,
    MessageRetentionPeriod: queue.messageRetentionPeriod,
    MaximumMessageSize: queue.maximumMessageSize,
  };
}

export async function provisionQueues(target: MnsTarget, declared: readonly QueueDeclaration[]): Promise<ProvisionOutcome[]> {
  const client = new MnsClient(target.accountId, {
    endpoint: target.endpoint,
    accessKeyId: target.accessKeyId,
    accessKeySecret: target.accessKeySecret,
    ...(target.securityToken === undefined ? {} : { securityToken: target.securityToken }),
  });
  const outcomes: ProvisionOutcome[] = [];
  for (const queue of declared) {
    try {
      const response = await client.createQueue(queue.name, attributesOf(queue));
      outcomes.push({ name: queue.name, action: response.code === 201 ? 'created' : 'unchanged' });
    } catch (error) {
      if ((error as Error).name !== 'MNSQueueAlreadyExistError') throw error;
      await client.setQueueAttributes(queue.name, attributesOf(queue));
      outcomes.push({ name: queue.name, action: 'updated' });
    }
  }
  return outcomes;
}
