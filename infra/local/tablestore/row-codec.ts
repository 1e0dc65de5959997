import type { CellValue } from './plainbuffer/types.ts';
import type { CellVersion } from './row.ts';

/**
 * How the local server stores a row's attribute columns in its storage engine: compact JSON, one entry per
 * column with its versions newest first. Integers travel as decimal strings (int64 does not fit a double),
 * binary as base64 and doubles that JSON cannot hold (NaN, ±Infinity) as strings.
 */

type StoredCell = [timestamp: number, type: 'i' | 'd' | 'b' | 's' | 'x', value: string | number | boolean];
type StoredColumns = [name: string, versions: StoredCell[]][];

function toStored({ timestamp, value }: CellVersion): StoredCell {
  switch (value.type) {
    case 'INTEGER':
      return [timestamp, 'i', value.value.toString()];
    case 'DOUBLE':
      return [timestamp, 'd', Number.isFinite(value.value) ? value.value : String(value.value)];
    case 'BOOLEAN':
      return [timestamp, 'b', value.value];
    case 'STRING':
      return [timestamp, 's', value.value];
    case 'BINARY':
      return [timestamp, 'x', value.value.toString('base64')];
  }
}

function fromStored([timestamp, type, raw]: StoredCell): CellVersion {
  let value: CellValue;
  switch (type) {
    case 'i':
      value = { type: 'INTEGER', value: BigInt(raw as string) };
      break;
    case 'd':
      value = { type: 'DOUBLE', value: Number(raw) };
      break;
    case 'b':
      value = { type: 'BOOLEAN', value: raw as boolean };
      break;
    case 's':
      value = { type: 'STRING', value: raw as string };
      break;
    case 'x':
      value = { type: 'BINARY', value: Buffer.from(raw as string, 'base64') };
      break;
  }
  return { timestamp, value };
}

export function encodeColumns(columns: ReadonlyMap<string, CellVersion[]>): string {
  const stored: StoredColumns = [];
  for (const [name, versions] of columns) stored.push([name, versions.map(toStored)]);
  return JSON.stringify(stored);
}

export function decodeColumns(text: string): Map<string, CellVersion[]> {
  const columns = new Map<string, CellVersion[]>();
  for (const [name, versions] of JSON.parse(text) as StoredColumns) columns.set(name, versions.map(fromStored));
  return columns;
}
