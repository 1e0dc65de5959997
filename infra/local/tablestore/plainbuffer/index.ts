/**
 * Tablestore's PlainBuffer row format, read from requests and written into responses.
 * Format: https://help.aliyun.com/en/tablestore/developer-reference/plainbuffer
 */
export { decodeColumnValue, decodePrimaryKey, decodeRow, decodeRows } from './decode.ts';
export { encodePrimaryKey, encodeRows } from './encode.ts';
export { PlainBufferError } from './errors.ts';
export type * from './types.ts';
