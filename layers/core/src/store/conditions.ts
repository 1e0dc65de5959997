import TableStore from 'tablestore';
import { toSdkAttributeValue, type AttributeValue } from './values.ts';

/**
 * Conditions on a write, and column filters on a read, as plain data; converted to the SDK's
 * `TableStore.Condition` / `SingleColumnCondition` / `CompositeCondition` (`lib/filter.js`). Semantics (row
 * existence, then up to 10 column conditions; a failed check is `OTSConditionCheckFail`):
 * https://alibabacloud.com/help/en/tablestore/developer-reference/configure-conditional-update-by-using-nodejs-sdk
 */

/** Whether the row must exist before a write. `'EXPECT_NOT_EXIST'` makes a PutRow "first writer wins". */
export type RowExistence = 'IGNORE' | 'EXPECT_EXIST' | 'EXPECT_NOT_EXIST';

export type Comparator = '=' | '!=' | '>' | '>=' | '<' | '<=';

/**
 * A condition on attribute columns.
 *
 * @example
 * ```ts
 * const notDelivered: ColumnCondition = { column: 'status', op: '!=', value: 'DELIVERED' };
 * const both: ColumnCondition = { and: [notDelivered, { column: 'facilityCode', op: '=', value: 'SZX01' }] };
 * ```
 */
export type ColumnCondition =
  | {
      column: string;
      op: Comparator;
      value: AttributeValue;
      /** Whether a row without the column passes. Tablestore's default is true. */
      passIfMissing?: boolean;
      /** Whether only the newest version is compared. Tablestore's default is true. */
      latestVersionOnly?: boolean;
    }
  | { and: readonly ColumnCondition[] }
  | { or: readonly ColumnCondition[] }
  | { not: ColumnCondition };

const comparators: Readonly<Record<Comparator, number>> = {
  '=': TableStore.ComparatorType.EQUAL,
  '!=': TableStore.ComparatorType.NOT_EQUAL,
  '>': TableStore.ComparatorType.GREATER_THAN,
  '>=': TableStore.ComparatorType.GREATER_EQUAL,
  '<': TableStore.ComparatorType.LESS_THAN,
  '<=': TableStore.ComparatorType.LESS_EQUAL,
};

/** Converts a column condition to the SDK's condition objects. */
export function toSdkColumnCondition(condition: ColumnCondition): TableStore.ColumnCondition {
  if ('column' in condition) {
    return new TableStore.SingleColumnCondition(
      condition.column,
      toSdkAttributeValue(condition.value, condition.column),
      comparators[condition.op],
      condition.passIfMissing ?? true,
      condition.latestVersionOnly ?? true,
    );
  }
  if ('not' in condition) return composite(TableStore.LogicalOperator.NOT, [condition.not]);
  if ('and' in condition) return composite(TableStore.LogicalOperator.AND, condition.and);
  return composite(TableStore.LogicalOperator.OR, condition.or);
}

function composite(operator: number, conditions: readonly ColumnCondition[]): TableStore.ColumnCondition {
  const sdkCondition = new TableStore.CompositeCondition(operator);
  for (const condition of conditions) sdkCondition.addSubCondition(toSdkColumnCondition(condition));
  return sdkCondition;
}

/**
 * The SDK's write condition. The SDK needs one on every PutRow, UpdateRow and DeleteRow: without it
 * `encodePutRow` throws "Cannot read properties of undefined (reading 'rowExistenceExpectation')" (its default
 * is assigned to a misspelt `condtion`).
 */
export function toSdkCondition(rowExistence: RowExistence = 'IGNORE', columnCondition?: ColumnCondition): TableStore.Condition {
  return new TableStore.Condition(
    TableStore.RowExistenceExpectation[rowExistence],
    columnCondition ? toSdkColumnCondition(columnCondition) : null,
  );
}
