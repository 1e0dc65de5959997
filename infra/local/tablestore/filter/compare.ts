import type { CellValue } from '../plainbuffer/types.ts';

/**
 * Orders two cell values of the same type the way Tablestore compares a column with a filter constant:
 * INTEGER as signed int64, DOUBLE numerically, BOOLEAN false < true, STRING by its UTF-8 bytes and BINARY
 * bytewise (https://www.alibabacloud.com/help/en/tablestore/developer-reference/configure-conditional-update).
 *
 * Values of different types are not comparable: the service never converts between them, and a filter whose
 * constant has another type than the cell keeps no row even for EQUAL (Java SDK functional test
 * UnifiedFilterRestrictionAndParamCheckingTest#testCompareWithDifferentType). NaN is not comparable either.
 *
 * @returns a negative number, zero or a positive number as `a` sorts before, with or after `b`; `undefined`
 * when the two cannot be compared.
 * @example
 * compareCellValues({ type: 'STRING', value: 'ABB' }, { type: 'STRING', value: 'ABC' }); // < 0
 */
export function compareCellValues(a: CellValue, b: CellValue): number | undefined {
  switch (a.type) {
    case 'INTEGER':
      if (b.type !== 'INTEGER') return undefined;
      return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
    case 'DOUBLE':
      if (b.type !== 'DOUBLE' || Number.isNaN(a.value) || Number.isNaN(b.value)) return undefined;
      return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
    case 'BOOLEAN':
      if (b.type !== 'BOOLEAN') return undefined;
      return Number(a.value) - Number(b.value);
    case 'STRING':
      if (b.type !== 'STRING') return undefined;
      return Buffer.compare(Buffer.from(a.value, 'utf8'), Buffer.from(b.value, 'utf8'));
    case 'BINARY':
      if (b.type !== 'BINARY') return undefined;
      return Buffer.compare(a.value, b.value);
  }
}
