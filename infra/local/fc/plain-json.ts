import { types } from 'node:util';

/**
 * Whether a handler's return value can cross from the instance to the runtime as it is (a structured clone), with
 * the meaning it has as the JSON text FC's Node.js runtime makes of it: `JSON.parse(JSON.stringify(value))` would be
 * a deep copy of it, and `JSON.stringify` of the copy gives the same text. That holds for strings, finite numbers
 * other than -0, booleans and null, and for arrays (no holes, no extra properties) and plain objects (no `toJSON`, no
 * own `__proto__`) made of those. An HTTP trigger answer — `{statusCode, headers, isBase64Encoded, body}` — is such
 * a value, and crosses without being written as JSON in the instance and parsed again by the gateway.
 * Past `budget` values it answers false, so a large answer costs no more than its JSON text.
 *
 * @example
 * ```ts
 * isPlainJson({ statusCode: 200, headers: { 'content-type': 'text/html' }, body: '<p>hi</p>' }); // true
 * isPlainJson({ at: new Date() });                                                              // false: toJSON
 * isPlainJson({ count: Number.NaN });                                                           // false: JSON writes null
 * ```
 */
export function isPlainJson(value: unknown, budget = 1000): boolean {
  const pending: unknown[] = [value];
  let left = budget;
  while (pending.length > 0) {
    if (--left < 0) return false;
    const next = pending.pop();
    switch (typeof next) {
      case 'string':
      case 'boolean':
        continue;
      case 'number':
        if (!Number.isFinite(next) || Object.is(next, -0)) return false;
        continue;
      case 'object':
        if (next === null) continue;
        if (!pushChildren(next, pending)) return false;
        continue;
      default:
        return false;
    }
  }
  return true;
}

/** Queues the values of a plain array or object; false for any other object. */
function pushChildren(container: object, pending: unknown[]): boolean {
  // A Proxy looks plain but cannot be structured-cloned to the runtime's thread (DataCloneError).
  if (types.isProxy(container)) return false;
  const prototype: unknown = Object.getPrototypeOf(container);
  if (Array.isArray(container)) {
    if (prototype !== Array.prototype || Object.keys(container).length !== container.length) return false;
    for (const element of container) pending.push(element);
    return true;
  }
  if (prototype !== Object.prototype && prototype !== null) return false;
  if (Object.hasOwn(container, 'toJSON') || Object.hasOwn(container, '__proto__')) return false;
  for (const key of Object.keys(container)) pending.push((container as Record<string, unknown>)[key]);
  return true;
}
