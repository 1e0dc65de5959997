/**
 * The one step every log and metric field goes through before it is serialised: personal data is masked,
 * and whatever JSON cannot hold (cycles, bigints, Errors, Buffers) becomes something it can.
 *
 * Personal data is recognised by KEY, at any depth, case- and separator-insensitively: a receiver's or sender's
 * name, phone, mobile, address, the `detail` of an address, who signed for a parcel (`signedBy`). The value under
 * such a key is replaced whole by {@link redactedValue}, whatever its type, without being looked into. As a second
 * line of defence, mainland-China phone numbers are masked inside every string (free text such as a remark or an
 * error message can quote one). Pino's own redaction (`@pinojs/redact`) matches fixed paths with one level per
 * wildcard, so `*.phone` misses `a.b.phone` and `receiverPhone`: one reason parcelscan does not log with pino.
 */

/** What a masked value becomes. */
export const redactedValue = '[REDACTED]';

/** Normalised key names (lower case, letters and digits only) whose values are always personal data. */
const personalKeys: ReadonlySet<string> = new Set([
  'name',
  'fullname',
  'firstname',
  'lastname',
  'realname',
  'nickname',
  'username',
  'customername',
  'contactname',
  'contact',
  'detail',
  'tel',
  'idno',
  'idnumber',
  'signer',
]);

/**
 * Normalised fragments that make any key containing them personal: `receiverName`, `sender_phone`,
 * `consigneeAddress`, `SIGNED_BY`, `mobileNo`, `ipAddress`…
 */
const personalFragments: readonly string[] = [
  'receiver',
  'sender',
  'recipient',
  'consignee',
  'consignor',
  'phone',
  'mobile',
  'address',
  'signedby',
  'idcard',
  'email',
];

/**
 * Whether a field name names personal data. `facilityName`, `functionName` or `tableName` do not: only `name`
 * itself and person-name keys are personal, next to the fragments above.
 *
 * @example
 * ```ts
 * isPersonalKey('receiverPhone'); // true
 * isPersonalKey('SIGNED_BY');     // true
 * isPersonalKey('facilityName');  // false
 * ```
 */
export function isPersonalKey(key: string): boolean {
  let personal = verdicts.get(key);
  if (personal === undefined) {
    personal = judgeKey(key);
    // Field names come from code, so they are few; the bound only guards against keys made from data.
    if (verdicts.size < maxRememberedKeys) verdicts.set(key, personal);
  }
  return personal;
}

/**
 * Verdicts already reached, by key as written: a log line asks about the same few keys again and again. A memo of a
 * pure function, shared by all requests of the instance on purpose; it holds no request's data.
 */
const verdicts = new Map<string, boolean>();
const maxRememberedKeys = 4096;

function judgeKey(key: string): boolean {
  const normalised = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (personalKeys.has(normalised)) return true;
  return personalFragments.some((fragment) => normalised.includes(fragment));
}

/**
 * A mainland-China phone number in free text: a mobile number, 1[3-9] then 9 digits, optionally after +86 and with
 * spaces or dashes; or a landline written with its area code and a dash, `021-12345678`. It must stand alone, not
 * touch a letter or digit: a 15-digit waybill number, a 13-digit epoch, or a run of digits inside a hex trace or
 * request id is never mistaken for one (an id that changed in one line would no longer link it to the others).
 */
const phoneNumberPattern = /(?<![0-9A-Za-z])(?:(?:\+?86[-\s]?)?1[3-9]\d[-\s]?\d{4}[-\s]?\d{4}|0\d{2,3}-\d{7,8})(?![0-9A-Za-z])/g;

/** A cheap test that lets most strings skip the pattern: a phone number has at least 11 characters. */
const mightHoldPhoneNumber = (text: string): boolean => text.length >= 11;

/** Longest string kept in a log line; longer ones are cut with a note of how much was cut. */
const maxStringLength = 8192;
/** Deepest nesting kept; deeper values become `[Truncated]`. */
const maxDepth = 8;
/** Most array items kept; the rest are summarised. A log line is not the place for a whole batch. */
const maxArrayItems = 50;

/**
 * Masks phone numbers in free text and cuts it to a bounded length.
 *
 * @example
 * ```ts
 * maskText('call 138 1234 5678 at the gate'); // 'call [REDACTED] at the gate'
 * maskText('waybill 773061155005903');        // unchanged
 * ```
 */
export function maskText(text: string): string {
  const masked = mightHoldPhoneNumber(text) ? text.replace(phoneNumberPattern, redactedValue) : text;
  return masked.length <= maxStringLength ? masked : `${masked.slice(0, maxStringLength)}…[${masked.length - maxStringLength} more chars]`;
}

/** A JSON-safe value: what {@link sanitize} returns. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * The fields of a log or metric line, redacted and made JSON-safe: personal keys masked at any depth, cycles cut,
 * `undefined`, functions and symbols dropped, bigints as strings, Dates as ISO text, Errors as
 * `{type, message, …own fields, stack?, cause?}`, bytes as a length only (a raw body may hold personal data),
 * strings longer than 8 KB cut, nesting past 8 levels and arrays past 50 items summarised.
 *
 * @example
 * ```ts
 * sanitizeFields({ waybillNo: '773061155005903', receiver: { name: 'Li Lei', phone: '13812345678' } });
 * // { waybillNo: '773061155005903', receiver: '[REDACTED]' }
 * ```
 */
export function sanitizeFields(fields: object): Record<string, JsonValue> {
  return sanitizeObjectEntries(Object.entries(fields), 0, new WeakSet());
}

/**
 * One value made JSON-safe and redacted as {@link sanitizeFields} does; `undefined` when it has no JSON form.
 *
 * @example
 * ```ts
 * sanitize(new Error('boom')); // { type: 'Error', message: 'boom', stack: '…' }
 * ```
 */
export function sanitize(value: unknown): JsonValue | undefined {
  return sanitizeValue(value, 0, new WeakSet());
}

function sanitizeObjectEntries(entries: Iterable<readonly [string, unknown]>, depth: number, seen: WeakSet<object>): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const [key, value] of entries) {
    if (isPersonalKey(key)) {
      out[key] = redactedValue;
      continue;
    }
    const clean = sanitizeValue(value, depth + 1, seen);
    if (clean !== undefined) out[key] = clean;
  }
  return out;
}

function sanitizeValue(value: unknown, depth: number, seen: WeakSet<object>): JsonValue | undefined {
  switch (typeof value) {
    case 'string':
      return maskText(value);
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null) return null;
  const object = value as object;
  if (depth > maxDepth) return '[Truncated]';
  if (seen.has(object)) return '[Circular]';
  seen.add(object);
  try {
    return sanitizeObject(object, depth, seen);
  } finally {
    seen.delete(object);
  }
}

function sanitizeObject(object: object, depth: number, seen: WeakSet<object>): JsonValue | undefined {
  if (object instanceof Date) return Number.isNaN(object.getTime()) ? 'Invalid Date' : object.toISOString();
  if (object instanceof Error) return sanitizeError(object, depth, seen);
  if (ArrayBuffer.isView(object)) return `[${object.byteLength} bytes]`;
  if (object instanceof ArrayBuffer) return `[${object.byteLength} bytes]`;
  if (Array.isArray(object)) return sanitizeArray(object, depth, seen);
  if (object instanceof Set) return sanitizeArray([...object], depth, seen);
  if (object instanceof Map) return sanitizeObjectEntries([...object].map(([key, item]) => [String(key), item] as const), depth, seen);
  const toJSON = (object as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return sanitizeValue(toJSON.call(object), depth + 1, seen);
  return sanitizeObjectEntries(Object.entries(object), depth, seen);
}

function sanitizeArray(items: readonly unknown[], depth: number, seen: WeakSet<object>): JsonValue[] {
  const kept = items.slice(0, maxArrayItems).map((item) => sanitizeValue(item, depth + 1, seen) ?? null);
  if (items.length > maxArrayItems) kept.push(`…[${items.length - maxArrayItems} more items]`);
  return kept;
}

/** An Error as `{type, message, …its own fields (code, retryable, attempts…), stack, cause}`. */
function sanitizeError(error: Error, depth: number, seen: WeakSet<object>): JsonValue {
  const own = sanitizeObjectEntries(Object.entries(error), depth, seen);
  const out: Record<string, JsonValue> = { type: error.name, message: maskText(error.message), ...own };
  if (error.stack !== undefined) out.stack = maskText(error.stack);
  if (error.cause !== undefined) {
    const cause = sanitizeValue(error.cause, depth + 1, seen);
    if (cause !== undefined) out.cause = cause;
  }
  return out;
}
