/**
 * Column conditions (conditional PutRow/UpdateRow/DeleteRow/BatchWriteRow) and row filters
 * (GetRow/GetRange/BatchGetRow) for the local Tablestore server: decoded from filter.proto bytes and
 * evaluated against stored rows, without I/O.
 */
export { decodeColumnCondition, decodeFilter } from './decode.ts';
export { applyColumnPagination, matches } from './evaluate.ts';
export { FilterError } from './errors.ts';
export type {
  ColumnCondition,
  ColumnPagination,
  Comparator,
  CompositeCondition,
  LogicalOperator,
  RowFilter,
  SingleColumnCondition,
} from './types.ts';
