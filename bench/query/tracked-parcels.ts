import { hash } from 'node:crypto';
import {
  maskPersonName,
  maskPhone,
  scanEventSchema,
  type ParcelOrderSummary,
  type ScanEvent,
} from '../../layers/core/src/domain/index.ts';
import { recordScans } from '../../layers/core/src/ingest/record-scans.ts';
import type { AttributeValue, BatchWriteRowChange, PrimaryKeyToWrite } from '../../layers/core/src/store/index.ts';
import { Double } from '../../layers/core/src/store/index.ts';
import { parcelsTable, scanEventsTable } from '../../infra/tables.ts';
import { DEMO_PARTNER } from '../../infra/local/stack.ts';
import type { CellValue, StoredPrimaryKey } from '../../infra/local/tablestore/plainbuffer/types.ts';
import type { CellVersion } from '../../infra/local/tablestore/row.ts';
import { InstantTablestoreClient } from '../support/instant-tablestore.ts';
import { journeyScan, journeyWaybillNo, SCANS_PER_WAYBILL } from '../support/scan-journeys.ts';

/**
 * The tracking benchmark's data: `parcels` parcels that have each been through their whole journey of
 * SCANS_PER_WAYBILL scans, as the layer itself would store them. The rows are what recordScans writes for those
 * scans (through InstantTablestoreClient, which hands them over instead of sending them), plus the masked order
 * summary order intake puts on each parcel row; they are then given to the local server's storage in its own
 * encodings, so the server reads them back exactly as if they had come through the SDK.
 *
 * @example
 * for (const group of trackedParcelGroups(50_000, 10)) for (const row of await group.rows()) store(row);
 */

/** All parcels of the benchmark come from this journey stream, so their numbers are journeyWaybillNo(STREAM, i). */
export const TRACKED_STREAM = 0;

/** One row to store, in the local server's terms. */
export interface StoredRowInput {
  table: string;
  primaryKey: StoredPrimaryKey;
  columns: Map<string, CellVersion[]>;
}

export function trackedWaybillNo(parcel: number): string {
  return journeyWaybillNo(TRACKED_STREAM, parcel);
}

function storedValue(value: AttributeValue | PrimaryKeyToWrite[string], column: string): CellValue {
  if (typeof value === 'string') return { type: 'STRING', value };
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`${column}: the layer writes numbers as INTEGER, and ${value} is not one`);
    return { type: 'INTEGER', value: BigInt(value) };
  }
  if (typeof value === 'bigint') return { type: 'INTEGER', value };
  if (typeof value === 'boolean') return { type: 'BOOLEAN', value };
  if (value instanceof Double) return { type: 'DOUBLE', value: value.value };
  if (value instanceof Uint8Array) return { type: 'BINARY', value: Buffer.from(value) };
  throw new Error(`${column}: a primary-key placeholder cannot be stored`);
}

function storedKey(primaryKey: PrimaryKeyToWrite): StoredPrimaryKey {
  return Object.entries(primaryKey).map(([name, value]) => {
    const stored = storedValue(value, name);
    if (stored.type !== 'STRING' && stored.type !== 'INTEGER' && stored.type !== 'BINARY') throw new Error(`${name}: not a primary-key type`);
    return { name, value: stored };
  });
}

function storedColumns(attributes: Readonly<Record<string, AttributeValue>>, timestamp: number): Map<string, CellVersion[]> {
  return new Map(Object.entries(attributes).map(([name, value]) => [name, [{ timestamp, value: storedValue(value, name) }]]));
}

/** A PutRow, or an UpdateRow of a row that did not exist: the columns the server would then hold. */
function storedRow(change: BatchWriteRowChange, timestamp: number): StoredRowInput {
  if (change.type === 'DELETE') throw new Error('recordScans does not delete rows');
  const attributes = change.type === 'PUT' ? (change.attributes ?? {}) : (change.put ?? {});
  return { table: change.table, primaryKey: storedKey(change.primaryKey), columns: storedColumns(attributes, timestamp) };
}

/** Every order has the same sender and receiver names; masking them (grapheme by grapheme) once is enough. */
const SENDER_NAME = maskPersonName('Shanghai Fashion Co');
const RECEIVER_NAME = maskPersonName('張小明');

/** The masked order summary order intake keeps on a parcel's row (domain/order-summary.ts). */
function orderSummary(parcel: number): ParcelOrderSummary {
  return {
    partnerId: DEMO_PARTNER.partnerId,
    partnerOrderId: `order-${parcel}`,
    createdAt: `2026-11-10T15:${String(parcel % 60).padStart(2, '0')}:00.000Z`,
    weightGrams: 200 + (parcel % 50) * 100,
    itemCount: 1 + (parcel % 3),
    sender: { name: SENDER_NAME, address: { province: '上海市', city: '上海市' } },
    receiver: {
      name: RECEIVER_NAME,
      phone: maskPhone(`138${String(parcel).padStart(8, '0').slice(-8)}`),
      address: { province: '浙江省', city: '杭州市', district: '西湖区' },
    },
  };
}

function parsedJourney(parcel: number): ScanEvent[] {
  return Array.from({ length: SCANS_PER_WAYBILL }, (_, step) => {
    const parsed = scanEventSchema.safeParse(journeyScan(TRACKED_STREAM, parcel, step, `track-${parcel}-${step}`));
    if (!parsed.success) throw new Error(`the benchmark generated an invalid scan event: ${parsed.error.message}`);
    return parsed.data;
  });
}

/**
 * The rows of the parcels `parcels` (indices), each with its whole journey, as recordScans writes them, plus the
 * order summary on each parcel row. Every cell is versioned at `timestamp`.
 */
export async function trackedParcelRows(parcels: readonly number[], timestamp: number): Promise<StoredRowInput[]> {
  const changes: BatchWriteRowChange[] = [];
  const store = new InstantTablestoreClient({ onWrite: (row) => changes.push(row) });
  await recordScans(store, { partnerId: DEMO_PARTNER.partnerId, channel: 'webhook', events: parcels.flatMap(parsedJourney), receivedAtMs: timestamp }, timestamp + 60_000);
  const orders = new Map(parcels.map((parcel) => [trackedWaybillNo(parcel), orderSummary(parcel)]));
  return changes.map((change) => {
    const row = storedRow(change, timestamp);
    const order = change.table === parcelsTable.name ? orders.get(String(change.primaryKey.waybillNo)) : undefined;
    if (order !== undefined) row.columns.set('order', [{ timestamp, value: { type: 'STRING', value: JSON.stringify(order) } }]);
    return row;
  });
}

/**
 * The parcels 0 … count-1 in the order of their rows' primary keys (partition = md5 prefix, then waybill number),
 * so that a loader handing their rows over in this order only ever appends to the storage's B-trees.
 */
export function parcelsInKeyOrder(count: number): number[] {
  const keyed = Array.from({ length: count }, (_, parcel) => {
    const waybillNo = trackedWaybillNo(parcel);
    return { parcel, key: `${hash('md5', waybillNo).slice(0, 4)}${waybillNo}` };
  });
  return keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map(({ parcel }) => parcel);
}

/** The tables these rows go to, for the loader's checks. */
export const TRACKED_TABLES = [scanEventsTable.name, parcelsTable.name] as const;
