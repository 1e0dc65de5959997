import TableStore from 'tablestore';
import { toSdkColumnCondition, toSdkCondition, type ColumnCondition, type RowExistence } from './conditions.ts';
import {
  AUTO_INCREMENT,
  toSdkAttributes,
  toSdkInteger,
  type Attributes,
  type PrimaryKey,
  type PrimaryKeyToWrite,
} from './values.ts';

/**
 * Row reads and the three row writes (PutRow, UpdateRow, DeleteRow) as plain data, shared by the single-row
 * calls and the batch calls, and their conversion to the SDK's parameters.
 */

/** What to read of each row. */
export interface ReadOptions {
  /** Attribute columns to return (at most 128); all of them when omitted. */
  columns?: readonly string[];
  /** Versions per column to return; default 1. */
  maxVersions?: number;
  /** Rows that fail it are left out (GetRow then returns `undefined`). */
  filter?: ColumnCondition;
}

export function toSdkReadOptions(options: ReadOptions): TableStore.ReadOptions {
  const sdkOptions: TableStore.ReadOptions = { maxVersions: options.maxVersions ?? 1 };
  if (options.columns && options.columns.length > 0) sdkOptions.columnsToGet = [...options.columns];
  if (options.filter) sdkOptions.columnFilter = toSdkColumnCondition(options.filter);
  return sdkOptions;
}

/** A write's condition: see {@link RowExistence} and {@link ColumnCondition}. */
export interface WriteCondition {
  /** Default `'IGNORE'`. */
  rowExistence?: RowExistence;
  columnCondition?: ColumnCondition;
}

/** Writes the whole row, replacing every column it had. */
export interface PutRowChange extends WriteCondition {
  table: string;
  primaryKey: PrimaryKeyToWrite;
  attributes?: Attributes;
  /** Returns the written primary key: the way to learn an {@link AUTO_INCREMENT} value. */
  returnPrimaryKey?: boolean;
}

/** Changes some columns of a row, creating it if missing (under `'IGNORE'`). */
export interface UpdateRowChange extends WriteCondition {
  table: string;
  primaryKey: PrimaryKey;
  /** Columns to set. */
  put?: Attributes;
  /** Columns to remove, all versions. */
  deleteAll?: readonly string[];
  /** INTEGER columns to add to (a missing column counts as 0). Not idempotent: never re-sent blindly. */
  increment?: Readonly<Record<string, number | bigint>>;
  returnPrimaryKey?: boolean;
  /** Returns these columns' values after the change (e.g. the incremented counters). */
  returnColumns?: readonly string[];
}

/** Deletes a row, every column and version. */
export interface DeleteRowChange extends WriteCondition {
  table: string;
  primaryKey: PrimaryKey;
}

export function toSdkUpdateColumns(change: UpdateRowChange): TableStore.UpdateColumns {
  const columns: TableStore.UpdateColumns = [];
  if (change.put && Object.keys(change.put).length > 0) columns.push({ PUT: toSdkAttributes(change.put) });
  if (change.deleteAll && change.deleteAll.length > 0) columns.push({ DELETE_ALL: [...change.deleteAll] });
  if (change.increment && Object.keys(change.increment).length > 0) {
    const increments: Array<Record<string, TableStore.Int64>> = [];
    for (const [name, delta] of Object.entries(change.increment)) {
      increments.push({ [name]: toSdkInteger(delta, name) });
    }
    columns.push({ INCREMENT: increments });
  }
  return columns;
}

/** The SDK's `returnContent`: after-modify columns win over the primary key (one return type per row). */
export function toSdkReturnContent(change: {
  returnPrimaryKey?: boolean;
  returnColumns?: readonly string[];
}): TableStore.ReturnContent | undefined {
  if (change.returnColumns && change.returnColumns.length > 0) {
    return { returnType: TableStore.ReturnType.AfterModify, returnColumns: [...change.returnColumns] };
  }
  return change.returnPrimaryKey ? { returnType: TableStore.ReturnType.Primarykey } : undefined;
}

export function toSdkWriteCondition(change: WriteCondition): TableStore.Condition {
  return toSdkCondition(change.rowExistence, change.columnCondition);
}

/**
 * Whether writing the change twice leaves the same state as writing it once. PutRow replaces the row with the
 * same content and DeleteRow deletes it again, except that an auto-increment key gets a second row; UpdateRow
 * sets and deletes idempotently but INCREMENT adds twice. (A conditional write that landed and is re-sent may
 * come back as `OTSConditionCheckFail`: for "first writer wins" that is the right answer, the row exists.)
 */
export function isIdempotentWrite(
  change:
    | ({ type: 'PUT' } & PutRowChange)
    | ({ type: 'UPDATE' } & UpdateRowChange)
    | ({ type: 'DELETE' } & DeleteRowChange),
): boolean {
  switch (change.type) {
    case 'PUT':
      return !Object.values(change.primaryKey).includes(AUTO_INCREMENT);
    case 'UPDATE':
      return !change.increment || Object.keys(change.increment).length === 0;
    case 'DELETE':
      return true;
  }
}
