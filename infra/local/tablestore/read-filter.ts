import type { Columns } from './cells.ts';
import { decodeFilter } from './filter/decode.ts';
import { applyColumnPagination, matches } from './filter/evaluate.ts';
import type { RowFilter } from './filter/types.ts';
import type { StoredPrimaryKey } from './plainbuffer/types.ts';

/**
 * The `filter` of GetRow, GetRange and BatchGetRow: a column condition keeps or drops the whole row; a
 * column-pagination filter keeps a slice of its columns.
 * https://www.alibabacloud.com/help/en/tablestore/developer-reference/filter
 */
export function readFilterOf(bytes: Uint8Array | null | undefined): RowFilter | undefined {
  return bytes && bytes.length > 0 ? decodeFilter(bytes) : undefined;
}

/** The row's columns after the filter, or undefined when the filter drops the row. */
export function filterRow(filter: RowFilter | undefined, primaryKey: StoredPrimaryKey, columns: Columns): Columns | undefined {
  if (filter === undefined) return columns;
  if (filter.kind === 'columnPagination') return applyColumnPagination(filter, columns);
  return matches(filter, { primaryKey, columns }) ? columns : undefined;
}
