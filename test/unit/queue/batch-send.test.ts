import { describe, expect, it } from 'vitest';
import { batchSendGroups, batchSendLimits } from '../../../layers/core/src/queue/batch-send.ts';

const bodyOf = (bytes: number, mark = 'A'): string => mark.repeat(bytes);

describe('batchSendGroups: message bodies split into BatchSendMessage calls', () => {
  it('needs no call for no messages', () => {
    expect(batchSendGroups([])).toEqual([]);
  });

  it('puts up to 16 messages in one call, and the 17th in the next', () => {
    const bodies = Array.from({ length: 17 }, (_, index) => `body-${index}`);
    const groups = batchSendGroups(bodies);
    expect(groups.map((group) => group.length)).toEqual([batchSendLimits.messages, 1]);
    expect(groups.flat()).toEqual(bodies);
  });

  it('starts a new call before the bodies pass 64 KB in all', () => {
    const bodies = [bodyOf(30_000, 'a'), bodyOf(30_000, 'b'), bodyOf(30_000, 'c')];
    expect(batchSendGroups(bodies)).toEqual([[bodies[0], bodies[1]], [bodies[2]]]);
  });

  it('fills a call to exactly 64 KB', () => {
    const bodies = [bodyOf(batchSendLimits.bodyBytes - 1_000, 'a'), bodyOf(1_000, 'b')];
    expect(batchSendGroups(bodies)).toEqual([bodies]);
  });

  it('counts bytes, not characters', () => {
    const half = batchSendLimits.bodyBytes / 2;
    // '包' is three bytes in UTF-8: 43 691 characters, 65 537 bytes.
    const bodies = [bodyOf(half), '包'.repeat(Math.ceil(half / 3))];
    expect(batchSendGroups(bodies)).toHaveLength(2);
  });

  it('sends a body over 64 KB in a call of its own, for MNS to refuse by name, rather than dropping it', () => {
    const oversized = bodyOf(batchSendLimits.bodyBytes + 1, 'x');
    expect(batchSendGroups(['before', oversized, 'after'])).toEqual([['before'], [oversized], ['after']]);
  });
});
