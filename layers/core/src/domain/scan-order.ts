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
  return compareUtf8(a.eventKey, b.eventKey);
}

/**
 * Compares two strings in the order of their UTF-8 bytes without encoding them (a fold compares keys for every
 * scan, and encoding both each time was most of its cost). UTF-8 byte order is code point order, so code units are
 * compared directly until they differ, and only there decoded: a surrogate pair is a code point above U+FFFF,
 * which UTF-16 order would put before U+E000…U+FFFF.
 *
 * @example
 * ```ts
 * compareUtf8('a/\u{1F4E6}', 'a/\uFF5E'); // 1, though '\u{1F4E6}' < '\uFF5E' in UTF-16
 * ```
 */
export function compareUtf8(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const unit = a.charCodeAt(i);
    if (unit === b.charCodeAt(j) && !isSurrogate(unit)) {
      i += 1;
      j += 1;
      continue;
    }
    const x = codePointAt(a, i);
    const y = codePointAt(b, j);
    if (x !== y) return x < y ? -1 : 1;
    i += x > 0xffff ? 2 : 1;
    j += y > 0xffff ? 2 : 1;
  }
  if (i < a.length) return 1;
  return j < b.length ? -1 : 0;
}

function isSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdfff;
}

/** The code point at `index` as UTF-8 encodes it: a lone surrogate becomes U+FFFD, as Buffer.from writes it. */
function codePointAt(text: string, index: number): number {
  const unit = text.charCodeAt(index);
  if (!isSurrogate(unit)) return unit;
  if (unit <= 0xdbff && index + 1 < text.length) {
    const low = text.charCodeAt(index + 1);
    if (low >= 0xdc00 && low <= 0xdfff) return 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
  }
  return 0xfffd;
}
