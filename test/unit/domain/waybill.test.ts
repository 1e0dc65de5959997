import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isValidWaybillNo,
  luhnCheckDigit,
  waybillNoSchema,
  waybillPartition,
} from '../../../layers/core/src/domain/index.ts';
import { exampleWaybillNo, waybillNoFrom } from './scan-fixtures.ts';

const payload = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 14, maxLength: 14 });
const position = fc.integer({ min: 0, max: 14 });

/** Positions (0-based from the left of the 15 digits) whose digit is doubled: 13, 11, …, 1. */

function replaceDigit(waybillNo: string, index: number, digit: number): string {
  return `${waybillNo.slice(0, index)}${digit}${waybillNo.slice(index + 1)}`;
}

function messagesFor(value: unknown): string[] {
  const parsed = waybillNoSchema.safeParse(value);
  return parsed.success ? [] : parsed.error.issues.map((issue) => issue.message);
}

describe('waybill numbers', () => {
  it('accepts 773061155005900, whose last digit is the Luhn check digit of the first 14', () => {
    expect(isValidWaybillNo(exampleWaybillNo)).toBe(true);
    expect(luhnCheckDigit('77306115500590')).toBe(0);
  });

  it("rejects the issue's example 773061155005903: standard Luhn gives check digit 0, not 3", () => {
    // From the right: 0·2→0, 9, 5·2→1, 0, 0·2→0, 5, 5·2→1, 1, 1·2→2, 6, 0·2→0, 3, 7·2→5, 7: sum 40, check 0.
    expect(isValidWaybillNo('773061155005903')).toBe(false);
  });

  it('accepts every 15-digit number whose last digit is the check digit of the first 14', () => {
    fc.assert(
      fc.property(payload, (first14) => {
        expect(isValidWaybillNo(`${first14}${luhnCheckDigit(first14)}`)).toBe(true);
      }),
    );
  });

  it('catches every single-digit error, at any position', () => {
    fc.assert(
      fc.property(payload, position, fc.integer({ min: 1, max: 9 }), (first14, index, shift) => {
        const valid = waybillNoFrom(first14);
        const misread = replaceDigit(valid, index, (Number(valid[index]) + shift) % 10);
        expect(isValidWaybillNo(misread)).toBe(false);
      }),
    );
  });

  it('catches every transposition of two different adjacent digits except 09↔90, the check digit included', () => {
    fc.assert(
      fc.property(payload, fc.integer({ min: 0, max: 13 }), (first14, index) => {
        const valid = waybillNoFrom(first14);
        fc.pre(valid[index] !== valid[index + 1]);
        fc.pre(!['09', '90'].includes(`${valid[index]}${valid[index + 1]}`));
        const swapped = `${valid.slice(0, index)}${valid[index + 1]}${valid[index]}${valid.slice(index + 2)}`;
        expect(isValidWaybillNo(swapped)).toBe(false);
      }),
    );
  });

  it('is exactly: 15 digits, the last being luhnCheckDigit of the first 14, for any text (property)', () => {
    const nearlyWaybillNo = fc.oneof(
      fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 13, maxLength: 16 }),
      fc.string({ unit: fc.constantFrom(...'0123456789/:٠x'), minLength: 15, maxLength: 15 }),
      fc.string(),
    );
    fc.assert(
      fc.property(nearlyWaybillNo, (value) => {
        const definition = /^\d{15}$/.test(value) && luhnCheckDigit(value.slice(0, 14)) === Number(value[14]);
        expect(isValidWaybillNo(value)).toBe(definition);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses a payload that is not 14 digits, since the check digit is only defined for 14', () => {
    expect(() => luhnCheckDigit('7730611550059')).toThrow(RangeError);
    expect(() => luhnCheckDigit('7730611550059x')).toThrow(RangeError);
  });
});

describe('waybillNoSchema', () => {
  it('parses a valid waybill number to itself', () => {
    expect(waybillNoSchema.parse(exampleWaybillNo)).toBe(exampleWaybillNo);
  });

  it.each([
    ['14 digits', '77306115500590'],
    ['16 digits', '7730611550059000'],
    ['a letter', '77306115500590X'],
    ['spaces', '773 061155005903'],
    ['an empty string', ''],
  ])('says "must be 15 digits" for %s', (_case, value) => {
    expect(messagesFor(value)).toEqual(['must be 15 digits']);
  });

  it('says "check digit does not match" for 15 digits with a wrong last digit', () => {
    expect(messagesFor('773061155005904')).toEqual(['check digit does not match']);
  });

  it('says what is expected when the value is not a string, and "is required" when it is missing', () => {
    expect(messagesFor(773061155005900)).toEqual(['must be a string of 15 digits']);
    expect(messagesFor(undefined)).toEqual(['is required']);
  });
});

describe('waybillPartition', () => {
  it('is the first 4 hex characters of md5(waybillNo)', () => {
    // `printf 773061155005900 | md5sum` gives 7182bfd6bffbd90b987ad78010783bed.
    expect(waybillPartition(waybillNoSchema.parse(exampleWaybillNo))).toBe('7182');
  });

  it('spreads consecutive waybill numbers over many prefixes', () => {
    const prefixes = new Set<string>();
    for (let serial = 0; serial < 1000; serial++) {
      prefixes.add(waybillPartition(waybillNoFrom(`7730611550${String(serial).padStart(4, '0')}`)));
    }
    expect(prefixes.size).toBeGreaterThan(950);
  });
});
