import type { CellValue } from '../plainbuffer/types.ts';

/**
 * Column conditions and row filters as the local server evaluates them, decoded from filter.proto `Filter`
 * (node_modules/tablestore/lib/protocol/tablestore_filter.proto). The same messages serve conditional writes
 * (`Condition.column_condition`) and read filters (`GetRowRequest.filter`, `GetRangeRequest.filter`, …):
 * https://www.alibabacloud.com/help/en/tablestore/developer-reference/configure-conditional-update
 * and https://www.alibabacloud.com/help/en/tablestore/developer-reference/configure-a-filter-by-using-nodejs-sdk
 */

/** filter.proto ComparatorType CT_EQUAL … CT_LESS_EQUAL, as the SDK's `TableStore.ComparatorType` names them. */
export type Comparator = 'EQUAL' | 'NOT_EQUAL' | 'GREATER_THAN' | 'GREATER_EQUAL' | 'LESS_THAN' | 'LESS_EQUAL';

/** filter.proto LogicalOperator LO_NOT, LO_AND, LO_OR. */
export type LogicalOperator = 'NOT' | 'AND' | 'OR';

/** SingleColumnValueFilter: one column (attribute or primary key) compared with a constant. */
export interface SingleColumnCondition {
  kind: 'single';
  column: string;
  comparator: Comparator;
  value: CellValue;
  /** The result when the row has no such column. On the wire this is `filter_if_missing = !passIfMissing`. */
  passIfMissing: boolean;
  /** True: only the newest version is compared. False: the condition holds if any version satisfies it. */
  latestVersionOnly: boolean;
}

/**
 * CompositeColumnValueFilter. The tuple types carry the service's arity rules: NOT takes exactly one
 * sub-condition, AND and OR at least two.
 */
export type CompositeCondition =
  | { kind: 'composite'; operator: 'NOT'; conditions: [ColumnCondition] }
  | { kind: 'composite'; operator: 'AND' | 'OR'; conditions: [ColumnCondition, ColumnCondition, ...ColumnCondition[]] };

/** What a conditional write checks, and what a read filter keeps or drops rows by. */
export type ColumnCondition = SingleColumnCondition | CompositeCondition;

/**
 * ColumnPaginationFilter: selects `limit` attribute columns starting at index `offset` of the row's columns
 * in name order. It never drops a row, so it is only a read filter and never a sub-condition.
 * https://www.alibabacloud.com/help/en/tablestore/developer-reference/columnpaginationfilter
 */
export interface ColumnPagination {
  kind: 'columnPagination';
  offset: number;
  limit: number;
}

/** Anything a read request's `filter` may carry. */
export type RowFilter = ColumnCondition | ColumnPagination;
