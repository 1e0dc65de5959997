import { pathToFileURL } from 'node:url';
import { encodeKey } from '../../infra/local/tablestore/keys.ts';
import { encodeColumns } from '../../infra/local/tablestore/row-codec.ts';
import { Storage } from '../../infra/local/tablestore/storage.ts';
import { ScanDataset } from './scan-dataset.ts';
import { INSTANCE_NAME, TABLE_NAME } from './sdk.ts';
import { storedColumns, storedPrimaryKey } from './stored-scan.ts';

/**
 * Fills the `scans` table of a data directory fast: straight into the local server's storage with its own
 * key and column encodings, in key order (so the B-tree is only appended to) and in transactions of
 * CHUNK_ROWS. The table must exist (created through the SDK, so its meta is what the server makes of a
 * CreateTable) and no server may be running on the directory.
 *
 * Run as its own process (servers.ts loadScansInChild), so that the garbage of millions of rows never
 * weighs on the benchmark client's heap:
 *   node --import tsx bench/tablestore/bulk-load.ts <dataDir> <rows> <cellTimestampMs>
 */

const CHUNK_ROWS = 50_000;

/** Writes rows [0, rowCount) of the scan dataset, every cell versioned at `cellTimestamp`. */
export function loadScans(dataDir: string, rowCount: number, cellTimestamp: number): void {
  const dataset = new ScanDataset();
  const order = dataset.keyOrder(rowCount);
  const storage = Storage.open(dataDir);
  try {
    const table = storage.table(INSTANCE_NAME, TABLE_NAME);
    if (table === undefined) throw new Error(`no table ${TABLE_NAME} in ${dataDir}; create it first`);
    for (let from = 0; from < rowCount; from += CHUNK_ROWS) {
      const to = Math.min(rowCount, from + CHUNK_ROWS);
      storage.transaction(() => {
        for (let position = from; position < to; position++) {
          const scan = dataset.scan(order[position] ?? 0);
          table.put(encodeKey(storedPrimaryKey(scan)), encodeColumns(storedColumns(scan, cellTimestamp)));
        }
      });
    }
  } finally {
    storage.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [dataDir, rows, cellTimestamp] = process.argv.slice(2);
  if (dataDir === undefined || rows === undefined || cellTimestamp === undefined) {
    throw new Error('usage: bulk-load.ts <dataDir> <rows> <cellTimestampMs>');
  }
  loadScans(dataDir, Number(rows), Number(cellTimestamp));
}
