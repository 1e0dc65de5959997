import { randomUUID } from 'node:crypto';

/**
 * A request id shaped like FC 3.0's (`1-64f6cd87-…`: version, hex epoch seconds, random hex). The random part comes
 * from a v4 UUID's fully random groups (its first 8 and last 12 hex digits): Node hands those out of a cached pool
 * of entropy, several times cheaper per request than `randomBytes`.
 */
export function newFcRequestId(now: Date = new Date()): string {
  const seconds = Math.floor(now.getTime() / 1000).toString(16).padStart(8, '0');
  const random = randomUUID();
  return `1-${seconds}-${random.slice(0, 8)}-${random.slice(24)}`;
}
