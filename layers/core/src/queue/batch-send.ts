/**
 * How many messages one BatchSendMessage may carry: at most 16, and at most 64 KB of message bodies in all
 * (https://help.aliyun.com/en/mns/developer-reference/batchsendmessage; the local server checks the same,
 * infra/local/mns/README.md).
 */
export const batchSendLimits = { messages: 16, bodyBytes: 64 * 1024 } as const;

/**
 * Splits message bodies, as they go on the wire, into BatchSendMessage calls: in order, each call within
 * {@link batchSendLimits}. A body over the byte limit on its own still gets a call of its own, for MNS to refuse
 * with an error that names it, rather than being dropped here.
 *
 * @example
 * ```ts
 * batchSendGroups(Array.from({ length: 20 }, () => 'aGk=')).map((group) => group.length); // [16, 4]
 * ```
 */
export function batchSendGroups(bodies: readonly string[]): string[][] {
  const groups: string[][] = [];
  let group: string[] = [];
  let groupBytes = 0;
  for (const body of bodies) {
    const bytes = Buffer.byteLength(body, 'utf8');
    const fits = group.length < batchSendLimits.messages && groupBytes + bytes <= batchSendLimits.bodyBytes;
    if (!fits && group.length > 0) {
      groups.push(group);
      group = [];
      groupBytes = 0;
    }
    group.push(body);
    groupBytes += bytes;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}
