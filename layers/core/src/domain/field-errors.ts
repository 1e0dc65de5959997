import type { z } from 'zod';
import type { ErrorDetail } from '../errors.ts';

/**
 * Names a field the way a partner reads it in their own JSON: `events[3].waybillNo`. `prefix` is where the
 * validated value sits in the request (`events[3]`, or `''` for the whole body).
 *
 * @example
 * ```ts
 * fieldPath('events[3]', ['waybillNo']); // 'events[3].waybillNo'
 * fieldPath('', ['lat']);                // 'lat'
 * ```
 */
export function fieldPath(prefix: string, path: readonly PropertyKey[]): string {
  let text = prefix;
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? String(segment) : `.${String(segment)}`;
  }
  return text;
}

/**
 * The zod issues of one value as API error details, paths written with {@link fieldPath}.
 *
 * @example
 * ```ts
 * const parsed = scanEventSchema.safeParse(item);
 * if (!parsed.success) fieldErrors(parsed.error, 'events[3]');
 * // [{ path: 'events[3].waybillNo', message: 'check digit does not match' }]
 * ```
 */
export function fieldErrors(error: z.ZodError, prefix: string): ErrorDetail[] {
  return error.issues.map((issue) => ({ path: fieldPath(prefix, issue.path), message: issue.message }));
}

/**
 * An error detail as one line, for logs and dead-letter reasons.
 *
 * @example
 * ```ts
 * describeFieldError({ path: 'events[3].waybillNo', message: 'check digit does not match' });
 * // 'events[3].waybillNo: check digit does not match'
 * ```
 */
export function describeFieldError(detail: ErrorDetail): string {
  return detail.path === '' ? detail.message : `${detail.path}: ${detail.message}`;
}
