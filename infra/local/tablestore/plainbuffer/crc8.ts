/**
 * CRC-8 as PlainBuffer checksums use it: polynomial 0x07, initial value 0, no reflection, no final xor
 * (https://help.aliyun.com/en/tablestore/developer-reference/plainbuffer, "Checksum calculation").
 */

const CRC8_TABLE: Uint8Array = buildTable(0x07);

function buildTable(polynomial: number): Uint8Array {
  const table = new Uint8Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x80 ? ((crc << 1) ^ polynomial) & 0xff : (crc << 1) & 0xff;
    }
    table[i] = crc;
  }
  return table;
}

/** Folds one byte (0..255) into `crc`. */
export function crc8Byte(crc: number, byte: number): number {
  // The index is always 0..255, so the lookup cannot miss.
  return CRC8_TABLE[(crc ^ byte) & 0xff]!;
}

/** Folds `bytes[start..end)` into `crc`; the caller guarantees the range lies inside `bytes`. */
export function crc8Range(crc: number, bytes: Uint8Array, start: number, end: number): number {
  let c = crc;
  for (let i = start; i < end; i++) {
    c = CRC8_TABLE[(c ^ bytes[i]!) & 0xff]!;
  }
  return c;
}
