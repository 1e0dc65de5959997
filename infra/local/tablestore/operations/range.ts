import { liveColumns, selectCells } from '../cells.ts';
import type { OperationContext } from '../context.ts';
import { parameterInvalid } from '../errors.ts';
import { filterRow, readFilterOf } from '../read-filter.ts';
import { decodeKey, encodeKey } from '../keys.ts';
import { decodePrimaryKey } from '../plainbuffer/decode.ts';
import { encodePrimaryKey, encodeRows } from '../plainbuffer/encode.ts';
import type { ResponseRow } from '../plainbuffer/types.ts';
import { checkPrimaryKey, requireTable } from '../row-access.ts';
import { decodeColumns } from '../row-codec.ts';
import { cellSelection, type ReadOptions } from './single-row.ts';

/**
 * GetRange: rows between an inclusive start and an exclusive end key, forward or backward, at most `limit`
 * rows and at most 5000 rows or 4 MB per response; when a response stops early it carries
 * next_start_primary_key, the first row it did not return.
 * https://www.alibabacloud.com/help/en/tablestore/developer-reference/getrange
 */

const MAX_ROWS_PER_RESPONSE = 5000;
const MAX_BYTES_PER_RESPONSE = 4 * 1024 * 1024;

interface GetRangeRequest extends ReadOptions {
  tableName: string;
  direction: number;
  limit?: number | null;
  inclusiveStartPrimaryKey: Uint8Array;
  exclusiveEndPrimaryKey: Uint8Array;
}

function cellBytes(row: ResponseRow): number {
  let size = 0;
  for (const cell of row.cells) {
    const { value } = cell;
    size += cell.name.length + 16 + (value.type === 'STRING' ? Buffer.byteLength(value.value) : value.type === 'BINARY' ? value.value.length : 8);
  }
  return size;
}

export function getRange(request: GetRangeRequest, context: OperationContext): Record<string, unknown> {
  const table = requireTable(context, request.tableName);
  const backward = request.direction === 1;
  const start = decodePrimaryKey(Buffer.from(request.inclusiveStartPrimaryKey));
  const end = decodePrimaryKey(Buffer.from(request.exclusiveEndPrimaryKey));
  checkPrimaryKey(start, table, { bounds: true });
  checkPrimaryKey(end, table, { bounds: true });
  if (request.limit !== undefined && request.limit !== null && request.limit <= 0) {
    throw parameterInvalid('The limit must be greater than 0.');
  }
  const startKey = encodeKey(start);
  const endKey = encodeKey(end);
  const order = Buffer.compare(startKey, endKey);
  if (!backward && order >= 0) throw parameterInvalid('Begin key must less than end key in FORWARD.');
  if (backward && order <= 0) throw parameterInvalid('Begin key must more than end key in BACKWARD.');

  const selection = cellSelection(request);
  const filter = readFilterOf(request.filter);
  const limit = Math.min(request.limit ?? MAX_ROWS_PER_RESPONSE, MAX_ROWS_PER_RESPONSE);
  const nowMs = context.now();
  const schema = table.meta.primaryKey;

  const rows: ResponseRow[] = [];
  let bytes = 0;
  let scanned = 0;
  let nextStart: Buffer | undefined;
  let cursor = startKey;
  let skipCursor = false;
  // Rows are read in pages of one more than still wanted, to learn whether more follow; a filter may drop
  // rows, so several pages may be needed, bounded by the 5000 rows one response may scan.
  scan: for (;;) {
    const wanted = limit - rows.length + 1 + (skipCursor ? 1 : 0);
    const page = table.scan(cursor, endKey, backward, wanted);
    const entries = skipCursor && page[0]?.key.equals(cursor) ? page.slice(1) : page;
    for (const entry of entries) {
      if (rows.length >= limit || scanned >= MAX_ROWS_PER_RESPONSE || bytes >= MAX_BYTES_PER_RESPONSE) {
        nextStart = entry.key;
        break scan;
      }
      scanned++;
      const stored = decodeColumns(entry.columns);
      const live = liveColumns(stored, table.meta, nowMs);
      if (stored.size > 0 && live.size === 0) continue;
      const primaryKey = decodeKey(entry.key, schema);
      const columns = filterRow(filter, primaryKey, live);
      if (columns === undefined) continue;
      const cells = selectCells(columns, selection);
      if (cells.length === 0 && selection.columnsToGet.length > 0) continue;
      const row = { primaryKey, cells };
      rows.push(row);
      bytes += cellBytes(row);
    }
    const last = page[page.length - 1];
    if (page.length < wanted || last === undefined) break;
    cursor = last.key;
    skipCursor = true;
  }

  return {
    consumed: { capacityUnit: { read: Math.max(1, Math.ceil(bytes / 4096)), write: 0 } },
    rows: encodeRows(rows),
    ...(nextStart === undefined ? {} : { nextStartPrimaryKey: encodePrimaryKey(decodeKey(nextStart, schema)) }),
  };
}
