import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskPersonName, maskPhone } from '../../../layers/core/src/domain/index.ts';
import { splitGraphemes } from '../../../layers/core/src/domain/masking.ts';

describe('maskPersonName', () => {
  it('masks a one-character name entirely, since its first character is all of it', () => {
    expect(maskPersonName('張')).toBe('*');
  });

  it('keeps the surname of a two-character Chinese name: 張三 → 張*', () => {
    expect(maskPersonName('張三')).toBe('張*');
  });

  it('keeps the first character and one star per other character of longer syllabic names', () => {
    expect(maskPersonName('王小明')).toBe('王**');
    expect(maskPersonName('歐陽娜娜')).toBe('歐***');
    expect(maskPersonName('さとう')).toBe('さ**');
    expect(maskPersonName('김민준')).toBe('김**');
  });

  it("gives each word of a Latin name its initial and three stars, hiding the word's length", () => {
    expect(maskPersonName('John Smith')).toBe('J*** S***');
    expect(maskPersonName('Al')).toBe('A***');
    expect(maskPersonName('Maximilian')).toBe('M***');
    expect(maskPersonName('  Jean-Luc   Picard ')).toBe('J*** P***');
  });

  it('masks whole characters, not UTF-16 halves or parts of combined letters', () => {
    expect(maskPersonName('𠀋一')).toBe('𠀋*');
    expect(maskPersonName('E\u0301lodie')).toBe('E\u0301***');
  });

  it('answers a single star for an empty name', () => {
    expect(maskPersonName('')).toBe('*');
    expect(maskPersonName('   ')).toBe('*');
  });

  it('never shows the characters after the first of a word', () => {
    expect(maskPersonName('諸葛孔明')).not.toMatch(/[葛孔明]/u);
    expect(maskPersonName('Ada Lovelace')).not.toMatch(/[a-z]/u);
  });

  it('gives back a masked name unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 12 }), (name) => {
        const masked = maskPersonName(name);
        expect(maskPersonName(masked)).toBe(masked);
      }),
    );
  });
});

describe('maskPhone', () => {
  it('keeps the first 3 and last 4 digits of a mainland mobile: 13812345678 → 138****5678', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
  });

  it('reads mobiles written with +86 or 0086 and separators', () => {
    expect(maskPhone('+86 138-1234-5678')).toBe('138****5678');
    expect(maskPhone('0086 13812345678')).toBe('138****5678');
    expect(maskPhone('(+86) 138 1234 5678')).toBe('138****5678');
  });

  it('keeps the 3-digit area code of Beijing and the 02x cities and the last 4 digits of a landline', () => {
    expect(maskPhone('010-12345678')).toBe('010-****5678');
    expect(maskPhone('02158889999')).toBe('021-****9999');
  });

  it('keeps the 4-digit area code of other cities, for 7- and 8-digit local numbers', () => {
    expect(maskPhone('0571-87654321')).toBe('0571-****4321');
    expect(maskPhone('0898 6543210')).toBe('0898-****3210');
  });

  it('drops the extension of a landline', () => {
    expect(maskPhone('010-12345678-123')).toBe('010-****5678');
    expect(maskPhone('0571 8765 4321 ext. 12')).toBe('0571-****4321');
    expect(maskPhone('021-58889999转806')).toBe('021-****9999');
  });

  it('reads landlines written internationally, without the trunk 0', () => {
    expect(maskPhone('+86 10 1234 5678')).toBe('010-****5678');
    expect(maskPhone('+86-571-87654321')).toBe('0571-****4321');
  });

  it('shows only the last 4 digits of numbers from elsewhere', () => {
    expect(maskPhone('+1 415 555 0100')).toBe('****0100');
    expect(maskPhone('+44 20 7946 0958')).toBe('****0958');
  });

  it('shows no digit of a number shorter than 7 digits', () => {
    expect(maskPhone('95338')).toBe('****');
    expect(maskPhone('')).toBe('****');
  });

  it('never shows more than the prefix and the last 4 digits of a mobile', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^1[3-9]\d{9}$/u), (mobile) => {
        expect(maskPhone(mobile)).toBe(`${mobile.slice(0, 3)}****${mobile.slice(-4)}`);
      }),
    );
  });

  it('gives back a masked number unchanged', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 24 }), fc.stringMatching(/^(\+86 )?(1\d{10}|0\d{2,3}-\d{7,8})$/u)), (phone) => {
        const masked = maskPhone(phone);
        expect(maskPhone(masked)).toBe(masked);
      }),
    );
  });
});

describe('splitting a name into graphemes', () => {
  const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  const bySegmenter = (text: string): string[] => Array.from(segmenter.segment(text), (part) => part.segment);
  // Printable ASCII and CJK ideographs take the fast path; the rest are there to make it step aside.
  const unit = fc.oneof(
    fc.constantFrom('a', 'Z', ' ', '-', '張', '歐', '陽', '\u3400', '\u9FFF'),
    fc.constantFrom('\u0301', '\uFE0F', '\u200D', '\r', '\n', '\u1100', '\u1161', '👍', '🇨', '🇳', 'é'),
  );

  it('gives what Intl.Segmenter gives, for any mix of fast-path and other characters', () => {
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 8 }), (units) => {
        const text = units.join('');
        expect(splitGraphemes(text)).toEqual(bySegmenter(text));
      }),
      { numRuns: 3000 },
    );
  });
});
