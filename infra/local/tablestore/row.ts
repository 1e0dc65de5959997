import type { CellValue, StoredPrimaryKey } from './plainbuffer/types.ts';

/** One version of a cell: Tablestore versions every cell by a millisecond timestamp. */
export interface CellVersion {
  timestamp: number;
  value: CellValue;
}

/**
 * A row as the local server keeps it: its primary key and, per attribute column, the versions that are
 * still readable, newest first.
 */
export interface StoredRow {
  primaryKey: StoredPrimaryKey;
  columns: Map<string, CellVersion[]>;
}
