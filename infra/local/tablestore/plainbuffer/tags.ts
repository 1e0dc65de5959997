/**
 * Byte values of the PlainBuffer format, named as in the official grammar
 * (https://help.aliyun.com/en/tablestore/developer-reference/plainbuffer, "Tag values" and "ValueType values")
 * and in the SDK's lib/protocol/plain_buffer_consts.js.
 */

/** The 4-byte little-endian header every PlainBuffer starts with. */
export const HEADER = 0x75;

export const TAG_ROW_PK = 0x01;
export const TAG_ROW_DATA = 0x02;
export const TAG_CELL = 0x03;
export const TAG_CELL_NAME = 0x04;
export const TAG_CELL_VALUE = 0x05;
/** Called `tag_cell_op` in the grammar: the UpdateRow operation byte that follows. */
export const TAG_CELL_TYPE = 0x06;
export const TAG_CELL_TIMESTAMP = 0x07;
export const TAG_DELETE_ROW_MARKER = 0x08;
export const TAG_ROW_CHECKSUM = 0x09;
export const TAG_CELL_CHECKSUM = 0x0a;

export const OP_DELETE_ALL_VERSIONS = 0x01;
export const OP_DELETE_ONE_VERSION = 0x03;
export const OP_INCREMENT = 0x04;

export const VT_INTEGER = 0x00;
export const VT_DOUBLE = 0x01;
export const VT_BOOLEAN = 0x02;
export const VT_STRING = 0x03;
export const VT_NULL = 0x06;
export const VT_BLOB = 0x07;
export const VT_INF_MIN = 0x09;
export const VT_INF_MAX = 0x0a;
export const VT_AUTO_INCREMENT = 0x0b;

const TAG_NAMES: Readonly<Record<number, string>> = {
  [TAG_ROW_PK]: 'TAG_ROW_PK',
  [TAG_ROW_DATA]: 'TAG_ROW_DATA',
  [TAG_CELL]: 'TAG_CELL',
  [TAG_CELL_NAME]: 'TAG_CELL_NAME',
  [TAG_CELL_VALUE]: 'TAG_CELL_VALUE',
  [TAG_CELL_TYPE]: 'TAG_CELL_TYPE',
  [TAG_CELL_TIMESTAMP]: 'TAG_CELL_TIMESTAMP',
  [TAG_DELETE_ROW_MARKER]: 'TAG_DELETE_ROW_MARKER',
  [TAG_ROW_CHECKSUM]: 'TAG_ROW_CHECKSUM',
  [TAG_CELL_CHECKSUM]: 'TAG_CELL_CHECKSUM',
};

/** `TAG_CELL (0x03)`, or just the hex byte for a value that is no tag, for error messages. */
export function describeTag(tag: number): string {
  const hex = `0x${tag.toString(16).padStart(2, '0')}`;
  const name = TAG_NAMES[tag];
  return name === undefined ? hex : `${name} (${hex})`;
}
