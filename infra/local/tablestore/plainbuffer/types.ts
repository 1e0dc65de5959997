/**
 * Values as Tablestore's PlainBuffer carries them.
 * Format: https://help.aliyun.com/en/tablestore/developer-reference/plainbuffer
 */

/** A primary-key column type as declared in TableMeta. */
export type PrimaryKeyType = 'INTEGER' | 'STRING' | 'BINARY';

/** A primary-key value as a client may send it: a real value, or a range bound / auto-increment marker. */
export type PrimaryKeyValue =
  | { type: 'INTEGER'; value: bigint }
  | { type: 'STRING'; value: string }
  | { type: 'BINARY'; value: Buffer }
  | { type: 'INF_MIN' }
  | { type: 'INF_MAX' }
  | { type: 'AUTO_INCREMENT' };

/** A primary-key value that is stored: never a bound or a marker. */
export type StoredPrimaryKeyValue = Extract<PrimaryKeyValue, { value: unknown }>;

export interface PrimaryKeyColumn<V extends PrimaryKeyValue = PrimaryKeyValue> {
  name: string;
  value: V;
}

export type PrimaryKey = PrimaryKeyColumn[];
export type StoredPrimaryKey = PrimaryKeyColumn<StoredPrimaryKeyValue>[];

/** An attribute (cell) value. VT_NULL only appears in requests and is never stored. */
export type CellValue =
  | { type: 'INTEGER'; value: bigint }
  | { type: 'DOUBLE'; value: number }
  | { type: 'BOOLEAN'; value: boolean }
  | { type: 'STRING'; value: string }
  | { type: 'BINARY'; value: Buffer };

/**
 * The operation an UpdateRow cell asks for. `PUT` is the absence of a TAG_CELL_TYPE byte;
 * the bytes are 0x01 DELETE_ALL, 0x03 DELETE_ONE, 0x04 INCREMENT.
 */
export type CellOperation = 'PUT' | 'DELETE_ALL' | 'DELETE_ONE' | 'INCREMENT';

/** One attribute cell of a request row. */
export interface RequestCell {
  name: string;
  operation: CellOperation;
  /** Absent for DELETE_ALL and DELETE_ONE. */
  value?: CellValue;
  /** Client-given version (ms); required for DELETE_ONE. */
  timestamp?: number;
}

/** A row as decoded from a request (PutRow, UpdateRow, DeleteRow, or a bare primary key). */
export interface RequestRow {
  primaryKey: PrimaryKey;
  cells: RequestCell[];
  /** True when the row carries TAG_DELETE_ROW_MARKER (DeleteRow). */
  deleteMarker: boolean;
}

/** One attribute cell of a response row: always a value with its version. */
export interface ResponseCell {
  name: string;
  value: CellValue;
  timestamp: number;
}

/** A row as written into a response (GetRow, GetRange, BatchGetRow, return content). */
export interface ResponseRow {
  primaryKey: StoredPrimaryKey;
  cells: ResponseCell[];
}
