import { fileURLToPath } from 'node:url';
import { runChild, startChildServer, type ChildServer } from '../support/child-process.ts';
import { ScanTableClient } from './sdk.ts';

/**
 * The processes the benchmark drives besides itself: the local server started as a developer would, the
 * stub, and the bulk loader. TypeScript entries run through tsx, as the CLI does.
 */

const CLI = fileURLToPath(new URL('../../bin/parcelscan.mjs', import.meta.url));
const STUB = fileURLToPath(new URL('./stub-server.ts', import.meta.url));
const BULK_LOAD = fileURLToPath(new URL('./bulk-load.ts', import.meta.url));
const TSX = ['--import', import.meta.resolve('tsx')];

/** `parcelscan tablestore --port 0 --data <dataDir>`; `nodeArgs` go to node itself (e.g. --cpu-prof). */
export function startLocalTablestore(dataDir: string, nodeArgs: readonly string[] = []): Promise<ChildServer> {
  return startChildServer([...nodeArgs, CLI, 'tablestore', '--port', '0', '--data', dataDir]);
}

/** The stub that answers at once (stub-server.ts). */
export function startStubTablestore(): Promise<ChildServer> {
  return startChildServer([...TSX, STUB, '--port', '0']);
}

/** Creates the `scans` table through the SDK, against a server on `dataDir` that is stopped afterwards. */
export async function createScanTable(dataDir: string): Promise<void> {
  const server = await startLocalTablestore(dataDir);
  try {
    await new ScanTableClient(server.url).createScanTable();
  } finally {
    await server.stop();
  }
}

/** Fills the table with rows [0, rows) of the scan dataset, in a process of its own (bulk-load.ts). */
export function loadScansInChild(dataDir: string, rows: number, cellTimestamp: number): Promise<void> {
  return runChild([...TSX, BULK_LOAD, dataDir, String(rows), String(cellTimestamp)]);
}
