import { randomBytes } from 'node:crypto';

/** A request id shaped like FC 3.0's (`1-64f6cd87-…`: version, hex epoch seconds, random hex). */
export function newFcRequestId(now: Date = new Date()): string {
  const seconds = Math.floor(now.getTime() / 1000).toString(16).padStart(8, '0');
  return `1-${seconds}-${randomBytes(4).toString('hex')}-${randomBytes(6).toString('hex')}`;
}
