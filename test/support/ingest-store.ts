import { LOCAL_INSTANCE, LOCAL_KEY } from '../../infra/local/stack.ts';
import { startTablestoreServer, type TablestoreServer } from '../../infra/local/tablestore/server.ts';
import { provisionTables } from '../../infra/provision/tablestore-tables.ts';
import { tables } from '../../infra/tables.ts';
import type { ParcelState, WaybillNo } from '../../layers/core/src/domain/index.ts';
import { createTablestoreClient, type TablestoreClient } from '../../layers/core/src/store/index.ts';
import { readParcel } from '../../layers/core/src/store/parcels-table.ts';
import { readTimeline, type TimelineScan } from '../../layers/core/src/store/scan-events-table.ts';

/**
 * What ingestion stored, read back through the project's own Tablestore wrapper and the official SDK (never
 * around them), and the local Tablestore server's fault switches.
 */

export interface IngestStore {
  client: TablestoreClient;
  /** One waybill's scans in time order. */
  timeline(waybillNo: WaybillNo): Promise<TimelineScan[]>;
  /** The parcel's state, or undefined when nothing was recorded for it. */
  parcel(waybillNo: WaybillNo): Promise<ParcelState | undefined>;
}

export function ingestStore(tablestoreUrl: string): IngestStore {
  const client = createTablestoreClient({ endpoint: tablestoreUrl, instanceName: LOCAL_INSTANCE, ...LOCAL_KEY });
  return {
    client,
    timeline: (waybillNo) => readTimeline(client, waybillNo, Date.now() + 5_000),
    parcel: (waybillNo) => readParcel(client, waybillNo, Date.now() + 5_000),
  };
}

/** The local server's switches (README "Fault injection"); unnamed ones keep their current value. */
export interface FaultSwitches {
  errorRate?: number;
  rowErrorRate?: number;
  errorCode?: 'OTSServerBusy' | 'OTSTimeout' | 'OTSPartitionUnavailable' | 'OTSRowOperationConflict' | 'OTSInternalServerError';
  latencyMs?: number;
  operations?: string[];
}

/** Changes the running server's faults over its HTTP control endpoint, as an operator would with curl. */
export async function setFaults(tablestoreUrl: string, switches: FaultSwitches): Promise<void> {
  const response = await fetch(`${tablestoreUrl}/__local/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(switches),
  });
  if (!response.ok) throw new Error(`setting faults failed: ${response.status} ${await response.text()}`);
  await response.arrayBuffer().catch(() => undefined);
}

/** Every fault off. */
export function clearFaults(tablestoreUrl: string): Promise<void> {
  return setFaults(tablestoreUrl, { errorRate: 0, rowErrorRate: 0, latencyMs: 0, errorCode: 'OTSServerBusy', operations: [] });
}

/** A stored scan reduced to what a timeline means: when, which scan, what happened where. */
export interface TimelineEntry {
  occurredAtMs: number;
  eventKey: string;
  eventId: unknown;
  type: unknown;
  facilityCode: unknown;
}

export function timelineEntries(scans: readonly TimelineScan[]): TimelineEntry[] {
  return scans.map((scan) => ({
    occurredAtMs: scan.occurredAtMs,
    eventKey: scan.eventKey,
    eventId: scan.attributes.eventId,
    type: scan.attributes.type,
    facilityCode: scan.attributes.facilityCode,
  }));
}

/** A parcel state without what differs between two parcels with the same timeline (number and revision). */
export function comparableParcel(state: ParcelState | undefined): Omit<ParcelState, 'waybillNo' | 'revision'> | undefined {
  if (state === undefined) return undefined;
  const { waybillNo: _waybillNo, revision: _revision, ...rest } = state;
  return rest;
}

/** A local Tablestore server of its own with parcelscan's tables, and the store reading it. */
export interface ProvisionedTablestore {
  server: TablestoreServer;
  store: IngestStore;
}

export async function startProvisionedTablestore(): Promise<ProvisionedTablestore> {
  const server = await startTablestoreServer({ port: 0 });
  await provisionTables({ endpoint: server.url, instanceName: LOCAL_INSTANCE, ...LOCAL_KEY }, tables);
  return { server, store: ingestStore(server.url) };
}
