import type { PrimaryKeyColumnSchema } from './keys.ts';

/** A defined (predefined) attribute column, as DescribeTable reports it. */
export interface DefinedColumn {
  name: string;
  type: 'INTEGER' | 'DOUBLE' | 'BOOLEAN' | 'STRING' | 'BINARY';
}

/** What the local server knows of a table: its schema and TableOptions. */
export interface TableMeta {
  name: string;
  primaryKey: PrimaryKeyColumnSchema[];
  definedColumns: DefinedColumn[];
  /** Seconds; -1 keeps data forever (TableOptions.time_to_live). */
  timeToLive: number;
  maxVersions: number;
  /** Seconds a client-given cell timestamp may deviate from now (TableOptions.deviation_cell_version_in_sec). */
  maxTimeDeviation: number;
  allowUpdate: boolean;
  reservedRead: number;
  reservedWrite: number;
  /** Epoch seconds of creation and of the last raise of reserved throughput. */
  createdAt: number;
  lastIncreaseTime: number;
  lastDecreaseTime?: number;
}
