import { createRequire } from 'node:module';
import { decodeColumnValue } from '../plainbuffer/decode.ts';
import { PlainBufferError } from '../plainbuffer/errors.ts';
import type { CellValue } from '../plainbuffer/types.ts';
import { FilterError } from './errors.ts';
import type { ColumnCondition, ColumnPagination, Comparator, LogicalOperator, RowFilter } from './types.ts';

/**
 * Decodes filter.proto `Filter` bytes, as the SDK builds them in lib/protocol/encoder.js
 * (`_makeColumnCondition`): a Filter{type, filter} whose `filter` holds a serialized SingleColumnValueFilter,
 * CompositeColumnValueFilter (sub-filters nested as Filter messages) or ColumnPaginationFilter.
 *
 * Limits and messages follow the live service as the Java SDK's functional tests assert it
 * (aliyun/aliyun-tablestore-java-sdk tablestore/src/test/java/com/alicloud/openservices/tablestore/model/
 * UnifiedFilterRestrictionAndParamCheckingTest.java and UnifiedConditionalUpdateTest.java#testLimits):
 * at most 32 filter nodes counting composites, NOT with exactly one sub-filter, AND/OR with at least two,
 * and string/binary constants of at most 2 MB. Other messages are worded in the same style.
 */

interface FilterMessage {
  type: number;
  filter: Uint8Array;
}

interface SingleColumnValueFilterMessage {
  comparator: number;
  columnName: string;
  columnValue: Uint8Array;
  filterIfMissing: boolean;
  latestVersionOnly: boolean;
}

interface CompositeColumnValueFilterMessage {
  combinator: number;
  subFilters: FilterMessage[];
}

interface ColumnPaginationFilterMessage {
  offset: number;
  limit: number;
}

interface MessageDecoder<M> {
  decode(bytes: Uint8Array): M;
}

// The SDK's own compiled classes, so the bytes are read by the same schema that wrote them.
const require = createRequire(import.meta.url);
const filterProto = (
  require('tablestore/lib/protocol/tablestore_compiled_proto.js') as {
    filter: {
      proto: {
        Filter: MessageDecoder<FilterMessage>;
        SingleColumnValueFilter: MessageDecoder<SingleColumnValueFilterMessage>;
        CompositeColumnValueFilter: MessageDecoder<CompositeColumnValueFilterMessage>;
        ColumnPaginationFilter: MessageDecoder<ColumnPaginationFilterMessage>;
      };
    };
  }
).filter.proto;

// filter.proto FilterType.
const FT_SINGLE_COLUMN_VALUE = 1;
const FT_COMPOSITE_COLUMN_VALUE = 2;
const FT_COLUMN_PAGINATION = 3;

const comparators: ReadonlyMap<number, Comparator> = new Map([
  [1, 'EQUAL'],
  [2, 'NOT_EQUAL'],
  [3, 'GREATER_THAN'],
  [4, 'GREATER_EQUAL'],
  [5, 'LESS_THAN'],
  [6, 'LESS_EQUAL'],
]);

const logicalOperators: ReadonlyMap<number, LogicalOperator> = new Map([
  [1, 'NOT'],
  [2, 'AND'],
  [3, 'OR'],
]);

/** Counted over the whole tree, composites included (UnifiedConditionalUpdateTest#testLimits: OR + 31 passes, OR + 32 fails). */
const MAX_FILTER_COUNT = 32;

/** The attribute value size limit, which the service also applies to filter constants. */
const MAX_VALUE_BYTES = 2 * 1024 * 1024;

function parse<M>(decoder: MessageDecoder<M>, bytes: Uint8Array, name: string): M {
  try {
    return decoder.decode(bytes);
  } catch (error) {
    throw new FilterError(`Failed to parse ${name}: ${error instanceof Error ? error.message : String(error)}.`);
  }
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function valueLength(value: CellValue): number {
  if (value.type === 'STRING') return Buffer.byteLength(value.value, 'utf8');
  if (value.type === 'BINARY') return value.value.length;
  return 0;
}

function singleCondition(bytes: Uint8Array): ColumnCondition {
  const message = parse(filterProto.SingleColumnValueFilter, bytes, 'SingleColumnValueFilter');
  const comparator = comparators.get(message.comparator);
  if (comparator === undefined) throw new FilterError(`Invalid comparator type: ${message.comparator}.`);
  if (message.columnName.length === 0) throw new FilterError('The column name of a column condition must not be empty.');

  // `column_value` is a bare PlainBuffer variant (SDK: PlainBufferBuilder.serializeColumnValue).
  let value: CellValue;
  try {
    value = decodeColumnValue(asBuffer(message.columnValue));
  } catch (error) {
    if (!(error instanceof PlainBufferError)) throw error;
    throw new FilterError(`Invalid column value for column: '${message.columnName}'. ${error.message}`);
  }
  const length = valueLength(value);
  if (length > MAX_VALUE_BYTES) {
    throw new FilterError(
      `The length of attribute column: '${message.columnName}' exceeds the MaxLength:${MAX_VALUE_BYTES} with CurrentLength:${length}.`,
    );
  }

  return {
    kind: 'single',
    column: message.columnName,
    comparator,
    value,
    passIfMissing: !message.filterIfMissing,
    latestVersionOnly: message.latestVersionOnly,
  };
}

function compositeCondition(bytes: Uint8Array, counted: { count: number }): ColumnCondition {
  const message = parse(filterProto.CompositeColumnValueFilter, bytes, 'CompositeColumnValueFilter');
  const operator = logicalOperators.get(message.combinator);
  if (operator === undefined) throw new FilterError(`Invalid logical operator: ${message.combinator}.`);

  // Children first, so an oversized tree reports the count limit before any arity rule, as the service does
  // for a NOT with 999 sub-filters (testCompositeColumnValueFilter_ExceedMaxBreadth_*).
  const conditions = message.subFilters.map((sub) => conditionFrom(sub, counted));
  if (operator === 'NOT') {
    const [only, ...extra] = conditions;
    if (only === undefined || extra.length > 0) {
      throw new FilterError('Invalid NOT operator: the number of sub-filters must be 1.');
    }
    return { kind: 'composite', operator, conditions: [only] };
  }
  const [first, second, ...rest] = conditions;
  if (first === undefined || second === undefined) {
    throw new FilterError('Invalid AND/OR operator: the number of sub-filters must be more than 1.');
  }
  return { kind: 'composite', operator, conditions: [first, second, ...rest] };
}

function conditionFrom(message: FilterMessage, counted: { count: number }): ColumnCondition {
  counted.count += 1;
  if (counted.count > MAX_FILTER_COUNT) throw new FilterError(`The count of filter exceeds the max: ${MAX_FILTER_COUNT}.`);
  switch (message.type) {
    case FT_SINGLE_COLUMN_VALUE:
      return singleCondition(message.filter);
    case FT_COMPOSITE_COLUMN_VALUE:
      return compositeCondition(message.filter, counted);
    case FT_COLUMN_PAGINATION:
      throw new FilterError('ColumnPaginationFilter can only be the filter of a read, not a column condition or a sub-filter.');
    default:
      throw new FilterError(`Invalid filter type: ${message.type}.`);
  }
}

function columnPagination(bytes: Uint8Array): ColumnPagination {
  const { offset, limit } = parse(filterProto.ColumnPaginationFilter, bytes, 'ColumnPaginationFilter');
  if (offset < 0) throw new FilterError(`The offset of ColumnPaginationFilter must not be negative: ${offset}.`);
  if (limit < 0) throw new FilterError(`The limit of ColumnPaginationFilter must not be negative: ${limit}.`);
  return { kind: 'columnPagination', offset, limit };
}

/**
 * Decodes the `filter` of GetRow, GetRange or BatchGetRow: a column condition that keeps or drops rows, or a
 * ColumnPaginationFilter that selects columns. Throws a {@link FilterError} for anything the service rejects.
 *
 * @example
 * const request = GetRowRequest.decode(body);
 * const filter = request.filter?.length ? decodeFilter(request.filter) : undefined;
 */
export function decodeFilter(bytes: Uint8Array): RowFilter {
  const message = parse(filterProto.Filter, bytes, 'Filter');
  if (message.type === FT_COLUMN_PAGINATION) return columnPagination(message.filter);
  return conditionFrom(message, { count: 0 });
}

/**
 * Decodes `Condition.column_condition` of PutRow, UpdateRow, DeleteRow or a BatchWriteRow row. A
 * ColumnPaginationFilter has no truth value, so it is rejected here with a {@link FilterError}.
 *
 * @example
 * const { condition } = PutRowRequest.decode(body);
 * const columnCondition = condition.columnCondition?.length ? decodeColumnCondition(condition.columnCondition) : undefined;
 */
export function decodeColumnCondition(bytes: Uint8Array): ColumnCondition {
  return conditionFrom(parse(filterProto.Filter, bytes, 'Filter'), { count: 0 });
}
