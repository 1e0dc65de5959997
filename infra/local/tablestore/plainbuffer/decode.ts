/**
 * Reads the PlainBuffer rows clients send (PutRow, UpdateRow, DeleteRow, primary keys and range bounds).
 * Format: https://help.aliyun.com/en/tablestore/developer-reference/plainbuffer
 *
 * Unlike the SDK's own reader this one understands everything a request can hold: INF_MIN / INF_MAX /
 * AUTO_INCREMENT primary-key values, UpdateRow operations (TAG_CELL_TYPE), VT_NULL and the delete marker.
 * Every cell and row checksum is verified, and any malformed input ends in a PlainBufferError.
 */
import { crc8Byte, crc8Range } from './crc8.ts';
import { PlainBufferError } from './errors.ts';
import {
  describeTag,
  HEADER,
  OP_DELETE_ALL_VERSIONS,
  OP_DELETE_ONE_VERSION,
  OP_INCREMENT,
  TAG_CELL,
  TAG_CELL_CHECKSUM,
  TAG_CELL_NAME,
  TAG_CELL_TIMESTAMP,
  TAG_CELL_TYPE,
  TAG_CELL_VALUE,
  TAG_DELETE_ROW_MARKER,
  TAG_ROW_CHECKSUM,
  TAG_ROW_DATA,
  TAG_ROW_PK,
  VT_AUTO_INCREMENT,
  VT_BLOB,
  VT_BOOLEAN,
  VT_DOUBLE,
  VT_INF_MAX,
  VT_INF_MIN,
  VT_INTEGER,
  VT_NULL,
  VT_STRING,
} from './tags.ts';
import type {
  CellOperation,
  CellValue,
  PrimaryKey,
  PrimaryKeyColumn,
  PrimaryKeyValue,
  RequestCell,
  RequestRow,
} from './types.ts';

const TWO_POW_32 = 0x1_0000_0000;
/** No operation byte: the cell is a PUT. */
const NO_OPERATION = -1;

/**
 * Decodes a PlainBuffer holding one or more rows behind a single header.
 *
 * Zero bytes after the last row are ignored: the SDK sizes its buffer before writing and over-counts for
 * INF_MIN / INF_MAX / AUTO_INCREMENT keys and for UpdateRow cells with a timestamp, leaving 0x00 padding.
 *
 * @throws PlainBufferError when the buffer is truncated, malformed, or a checksum does not match.
 * @example
 * const rows = decodeRows(TableStore.PlainBufferBuilder.serializeForPutRow([{ id: 'a' }], [{ n: 1.5 }]));
 * // [{ primaryKey: [{ name: 'id', value: { type: 'STRING', value: 'a' } }],
 * //    cells: [{ name: 'n', operation: 'PUT', value: { type: 'DOUBLE', value: 1.5 } }], deleteMarker: false }]
 */
export function decodeRows(buf: Buffer): RequestRow[] {
  const reader = new RowReader(buf);
  reader.readHeader();
  const rows = [reader.readRow(true)];
  while (reader.hasAnotherRow()) rows.push(reader.readRow(true));
  return rows;
}

/**
 * Decodes a PlainBuffer that holds exactly one row, as PutRow `row`, UpdateRow `row_change` and DeleteRow
 * `primary_key` do.
 *
 * @throws PlainBufferError as {@link decodeRows} does, and when the buffer holds more than one row.
 * @example
 * const row = decodeRow(TableStore.PlainBufferBuilder.serializeForDeleteRow([{ id: 'a' }]));
 * // row.deleteMarker === true, row.cells.length === 0
 */
export function decodeRow(buf: Buffer): RequestRow {
  return decodeSingleRow(buf, true);
}

/**
 * Decodes a row that carries only a primary key: GetRow / BatchGetRow keys, GetRange
 * `inclusive_start_primary_key` / `exclusive_end_primary_key`, and the DeleteRow key (its delete marker is
 * accepted and dropped).
 *
 * @throws PlainBufferError as {@link decodeRow} does, and when the row has attribute columns.
 * @example
 * const start = decodePrimaryKey(TableStore.PlainBufferBuilder.serializePrimaryKey([{ id: TableStore.INF_MIN }]));
 * // [{ name: 'id', value: { type: 'INF_MIN' } }]
 */
export function decodePrimaryKey(buf: Buffer): PrimaryKey {
  return decodeSingleRow(buf, false).primaryKey;
}

/**
 * Decodes the bare variant `type [int32 length] data` (no tag, no outer length) that filter.proto
 * `SingleColumnValueFilter.column_value` carries, as written by `PlainBufferBuilder.serializeColumnValue`.
 *
 * @throws PlainBufferError when the variant is truncated, of an unknown type, VT_NULL, or followed by more bytes.
 * @example
 * decodeColumnValue(TableStore.PlainBufferBuilder.serializeColumnValue(TableStore.Long.fromNumber(7)));
 * // { type: 'INTEGER', value: 7n }
 */
export function decodeColumnValue(buf: Buffer): CellValue {
  const reader = new RowReader(buf);
  const value = reader.readVariant();
  if (value === undefined) {
    throw new PlainBufferError('Column value must not be VT_NULL.', 0);
  }
  reader.expectEnd();
  return value;
}

function decodeSingleRow(buf: Buffer, allowAttributes: boolean): RequestRow {
  const reader = new RowReader(buf);
  reader.readHeader();
  const row = reader.readRow(allowAttributes);
  if (reader.hasAnotherRow()) {
    throw new PlainBufferError(`Expect exactly one row, but another row starts at offset ${reader.pos}.`, reader.pos);
  }
  return row;
}

function hex(byte: number): string {
  return `0x${byte.toString(16).padStart(2, '0')}`;
}

/** A cursor over one buffer; reads with Buffer methods at offsets and never looks past `end`. */
class RowReader {
  pos = 0;
  private readonly end: number;
  /** Checksum of the cell read last, folded into the row checksum by the caller. */
  private cellChecksum = 0;

  constructor(private readonly buf: Buffer) {
    this.end = buf.length;
  }

  readHeader(): void {
    this.need(4);
    const header = this.buf.readUInt32LE(this.pos);
    if (header !== HEADER) {
      throw new PlainBufferError(`Invalid header from plain buffer: ${header}, expect ${HEADER}.`, this.pos);
    }
    this.pos += 4;
  }

  /** True when another row follows; consumes the SDK's trailing zero padding when it does not. */
  hasAnotherRow(): boolean {
    if (this.pos === this.end) return false;
    if (this.buf[this.pos] !== 0) return true;
    for (let i = this.pos; i < this.end; i++) {
      if (this.buf[i] !== 0) {
        throw new PlainBufferError(`Unexpected data after the last row at offset ${i}.`, i);
      }
    }
    this.pos = this.end;
    return false;
  }

  /** row = tag_pk cell* [tag_attr cell*] [tag_delete_marker] tag_row_checksum crc8 */
  readRow(allowAttributes: boolean): RequestRow {
    this.expectTag(TAG_ROW_PK);
    let rowChecksum = 0;
    const primaryKey: PrimaryKey = [];
    let tag = this.byte();
    while (tag === TAG_CELL) {
      primaryKey.push(this.readPrimaryKeyCell());
      rowChecksum = crc8Byte(rowChecksum, this.cellChecksum);
      tag = this.byte();
    }

    const cells: RequestCell[] = [];
    if (tag === TAG_ROW_DATA) {
      if (!allowAttributes) {
        throw new PlainBufferError(
          `Invalid tag ${describeTag(tag)} at offset ${this.pos - 1}: a primary key has no attribute columns.`,
          this.pos - 1,
        );
      }
      tag = this.byte();
      while (tag === TAG_CELL) {
        cells.push(this.readAttributeCell());
        rowChecksum = crc8Byte(rowChecksum, this.cellChecksum);
        tag = this.byte();
      }
    }

    const deleteMarker = tag === TAG_DELETE_ROW_MARKER;
    if (deleteMarker) tag = this.byte();
    // The official checksum rules append one byte for the delete marker: 1 if present, else 0.
    rowChecksum = crc8Byte(rowChecksum, deleteMarker ? 1 : 0);

    if (tag !== TAG_ROW_CHECKSUM) this.unexpectedTag(tag, 'TAG_ROW_CHECKSUM');
    const checksumAt = this.pos;
    if (this.byte() !== rowChecksum) {
      throw new PlainBufferError('Row data broken, checksum is mismatch.', checksumAt);
    }
    return { primaryKey, cells, deleteMarker };
  }

  /** pk cell = tag_cell(already read) cell_name cell_value cell_checksum */
  private readPrimaryKeyCell(): PrimaryKeyColumn {
    const name = this.readCellName();
    this.expectTag(TAG_CELL_VALUE);
    const length = this.length();
    const typeAt = this.pos;
    const type = this.byte();
    let value: PrimaryKeyValue;
    switch (type) {
      case VT_INTEGER:
        value = { type: 'INTEGER', value: this.int64() };
        break;
      case VT_STRING:
        value = { type: 'STRING', value: this.string() };
        break;
      case VT_BLOB:
        value = { type: 'BINARY', value: this.bytes() };
        break;
      case VT_INF_MIN:
        value = { type: 'INF_MIN' };
        break;
      case VT_INF_MAX:
        value = { type: 'INF_MAX' };
        break;
      case VT_AUTO_INCREMENT:
        value = { type: 'AUTO_INCREMENT' };
        break;
      default:
        throw new PlainBufferError(`Unsupported primary key value type: ${hex(type)}.`, typeAt);
    }
    this.checkValueLength(length, typeAt);
    this.cellChecksum = crc8Range(this.cellChecksum, this.buf, typeAt, this.pos);
    this.expectCellChecksum();
    return { name, value };
  }

  /** attribute cell = tag_cell(already read) cell_name [cell_value] [cell_op] [cell_ts] cell_checksum */
  private readAttributeCell(): RequestCell {
    const cellAt = this.pos - 1;
    const name = this.readCellName();
    let tag = this.byte();

    let value: CellValue | undefined;
    if (tag === TAG_CELL_VALUE) {
      value = this.readAttributeValue();
      tag = this.byte();
    }

    let operationByte = NO_OPERATION;
    let operationAt = 0;
    if (tag === TAG_CELL_TYPE) {
      operationAt = this.pos;
      operationByte = this.byte();
      tag = this.byte();
    }

    let timestamp: number | undefined;
    if (tag === TAG_CELL_TIMESTAMP) {
      const timestampAt = this.pos;
      timestamp = this.timestamp();
      this.cellChecksum = crc8Range(this.cellChecksum, this.buf, timestampAt, this.pos);
      tag = this.byte();
    }

    // The checksum covers name, value, timestamp and then the operation, although the operation byte comes
    // before the timestamp on the wire (Java/Go SDK PlainBufferCell.getChecksum; the Node SDK's writer agrees).
    if (operationByte !== NO_OPERATION) this.cellChecksum = crc8Byte(this.cellChecksum, operationByte);
    if (tag !== TAG_CELL_CHECKSUM) this.unexpectedTag(tag, 'TAG_CELL_CHECKSUM');
    this.checkCellChecksum();

    const operation = toOperation(operationByte, operationAt);
    checkCellShape(name, operation, value !== undefined, timestamp !== undefined, cellAt);
    const cell: RequestCell = { name, operation };
    if (value !== undefined) cell.value = value;
    if (timestamp !== undefined) cell.timestamp = timestamp;
    return cell;
  }

  /** Reads `int32 length, type, data` after TAG_CELL_VALUE; `undefined` stands for VT_NULL. */
  private readAttributeValue(): CellValue | undefined {
    const length = this.length();
    const typeAt = this.pos;
    const value = this.readVariant();
    this.checkValueLength(length, typeAt);
    // SDKs checksum a boolean as the byte 1 or 0, whatever non-zero byte stands for true on the wire.
    this.cellChecksum =
      value?.type === 'BOOLEAN'
        ? crc8Byte(crc8Byte(this.cellChecksum, VT_BOOLEAN), value.value ? 1 : 0)
        : crc8Range(this.cellChecksum, this.buf, typeAt, this.pos);
    return value;
  }

  /** Reads `type [int32 length] data`; `undefined` stands for VT_NULL. */
  readVariant(): CellValue | undefined {
    const typeAt = this.pos;
    const type = this.byte();
    switch (type) {
      case VT_INTEGER:
        return { type: 'INTEGER', value: this.int64() };
      case VT_DOUBLE:
        return { type: 'DOUBLE', value: this.double() };
      case VT_BOOLEAN:
        return { type: 'BOOLEAN', value: this.byte() !== 0 };
      case VT_STRING:
        return { type: 'STRING', value: this.string() };
      case VT_BLOB:
        return { type: 'BINARY', value: this.bytes() };
      case VT_NULL:
        return undefined;
      default:
        throw new PlainBufferError(`Unsupported column value type: ${hex(type)}.`, typeAt);
    }
  }

  expectEnd(): void {
    if (this.pos !== this.end) {
      throw new PlainBufferError(`Unexpected ${this.end - this.pos} byte(s) at offset ${this.pos}.`, this.pos);
    }
  }

  /** cell_name = tag_cell_name int32 length, UTF-8 bytes; starts the cell checksum. */
  private readCellName(): string {
    this.expectTag(TAG_CELL_NAME);
    const length = this.length();
    const start = this.pos;
    this.pos += length;
    this.cellChecksum = crc8Range(0, this.buf, start, this.pos);
    return this.buf.toString('utf8', start, this.pos);
  }

  private checkValueLength(length: number, typeAt: number): void {
    if (this.pos - typeAt !== length) {
      throw new PlainBufferError(
        `Invalid cell value length ${length} at offset ${typeAt - 4}, the value takes ${this.pos - typeAt} byte(s).`,
        typeAt - 4,
      );
    }
  }

  private expectCellChecksum(): void {
    const tag = this.byte();
    if (tag !== TAG_CELL_CHECKSUM) this.unexpectedTag(tag, 'TAG_CELL_CHECKSUM');
    this.checkCellChecksum();
  }

  private checkCellChecksum(): void {
    const checksumAt = this.pos;
    if (this.byte() !== this.cellChecksum) {
      throw new PlainBufferError('Cell data broken, checksum is mismatch.', checksumAt);
    }
  }

  private expectTag(expected: number): void {
    const tag = this.byte();
    if (tag !== expected) this.unexpectedTag(tag, describeTag(expected));
  }

  /** Reports the tag just read (at pos - 1). */
  private unexpectedTag(tag: number, expected: string): never {
    const at = this.pos - 1;
    throw new PlainBufferError(`Invalid tag ${describeTag(tag)} at offset ${at}, expect ${expected}.`, at);
  }

  private need(count: number): void {
    if (this.end - this.pos < count) {
      throw new PlainBufferError(
        `Plain buffer is truncated: ${count} byte(s) expected at offset ${this.pos}, ${this.end - this.pos} left.`,
        this.pos,
      );
    }
  }

  private byte(): number {
    this.need(1);
    // need(1) guarantees the index is inside the buffer.
    return this.buf[this.pos++]!;
  }

  /** A non-negative int32 length whose bytes are all present. */
  private length(): number {
    this.need(4);
    const lengthAt = this.pos;
    const length = this.buf.readInt32LE(lengthAt);
    this.pos += 4;
    if (length < 0) {
      throw new PlainBufferError(`Invalid length ${length} at offset ${lengthAt}.`, lengthAt);
    }
    this.need(length);
    return length;
  }

  private int64(): bigint {
    this.need(8);
    const value = this.buf.readBigInt64LE(this.pos);
    this.pos += 8;
    return value;
  }

  private double(): number {
    this.need(8);
    const value = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return value;
  }

  /** A cell version in milliseconds: an int64 that must be non-negative and fit a JS number exactly. */
  private timestamp(): number {
    this.need(8);
    const at = this.pos;
    const high = this.buf.readInt32LE(at + 4);
    const value = high * TWO_POW_32 + this.buf.readUInt32LE(at);
    this.pos += 8;
    if (high < 0 || !Number.isSafeInteger(value)) {
      throw new PlainBufferError(`Invalid cell timestamp at offset ${at}.`, at);
    }
    return value;
  }

  private string(): string {
    const length = this.length();
    const start = this.pos;
    this.pos += length;
    return this.buf.toString('utf8', start, this.pos);
  }

  /** Copies the bytes so a stored value never pins the whole request body in memory. */
  private bytes(): Buffer {
    const length = this.length();
    const value = Buffer.copyBytesFrom(this.buf, this.pos, length);
    this.pos += length;
    return value;
  }
}

function toOperation(operationByte: number, at: number): CellOperation {
  switch (operationByte) {
    case NO_OPERATION:
      return 'PUT';
    case OP_DELETE_ALL_VERSIONS:
      return 'DELETE_ALL';
    case OP_DELETE_ONE_VERSION:
      return 'DELETE_ONE';
    case OP_INCREMENT:
      return 'INCREMENT';
    default:
      throw new PlainBufferError(`Invalid cell type: ${hex(operationByte)}.`, at);
  }
}

/** Holds the promises RequestCell makes: PUT and INCREMENT carry a value, deletes none, DELETE_ONE a timestamp. */
function checkCellShape(
  name: string,
  operation: CellOperation,
  hasValue: boolean,
  hasTimestamp: boolean,
  cellAt: number,
): void {
  const needsValue = operation === 'PUT' || operation === 'INCREMENT';
  if (needsValue && !hasValue) {
    throw new PlainBufferError(`Column ${name}: ${operation} must have a value.`, cellAt);
  }
  if (!needsValue && hasValue) {
    throw new PlainBufferError(`Column ${name}: ${operation} must not have a value.`, cellAt);
  }
  if (operation === 'DELETE_ONE' && !hasTimestamp) {
    throw new PlainBufferError(`Column ${name}: DELETE_ONE must have a timestamp.`, cellAt);
  }
}
