/**
 * The Tablestore tables of parcelscan, declared once: the local stack creates them at start, and
 * `parcelscan provision` creates them in a real instance.
 *
 * Keys (https://www.alibabacloud.com/help/en/tablestore/best-practices-for-table-operations): the first
 * primary-key column is the partition key, and Tablestore splits tables into partitions by its range, so a
 * monotonic or clustered first column makes a write hot spot. Both tables lead with `partition`, the first 4
 * hex digits of md5(waybillNo): writes spread evenly over 65 536 prefixes, and one waybill still lives in one
 * partition.
 */

export type KeyType = 'STRING' | 'INTEGER' | 'BINARY';

export interface TableDeclaration {
  name: string;
  primaryKey: { name: string; type: KeyType; autoIncrement?: boolean }[];
  /** Seconds; -1 = keep forever. */
  timeToLive: number;
  maxVersions: number;
  /** Why the table is keyed as it is, for the README. */
  purpose: string;
}

/** Scans are kept for 180 days: long enough for claims and audits on a parcel's journey. */
const SCAN_RETENTION_SECONDS = 180 * 24 * 3600;

export const scanEventsTable = {
  name: 'scan_events',
  primaryKey: [
    { name: 'partition', type: 'STRING' },
    { name: 'waybillNo', type: 'STRING' },
    { name: 'occurredAt', type: 'INTEGER' },
    { name: 'eventKey', type: 'STRING' },
  ],
  timeToLive: SCAN_RETENTION_SECONDS,
  maxVersions: 1,
  purpose:
    "One row per scan event. A waybill's timeline is one GetRange over (partition, waybillNo), already ordered by " +
    'occurredAt; eventKey = partnerId/eventId makes the key unique, so writing with EXPECT_NOT_EXIST turns a ' +
    'resent event into a condition failure (a duplicate) with no read before the write.',
} as const satisfies TableDeclaration;

export const parcelsTable = {
  name: 'parcels',
  primaryKey: [
    { name: 'partition', type: 'STRING' },
    { name: 'waybillNo', type: 'STRING' },
  ],
  timeToLive: SCAN_RETENTION_SECONDS,
  maxVersions: 1,
  purpose:
    "One row per parcel: current status, last event, exception, counts and a revision. Updated with a " +
    'condition on the revision it was read at, so concurrent consumers never overwrite each other and a late ' +
    'scan never replaces a newer status.',
} as const satisfies TableDeclaration;

export const tables: readonly TableDeclaration[] = [scanEventsTable, parcelsTable];
