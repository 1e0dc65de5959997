import { z } from 'zod';

/**
 * A partner id: 1 to 32 characters of lower-case letters, digits and '-', starting with a letter or digit (`demo`,
 * `sto-hub-sh`). It is the namespace of `eventId`s, so it can hold no '/': that keeps {@link scanEventKey}
 * unambiguous. A queue message's `source` is a partner id too (hub scanner systems are internal partners), so a
 * sender that uses both the webhook and the queue has one namespace and its resends dedupe across both.
 */
export const partnerIdPattern = /^[a-z0-9][a-z0-9-]{0,31}$/;

/** Parses a partner id (or a queue message's `source`), see {@link partnerIdPattern}. */
export const partnerIdSchema = z
  .string({ error: "must be 1 to 32 characters of a-z, 0-9 and '-'" })
  .regex(partnerIdPattern, "must be 1 to 32 characters of a-z, 0-9 and '-', starting with a letter or digit");

/**
 * The key that identifies a scan across all senders: `${partnerId}/${eventId}`. The same key again is a
 * duplicate; the key also breaks ties between scans of the same millisecond (see {@link compareScanOrder}).
 *
 * @example
 * ```ts
 * scanEventKey('demo', 'e-1'); // 'demo/e-1'
 * ```
 */
export function scanEventKey(partnerId: string, eventId: string): string {
  return `${partnerId}/${eventId}`;
}

/** Where a scan sits in a parcel's timeline. */
export interface ScanOrderKey {
  occurredAtMs: number;
  eventKey: string;
}

/**
 * Orders scans by `occurredAtMs`, then by `eventKey`: a total order, so "the latest scan" is the same whatever
 * order the scans arrived in. Keys compare bytewise as UTF-8, the order Tablestore uses for STRING columns, so a
 * conditional update in the store can express the same order
 * (https://www.alibabacloud.com/help/en/tablestore/developer-reference/configure-conditional-update).
 *
 * @example
 * ```ts
 * compareScanOrder({ occurredAtMs: 1, eventKey: 'demo/b' }, { occurredAtMs: 1, eventKey: 'demo/a' }); // > 0
 * ```
 */
export function compareScanOrder(a: ScanOrderKey, b: ScanOrderKey): number {
  if (a.occurredAtMs !== b.occurredAtMs) return a.occurredAtMs < b.occurredAtMs ? -1 : 1;
  return Buffer.compare(Buffer.from(a.eventKey, 'utf8'), Buffer.from(b.eventKey, 'utf8'));
}
