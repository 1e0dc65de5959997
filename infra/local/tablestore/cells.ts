import { parameterInvalid } from './errors.ts';
import type { CellValue, RequestCell, ResponseCell } from './plainbuffer/types.ts';
import type { CellVersion } from './row.ts';
import type { TableMeta } from './table-meta.ts';

/**
 * Cell versions, TTL and the column operations of PutRow and UpdateRow, as pure functions of the stored
 * columns, the request and the current time.
 * Semantics: https://www.alibabacloud.com/help/en/tablestore/data-versions-and-ttl and the UpdateRow API page
 * (https://www.alibabacloud.com/help/en/tablestore/developer-reference/updaterow).
 */

export type Columns = Map<string, CellVersion[]>;

/** Versions older than the table's time to live are no longer readable. */
export function liveColumns(columns: Columns, meta: TableMeta, nowMs: number): Columns {
  if (meta.timeToLive === -1) return columns;
  const oldest = nowMs - meta.timeToLive * 1000;
  const live: Columns = new Map();
  for (const [name, versions] of columns) {
    const kept = versions.filter((version) => version.timestamp > oldest);
    if (kept.length > 0) live.set(name, kept);
  }
  return live;
}

/**
 * A client-given version must lie within the table's max time deviation of now, and inside its TTL
 * (TableOptions.deviation_cell_version_in_sec).
 */
function checkTimestamp(timestamp: number, meta: TableMeta, nowMs: number): void {
  const deviationMs = meta.maxTimeDeviation * 1000;
  const ttlFloor = meta.timeToLive === -1 ? -Infinity : nowMs - meta.timeToLive * 1000;
  const lowest = Math.max(nowMs - deviationMs, ttlFloor);
  if (timestamp < lowest || timestamp >= nowMs + deviationMs) {
    throw parameterInvalid(
      `Invalid timestamp: ${timestamp}. The timestamp must be within [${lowest}, ${nowMs + deviationMs}) set by the table's max time deviation and time to live.`,
    );
  }
}

function withVersion(versions: CellVersion[] | undefined, version: CellVersion, maxVersions: number): CellVersion[] {
  const others = (versions ?? []).filter((existing) => existing.timestamp !== version.timestamp);
  others.push(version);
  others.sort((a, b) => b.timestamp - a.timestamp);
  return others.slice(0, maxVersions);
}

function putValue(columns: Columns, cell: RequestCell, meta: TableMeta, nowMs: number): void {
  if (cell.value === undefined) throw parameterInvalid(`Column '${cell.name}' has no value to put.`);
  if (cell.timestamp !== undefined) checkTimestamp(cell.timestamp, meta, nowMs);
  const version = { timestamp: cell.timestamp ?? nowMs, value: cell.value };
  columns.set(cell.name, withVersion(columns.get(cell.name), version, meta.maxVersions));
}

/** The columns of a PutRow: the row is replaced as a whole. */
export function columnsForPut(cells: readonly RequestCell[], meta: TableMeta, nowMs: number): Columns {
  const columns: Columns = new Map();
  for (const cell of cells) {
    if (cell.operation !== 'PUT') throw parameterInvalid(`PutRow does not accept ${cell.operation} on column '${cell.name}'.`);
    putValue(columns, cell, meta, nowMs);
  }
  return columns;
}

function increment(current: CellVersion | undefined, delta: CellValue | undefined, name: string): CellValue {
  if (delta?.type !== 'INTEGER') throw parameterInvalid(`The increment of column '${name}' must be an INTEGER.`);
  if (current === undefined) return delta;
  if (current.value.type !== 'INTEGER') {
    throw parameterInvalid(`Column '${name}' holds a ${current.value.type}, so it cannot be incremented.`);
  }
  return { type: 'INTEGER', value: BigInt.asIntN(64, current.value.value + delta.value) };
}

/**
 * Applies UpdateRow's column operations to the row's live columns. Returns the new columns and the names
 * of the columns an increment changed (ReturnType RT_AFTER_MODIFY answers with those).
 */
export function columnsForUpdate(
  existing: Columns,
  cells: readonly RequestCell[],
  meta: TableMeta,
  nowMs: number,
): { columns: Columns; modified: string[] } {
  const columns: Columns = new Map(existing);
  const modified: string[] = [];
  for (const cell of cells) {
    switch (cell.operation) {
      case 'PUT':
        putValue(columns, cell, meta, nowMs);
        modified.push(cell.name);
        break;
      case 'DELETE_ALL':
        columns.delete(cell.name);
        break;
      case 'DELETE_ONE': {
        if (cell.timestamp === undefined) throw parameterInvalid(`Deleting one version of column '${cell.name}' needs its timestamp.`);
        const kept = (columns.get(cell.name) ?? []).filter((version) => version.timestamp !== cell.timestamp);
        if (kept.length > 0) columns.set(cell.name, kept);
        else columns.delete(cell.name);
        break;
      }
      case 'INCREMENT': {
        const value = increment(columns.get(cell.name)?.[0], cell.value, cell.name);
        columns.set(cell.name, withVersion(columns.get(cell.name), { timestamp: nowMs, value }, meta.maxVersions));
        modified.push(cell.name);
        break;
      }
    }
  }
  return { columns, modified };
}

/** What a read asks of each row's cells (GetRow, GetRange, BatchGetRow). */
export interface CellSelection {
  /** Empty means every column. */
  columnsToGet: readonly string[];
  maxVersions: number;
  /** [start, end) in ms, or one exact version. */
  timeRange?: { start: number; end: number };
  /** Columns from startColumn (inclusive) to endColumn (exclusive), by name. */
  startColumn?: string;
  endColumn?: string;
}

/** The cells a read returns, columns ordered by name as the service returns them. */
export function selectCells(columns: Columns, selection: CellSelection): ResponseCell[] {
  const wanted = selection.columnsToGet.length > 0 ? new Set(selection.columnsToGet) : undefined;
  const names = [...columns.keys()].sort();
  const cells: ResponseCell[] = [];
  for (const name of names) {
    if (wanted !== undefined && !wanted.has(name)) continue;
    if (selection.startColumn !== undefined && name < selection.startColumn) continue;
    if (selection.endColumn !== undefined && name >= selection.endColumn) continue;
    let versions = columns.get(name) ?? [];
    const range = selection.timeRange;
    if (range !== undefined) versions = versions.filter((v) => v.timestamp >= range.start && v.timestamp < range.end);
    const count = Math.min(versions.length, selection.maxVersions);
    for (let index = 0; index < count; index++) {
      const { timestamp, value } = versions[index] as CellVersion;
      cells.push({ name, value, timestamp });
    }
  }
  return cells;
}
