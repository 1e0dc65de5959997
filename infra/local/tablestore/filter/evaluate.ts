import type { CellValue } from '../plainbuffer/types.ts';
import type { CellVersion, StoredRow } from '../row.ts';
import { compareCellValues } from './compare.ts';
import type { ColumnCondition, ColumnPagination, Comparator, SingleColumnCondition } from './types.ts';

/**
 * Evaluates column conditions against a stored row. Semantics, from the conditional-update and filter pages
 * (https://www.alibabacloud.com/help/en/tablestore/developer-reference/configure-conditional-update,
 * https://www.alibabacloud.com/help/en/tablestore/developer-reference/configure-a-filter-by-using-nodejs-sdk)
 * and the SDK docs of SingleColumnValueCondition:
 * - the column may be an attribute or a primary-key column;
 * - a column the row does not have gives `passIfMissing`;
 * - `latestVersionOnly` compares the newest version only; otherwise any version that satisfies the comparator
 *   satisfies the condition;
 * - a version whose type differs from the constant's never satisfies it, whatever the comparator (see
 *   compare.ts).
 */

function satisfies(comparator: Comparator, order: number): boolean {
  switch (comparator) {
    case 'EQUAL':
      return order === 0;
    case 'NOT_EQUAL':
      return order !== 0;
    case 'GREATER_THAN':
      return order > 0;
    case 'GREATER_EQUAL':
      return order >= 0;
    case 'LESS_THAN':
      return order < 0;
    case 'LESS_EQUAL':
      return order <= 0;
  }
}

/** The values the condition may look at, newest first; empty when the row lacks the column. */
function valuesOf(row: StoredRow | undefined, column: string): CellValue[] {
  if (row === undefined) return [];
  const primaryKeyColumn = row.primaryKey.find((pk) => pk.name === column);
  if (primaryKeyColumn !== undefined) return [primaryKeyColumn.value];
  return (row.columns.get(column) ?? []).map((version) => version.value);
}

function singleMatches(condition: SingleColumnCondition, row: StoredRow | undefined): boolean {
  const values = valuesOf(row, condition.column);
  const [newest] = values;
  if (newest === undefined) return condition.passIfMissing;
  const candidates = condition.latestVersionOnly ? [newest] : values;
  return candidates.some((value) => {
    const order = compareCellValues(value, condition.value);
    return order !== undefined && satisfies(condition.comparator, order);
  });
}

/**
 * Whether `row` satisfies `condition`. A row that does not exist (`undefined`) is treated as a row without
 * any column: a single condition gives its `passIfMissing`, and NOT/AND/OR combine those results as usual,
 * so NOT over a single condition with passIfMissing=true fails on a missing row. The service documents
 * passIfMissing only per column; extending it to a missing row is this server's reading of it.
 *
 * The caller decides which versions count: pass the row as the request sees it (a read's time range,
 * max_versions and columns_to_get applied, since the docs require filter columns to be among the columns
 * read), or all readable versions for a conditional write.
 *
 * @example
 * if (condition !== undefined && !matches(condition, stored)) throw conditionCheckFailed();
 */
export function matches(condition: ColumnCondition, row: StoredRow | undefined): boolean {
  if (condition.kind === 'single') return singleMatches(condition, row);
  switch (condition.operator) {
    case 'NOT':
      return !matches(condition.conditions[0], row);
    case 'AND':
      return condition.conditions.every((sub) => matches(sub, row));
    case 'OR':
      return condition.conditions.some((sub) => matches(sub, row));
  }
}

function byUtf8Name(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Applies a ColumnPaginationFilter to a row's attribute columns: sorted by name (Tablestore keeps a row's
 * columns in name order), it keeps `limit` columns starting at index `offset`, each with all of its versions.
 * Primary-key columns are not attribute columns and are always returned by the caller.
 * https://www.alibabacloud.com/help/en/tablestore/developer-reference/columnpaginationfilter
 *
 * @example
 * applyColumnPagination({ kind: 'columnPagination', offset: 1, limit: 2 }, row.columns); // 2nd and 3rd columns
 */
export function applyColumnPagination(
  pagination: ColumnPagination,
  columns: ReadonlyMap<string, CellVersion[]>,
): Map<string, CellVersion[]> {
  const names = [...columns.keys()].sort(byUtf8Name).slice(pagination.offset, pagination.offset + pagination.limit);
  return new Map(names.map((name) => [name, columns.get(name) ?? []]));
}
