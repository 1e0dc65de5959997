/**
 * The two rules every metric set's values follow, in one place so the sets cannot drift apart: what may be added
 * to a counter, and how a field name becomes a reason that SLS groups by.
 */

/**
 * Whether `n` may be added to a counter: a positive finite number. Anything else is ignored rather than thrown,
 * so that a metric never throws into the handler.
 */
export function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0;
}

/**
 * A schema field name in upper snake case, as reasons spell it.
 *
 * @example
 * ```ts
 * upperSnakeCase('occurredAt'); // 'OCCURRED_AT'
 * ```
 */
export function upperSnakeCase(field: string): string {
  return field.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
}
