/**
 * Writes the PlainBuffer rows the server answers with (GetRow `row`, GetRange `rows` and
 * `next_start_primary_key`, BatchGetRow rows, return content).
 * Format: https://help.aliyun.com/en/tablestore/developer-reference/plainbuffer
 *
 * Each buffer is sized first and written once; checksums are computed over the bytes just written, so they
 * always describe exactly what is on the wire.
 */
import { crc8Byte, crc8Range } from './crc8.ts';
import {
  HEADER,
  TAG_CELL,
  TAG_CELL_CHECKSUM,
  TAG_CELL_NAME,
  TAG_CELL_TIMESTAMP,
  TAG_CELL_VALUE,
  TAG_ROW_CHECKSUM,
  TAG_ROW_DATA,
  TAG_ROW_PK,
  VT_BLOB,
  VT_BOOLEAN,
  VT_DOUBLE,
  VT_INTEGER,
  VT_STRING,
} from './tags.ts';
import type { CellValue, ResponseCell, ResponseRow, StoredPrimaryKey } from './types.ts';

const HEADER_SIZE = 4;
const TWO_POW_32 = 0x1_0000_0000;
/** TAG_CELL, TAG_CELL_NAME + int32 length, TAG_CELL_VALUE + int32 length + type, TAG_CELL_CHECKSUM + crc. */
const CELL_OVERHEAD = 1 + 1 + 4 + 1 + 4 + 1 + 2;
/** TAG_CELL_TIMESTAMP + int64. */
const TIMESTAMP_SIZE = 1 + 8;
const NO_CELLS: readonly ResponseCell[] = [];

/**
 * Column names as written: their UTF-8 bytes and the CRC-8 of those bytes. Every row of a response repeats
 * the same few names, so each is encoded and checksummed once; the cache stops growing at MAX_CACHED_NAMES.
 */
interface EncodedName {
  bytes: Buffer;
  crc: number;
}
const MAX_CACHED_NAMES = 4096;
const encodedNames = new Map<string, EncodedName>();

function encodedName(name: string): EncodedName {
  let encoded = encodedNames.get(name);
  if (encoded === undefined) {
    const bytes = Buffer.from(name, 'utf8');
    encoded = { bytes, crc: crc8Range(0, bytes, 0, bytes.length) };
    if (encodedNames.size < MAX_CACHED_NAMES) encodedNames.set(name, encoded);
  }
  return encoded;
}

/**
 * Encodes rows behind one header, back to back, as GetRange `rows` carries them; a single row is what
 * GetRow `row` carries. Every attribute cell is written with its timestamp. No rows give an empty buffer,
 * which the SDK reads as "no row".
 *
 * @example
 * const bytes = encodeRows([{
 *   primaryKey: [{ name: 'waybillNo', value: { type: 'STRING', value: 'SF1234' } }],
 *   cells: [{ name: 'status', value: { type: 'STRING', value: 'IN_TRANSIT' }, timestamp: 1_700_000_000_000 }],
 * }]);
 * // new TableStore.PlainBufferCodedInputStream(new TableStore.PlainBufferInputStream(
 * //   { buffer: bytes, offset: 0, limit: bytes.length })).readRows() reads the row back.
 */
export function encodeRows(rows: readonly ResponseRow[]): Buffer {
  if (rows.length === 0) return Buffer.alloc(0);
  let size = HEADER_SIZE;
  for (const row of rows) size += rowSize(row.primaryKey, row.cells);
  const writer = new RowWriter(Buffer.allocUnsafe(size));
  writer.header();
  for (const row of rows) writer.row(row.primaryKey, row.cells);
  return writer.buf;
}

/**
 * Encodes a row holding only a primary key, as GetRange `next_start_primary_key` and return content
 * RT_PK carry it.
 *
 * @example
 * const next = encodePrimaryKey([{ name: 'waybillNo', value: { type: 'STRING', value: 'SF1235' } }]);
 * // The SDK reads it with readRow() and hands `nextStartPrimaryKey: [{ name: 'waybillNo', value: 'SF1235' }]` to users.
 */
export function encodePrimaryKey(primaryKey: StoredPrimaryKey): Buffer {
  const writer = new RowWriter(Buffer.allocUnsafe(HEADER_SIZE + rowSize(primaryKey, NO_CELLS)));
  writer.header();
  writer.row(primaryKey, NO_CELLS);
  return writer.buf;
}

/** TAG_ROW_PK cells [TAG_ROW_DATA cells] TAG_ROW_CHECKSUM crc */
function rowSize(primaryKey: StoredPrimaryKey, cells: readonly ResponseCell[]): number {
  let size = 1 + 2;
  for (const column of primaryKey) {
    size += CELL_OVERHEAD + encodedName(column.name).bytes.length + payloadSize(column.value);
  }
  if (cells.length > 0) {
    size += 1;
    for (const cell of cells) {
      size += CELL_OVERHEAD + encodedName(cell.name).bytes.length + payloadSize(cell.value) + TIMESTAMP_SIZE;
    }
  }
  return size;
}

/** Bytes after the type byte. */
function payloadSize(value: CellValue): number {
  switch (value.type) {
    case 'INTEGER':
    case 'DOUBLE':
      return 8;
    case 'BOOLEAN':
      return 1;
    case 'STRING':
      return 4 + Buffer.byteLength(value.value, 'utf8');
    case 'BINARY':
      return 4 + value.value.length;
  }
}

/** Writes into a buffer sized by rowSize; never grows it. */
class RowWriter {
  private pos = 0;

  constructor(readonly buf: Buffer) {}

  header(): void {
    this.pos = this.buf.writeUInt32LE(HEADER, this.pos);
  }

  row(primaryKey: StoredPrimaryKey, cells: readonly ResponseCell[]): void {
    const buf = this.buf;
    let rowChecksum = 0;
    buf[this.pos++] = TAG_ROW_PK;
    for (const column of primaryKey) {
      buf[this.pos++] = TAG_CELL;
      let cellChecksum = this.name(column.name);
      // A stored primary-key value has the same layout and type bytes as the attribute value of that type.
      cellChecksum = this.value(column.value, cellChecksum);
      rowChecksum = crc8Byte(rowChecksum, this.cellChecksum(cellChecksum));
    }
    if (cells.length > 0) {
      buf[this.pos++] = TAG_ROW_DATA;
      for (const cell of cells) {
        buf[this.pos++] = TAG_CELL;
        let cellChecksum = this.name(cell.name);
        cellChecksum = this.value(cell.value, cellChecksum);
        cellChecksum = this.timestamp(cell.timestamp, cellChecksum);
        rowChecksum = crc8Byte(rowChecksum, this.cellChecksum(cellChecksum));
      }
    }
    // Response rows never carry the delete marker, so the row checksum ends with the byte 0.
    rowChecksum = crc8Byte(rowChecksum, 0);
    buf[this.pos++] = TAG_ROW_CHECKSUM;
    buf[this.pos++] = rowChecksum;
  }

  /** TAG_CELL_NAME int32 length, UTF-8 bytes; returns the cell checksum started over the name bytes. */
  private name(name: string): number {
    const buf = this.buf;
    const { bytes, crc } = encodedName(name);
    buf[this.pos] = TAG_CELL_NAME;
    buf.writeInt32LE(bytes.length, this.pos + 1);
    buf.set(bytes, this.pos + 5);
    this.pos += 5 + bytes.length;
    return crc;
  }

  /** TAG_CELL_VALUE int32 length, type, data; the checksum covers type, [length] and data as written. */
  private value(value: CellValue, cellChecksum: number): number {
    const buf = this.buf;
    buf[this.pos] = TAG_CELL_VALUE;
    const typeAt = this.pos + 5;
    let end: number;
    switch (value.type) {
      case 'INTEGER':
        buf[typeAt] = VT_INTEGER;
        end = buf.writeBigInt64LE(value.value, typeAt + 1);
        break;
      case 'DOUBLE':
        buf[typeAt] = VT_DOUBLE;
        end = buf.writeDoubleLE(value.value, typeAt + 1);
        break;
      case 'BOOLEAN':
        buf[typeAt] = VT_BOOLEAN;
        buf[typeAt + 1] = value.value ? 1 : 0;
        end = typeAt + 2;
        break;
      case 'STRING': {
        buf[typeAt] = VT_STRING;
        const length = buf.write(value.value, typeAt + 5, 'utf8');
        buf.writeInt32LE(length, typeAt + 1);
        end = typeAt + 5 + length;
        break;
      }
      case 'BINARY': {
        buf[typeAt] = VT_BLOB;
        const length = value.value.copy(buf, typeAt + 5);
        buf.writeInt32LE(length, typeAt + 1);
        end = typeAt + 5 + length;
        break;
      }
    }
    buf.writeInt32LE(end - typeAt, this.pos + 1);
    this.pos = end;
    return crc8Range(cellChecksum, buf, typeAt, end);
  }

  /** TAG_CELL_TIMESTAMP int64 milliseconds, written as two 32-bit halves to avoid a BigInt per cell. */
  private timestamp(timestamp: number, cellChecksum: number): number {
    const buf = this.buf;
    buf[this.pos] = TAG_CELL_TIMESTAMP;
    const start = this.pos + 1;
    const high = Math.floor(timestamp / TWO_POW_32);
    buf.writeUInt32LE(timestamp - high * TWO_POW_32, start);
    buf.writeInt32LE(high, start + 4);
    this.pos = start + 8;
    return crc8Range(cellChecksum, buf, start, this.pos);
  }

  /** TAG_CELL_CHECKSUM crc; returns the checksum for the row to fold in. */
  private cellChecksum(cellChecksum: number): number {
    this.buf[this.pos++] = TAG_CELL_CHECKSUM;
    this.buf[this.pos++] = cellChecksum;
    return cellChecksum;
  }
}
