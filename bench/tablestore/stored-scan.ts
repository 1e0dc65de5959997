import type { ResponseRow, StoredPrimaryKey } from '../../infra/local/tablestore/plainbuffer/types.ts';
import type { CellVersion } from '../../infra/local/tablestore/row.ts';
import type { ScanEvent } from './scan-dataset.ts';

/**
 * A scan event in the local server's own types: the primary key and columns its storage keeps (for the
 * bulk loader), and the row a read answers with (for the stub's canned answers), so both hold exactly
 * the row a PutRow of that scan would have stored.
 */

export function storedPrimaryKey(scan: ScanEvent): StoredPrimaryKey {
  return [
    { name: 'partition', value: { type: 'STRING', value: scan.partition } },
    { name: 'waybillNo', value: { type: 'STRING', value: scan.waybillNo } },
    { name: 'seq', value: { type: 'INTEGER', value: BigInt(scan.seq) } },
  ];
}

/** The columns in the order a PutRow from sdk.ts sends them, each with one version at `timestamp`. */
export function storedColumns(scan: ScanEvent, timestamp: number): Map<string, CellVersion[]> {
  return new Map<string, CellVersion[]>([
    ['scanType', [{ timestamp, value: { type: 'STRING', value: scan.scanType } }]],
    ['facilityCode', [{ timestamp, value: { type: 'STRING', value: scan.facilityCode } }]],
    ['courierId', [{ timestamp, value: { type: 'STRING', value: scan.courierId } }]],
    ['lat', [{ timestamp, value: { type: 'DOUBLE', value: scan.lat } }]],
    ['lng', [{ timestamp, value: { type: 'DOUBLE', value: scan.lng } }]],
  ]);
}

/** The row GetRow and GetRange answer with: every column's latest version, columns ordered by name. */
export function responseRow(scan: ScanEvent, timestamp: number): ResponseRow {
  const cells = [...storedColumns(scan, timestamp)]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, versions]) => ({ name, ...(versions[0] as CellVersion) }));
  return { primaryKey: storedPrimaryKey(scan), cells };
}
