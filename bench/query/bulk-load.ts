import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { provisionTables } from '../../infra/provision/tablestore-tables.ts';
import { LOCAL_INSTANCE, LOCAL_KEY } from '../../infra/local/stack.ts';
import { encodeKey } from '../../infra/local/tablestore/keys.ts';
import { encodeColumns } from '../../infra/local/tablestore/row-codec.ts';
import { startTablestoreServer } from '../../infra/local/tablestore/server.ts';
import { Storage, type StoredTable } from '../../infra/local/tablestore/storage.ts';
import { tables } from '../../infra/tables.ts';
import { parcelsInKeyOrder, trackedParcelRows, TRACKED_TABLES } from './tracked-parcels.ts';

/**
 * Fills a stack data directory with tracked parcels fast: creates the tables of infra/tables.ts as the stack does
 * (through the SDK, against a Tablestore server on the directory), then hands the rows straight to the server's
 * storage, parcels in key order, in transactions of PARCELS_PER_TRANSACTION parcels. No server may be running on the
 * directory meanwhile. Run as its own process (query.ts), so the garbage of a million rows never weighs on the
 * benchmark's heap:
 *   node --import tsx bench/query/bulk-load.ts <dataDir> <parcels> <cellTimestampMs>
 * `dataDir` is the stack's (`--data`): the rows go to <dataDir>/tablestore.
 */

const PARCELS_PER_GROUP = 10;
const PARCELS_PER_TRANSACTION = 1_000;

async function createTables(tablestoreDir: string): Promise<void> {
  const server = await startTablestoreServer({ port: 0, host: '127.0.0.1', dataDir: tablestoreDir });
  try {
    await provisionTables({ endpoint: server.url, instanceName: LOCAL_INSTANCE, ...LOCAL_KEY }, tables);
  } finally {
    await server.close();
  }
}

export async function loadTrackedParcels(dataDir: string, parcels: number, cellTimestamp: number): Promise<void> {
  const tablestoreDir = join(dataDir, 'tablestore');
  await createTables(tablestoreDir);
  const order = parcelsInKeyOrder(parcels);
  const storage = Storage.open(tablestoreDir);
  try {
    const stored = new Map<string, StoredTable>();
    for (const name of TRACKED_TABLES) {
      const table = storage.table(LOCAL_INSTANCE, name);
      if (table === undefined) throw new Error(`no table ${name} in ${tablestoreDir}`);
      stored.set(name, table);
    }
    for (let from = 0; from < order.length; from += PARCELS_PER_TRANSACTION) {
      const rows = [];
      for (let group = from; group < Math.min(order.length, from + PARCELS_PER_TRANSACTION); group += PARCELS_PER_GROUP) {
        rows.push(...(await trackedParcelRows(order.slice(group, Math.min(group + PARCELS_PER_GROUP, from + PARCELS_PER_TRANSACTION)), cellTimestamp)));
      }
      const encoded = rows.map((row) => ({ table: row.table, key: encodeKey(row.primaryKey), columns: encodeColumns(row.columns) }));
      encoded.sort((a, b) => (a.table === b.table ? Buffer.compare(a.key, b.key) : a.table < b.table ? -1 : 1));
      storage.transaction(() => {
        for (const row of encoded) stored.get(row.table)?.put(row.key, row.columns);
      });
    }
  } finally {
    storage.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [dataDir, parcels, cellTimestamp] = process.argv.slice(2);
  if (dataDir === undefined || parcels === undefined || cellTimestamp === undefined) {
    throw new Error('usage: bulk-load.ts <dataDir> <parcels> <cellTimestampMs>');
  }
  await loadTrackedParcels(dataDir, Number(parcels), Number(cellTimestamp));
}
