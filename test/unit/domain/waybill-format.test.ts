import { describe, expect, it } from 'vitest';
import {
  formatWaybillNo,
  isValidWaybillNo,
  luhnCheckDigit,
  waybillNoSchema,
  waybillSequenceCapacity,
} from '../../../layers/core/src/domain/index.ts';

describe('formatWaybillNo', () => {
  it('writes the prefix 77, the sequence zero-padded to 12 digits, then the Luhn check digit', () => {
    expect(formatWaybillNo(0)).toBe('770000000000008');
    expect(formatWaybillNo(42)).toBe(`77000000000042${luhnCheckDigit('77000000000042')}`);
    expect(formatWaybillNo(306115500590)).toBe('773061155005900');
  });

  it('gives numbers every API accepts, up to the last sequence number', () => {
    for (const sequence of [0, 1, 9, 10, 123456789, 999999999998, waybillSequenceCapacity - 1]) {
      const waybillNo = formatWaybillNo(sequence);
      expect(waybillNo).toMatch(/^77\d{13}$/);
      expect(isValidWaybillNo(waybillNo)).toBe(true);
      expect(waybillNoSchema.safeParse(waybillNo).success).toBe(true);
    }
  });

  it('gives distinct numbers to distinct sequence numbers', () => {
    const waybillNos = new Set(Array.from({ length: 10_000 }, (_, sequence) => formatWaybillNo(sequence * 99_991)));
    expect(waybillNos.size).toBe(10_000);
  });

  it('holds 10^12 sequence numbers and refuses anything outside them', () => {
    expect(waybillSequenceCapacity).toBe(1_000_000_000_000);
    for (const sequence of [-1, waybillSequenceCapacity, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1]) {
      expect(() => formatWaybillNo(sequence)).toThrow(RangeError);
    }
  });
});
