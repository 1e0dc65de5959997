/**
 * Masking of personal data shown on public tracking answers: enough for a receiver to recognise their own
 * parcel ("張*", "138****5678"), too little to identify or call them. Both functions are idempotent (a value
 * already masked comes back unchanged), so a summary stored masked and masked again reads the same.
 */

const maskChar = '*';
/**
 * Made on first use: creating a Segmenter loads ICU data, 8–9 ms of a cold start, and only the functions that show
 * an order mask anything.
 */
let graphemes: Intl.Segmenter | undefined;

/** Scripts whose names are written without spaces, one syllable per character: Han, Hiragana, Katakana, Hangul. */
const syllabicScript = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/**
 * Text in which every UTF-16 unit is a grapheme of its own: printable ASCII and the CJK ideographs, nearly every
 * name a tracking answer masks. Anything else (combining marks, variation selectors, emoji, CR LF, Hangul jamo,
 * surrogates) goes to the Segmenter, which costs several microseconds a name on every tracking query.
 */
const singleUnitGraphemes = /^[\x20-\x7E\u3400-\u4DBF\u4E00-\u9FFF]*$/;

/** @internal exported for the property test that pins the fast path to the Segmenter. */
export function splitGraphemes(text: string): string[] {
  if (singleUnitGraphemes.test(text)) return text.split('');
  graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return Array.from(graphemes.segment(text), (part) => part.segment);
}

function maskWord(word: string): string {
  const [first, ...rest] = splitGraphemes(word);
  if (first === undefined || first === maskChar) return maskChar.repeat(Math.max(1, rest.length + 1));
  // A one-character name kept as it is would be the whole name.
  if (rest.length === 0) return maskChar;
  // Syllabic names keep their length, as Chinese carriers print them (張*, 歐陽**); in alphabetic names the
  // length of each word narrows a name down too much, so every word becomes its initial and three stars.
  return syllabicScript.test(first) ? first + maskChar.repeat(rest.length) : first + maskChar.repeat(3);
}

/**
 * A person's name as the public may see it: the first character of each word, the rest as `*`.
 *
 * - Chinese, Japanese and Korean names keep their first character and one `*` per other character:
 *   `張三` → `張*`, `王小明` → `王**`;
 * - alphabetic names keep each word's initial followed by `***`, whatever the word's length:
 *   `John Smith` → `J*** S***`;
 * - a one-character name is entirely masked (`張` → `*`), since its first character is all of it.
 *
 * Whitespace is collapsed; an empty name gives `*`.
 *
 * @example
 * ```ts
 * maskPersonName('張三');       // '張*'
 * maskPersonName('John Smith'); // 'J*** S***'
 * maskPersonName('張');         // '*'
 * ```
 */
export function maskPersonName(name: string): string {
  const words = name.trim().split(/\s+/u).filter((word) => word !== '');
  if (words.length === 0) return maskChar;
  return words.map(maskWord).join(' ');
}

/** Mainland mobile numbers: 11 digits starting with 13 to 19. `*` stands in for a digit, so masked numbers parse too. */
const mainlandMobile = /^1[3-9]\d[\d*]{4}\d{4}$/u;
/** An explicit extension at the end of a landline: `-123`, `#123`, `ext. 123`, `x123`, `转123`. */
const extensionSuffix = /\s*(?:-|#|ext\.?|x|转|分机)\s*\d{1,6}$/iu;

/**
 * The number as dialled within the mainland: `+86`/`0086` is taken off, and a landline gets back its trunk
 * prefix `0` (`+86 10 …` is `010 …`). `undefined` for a number of another country.
 */
function nationalForm(phone: string): string | undefined {
  const trimmed = phone.trim().replace(/[()]/gu, '');
  if (!/^(?:\+|00)/u.test(trimmed)) return trimmed;
  const countryCode = /^(?:\+|00)86[\s-]*/u.exec(trimmed);
  if (countryCode === null) return undefined;
  const rest = trimmed.slice(countryCode[0].length);
  return /^1[\d*]{10}$/u.test(digitsOf(rest)) ? rest : `0${rest}`;
}

function digitsOf(text: string): string {
  return text.replace(/[^\d*]/gu, '');
}

/**
 * A mainland landline split into its area code (3 digits for Beijing 010 and the 02x cities, 4 elsewhere) and a
 * 7- or 8-digit local number; any extension is dropped.
 */
function mainlandLandline(national: string): { areaCode: string; local: string } | undefined {
  for (const candidate of [national, national.replace(extensionSuffix, '')]) {
    const digits = digitsOf(candidate);
    const areaLength = /^0(?:10|2\d)/u.test(digits) ? 3 : /^0[3-9]\d{2}/u.test(digits) ? 4 : 0;
    if (areaLength === 0) return undefined;
    const local = digits.slice(areaLength);
    if (local.length === 7 || local.length === 8) return { areaCode: digits.slice(0, areaLength), local };
  }
  return undefined;
}

/**
 * A phone number as the public may see it; only the last four digits (and for mainland numbers the
 * carrier-identifying prefix or the area code) stay visible.
 *
 * - mainland mobiles keep their first 3 and last 4 digits: `13812345678`, `+86 138-1234-5678` → `138****5678`;
 * - mainland landlines keep the area code and the last 4 digits, and drop any extension:
 *   `010-12345678` → `010-****5678`, `0571 8765 4321 ext. 12` → `0571-****4321`;
 * - anything else (other countries, short numbers) becomes `****` and its last 4 digits, or just `****` when it
 *   has fewer than 7 digits, since 4 of 6 digits would give most of it away.
 *
 * @example
 * ```ts
 * maskPhone('13812345678');     // '138****5678'
 * maskPhone('0571-87654321');   // '0571-****4321'
 * maskPhone('+1 415 555 0100'); // '****0100'
 * ```
 */
export function maskPhone(phone: string): string {
  const national = nationalForm(phone);
  if (national !== undefined) {
    const digits = digitsOf(national);
    if (mainlandMobile.test(digits)) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
    const landline = mainlandLandline(national);
    if (landline !== undefined) return `${landline.areaCode}-****${landline.local.slice(-4)}`;
  }
  const allDigits = digitsOf(phone);
  return allDigits.length < 7 ? '****' : `****${allDigits.slice(-4)}`;
}
