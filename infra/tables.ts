/**
 * The Tablestore tables of parcelscan, declared once: the local stack creates them at start, and
 * `parcelscan provision` creates them in a real instance.
 *
 * Keys (https://www.alibabacloud.com/help/en/tablestore/best-practices-for-table-operations): the first
 * primary-key column is the partition key, and Tablestore splits tables into partitions by its range, so a
 * monotonic or clustered first column makes a write hot spot. The scan and parcel tables lead with `partition`,
 * the first 4 hex digits of md5(waybillNo): writes spread evenly over 65 536 prefixes, and one waybill still
 * lives in one partition. Orders lead with the same kind of prefix, of the partner's order id. The waybill
 * counters are a few rows written a few thousand times a day, which needs no spreading.
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
    { name: 'eventKey', type: 'STRING' },
  ],
  timeToLive: SCAN_RETENTION_SECONDS,
  maxVersions: 1,
  purpose:
    "One row per scan event. eventKey = partnerId/eventId is the scan's identity, so writing with " +
    'EXPECT_NOT_EXIST turns a resent event into a condition failure (a duplicate) with no read before the write, ' +
    'even when the resend carries another occurredAt; the time is a column. A waybill\'s timeline is one GetRange ' +
    'over (partition, waybillNo), put in time order in memory: a parcel has tens of scans.',
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

/**
 * Orders hold personal data (names, phones, addresses), kept as long as a parcel's scans are: long enough for
 * claims, no longer (PIPL's storage limitation).
 */
const ORDER_RETENTION_SECONDS = SCAN_RETENTION_SECONDS;

export const ordersTable = {
  name: 'orders',
  primaryKey: [
    { name: 'partition', type: 'STRING' },
    { name: 'partnerId', type: 'STRING' },
    { name: 'partnerOrderId', type: 'STRING' },
  ],
  timeToLive: ORDER_RETENTION_SECONDS,
  maxVersions: 1,
  purpose:
    "One row per partner order: the full order (sender and receiver with phones and addresses), its waybillNo, " +
    'createdAt and a fingerprint of its content. (partnerId, partnerOrderId) is the order\'s identity, so one ' +
    'order is one row, written with EXPECT_NOT_EXIST: of concurrent retries exactly one write succeeds and the ' +
    "others read the winner's waybillNo. partition = the first 4 hex digits of md5(partnerId/partnerOrderId), " +
    "because a partner's ids are usually sequential and would otherwise all land on one partition.",
} as const satisfies TableDeclaration;

export const waybillBlocksTable = {
  name: 'waybill_blocks',
  primaryKey: [{ name: 'counter', type: 'STRING' }],
  // Never expire: a counter that expired would start again from 0 and hand out numbers already printed.
  timeToLive: -1,
  maxVersions: 1,
  purpose:
    'A handful of rows (`waybill-0` … `waybill-9`), each an INTEGER `issued`: how many numbers of its shard of ' +
    'the waybill sequence have been reserved. An instance reserves a block of numbers with one UpdateRow ' +
    'INCREMENT that returns the new value, then hands the block out from memory, so tens of millions of orders ' +
    'a day cost a few thousand writes spread over several rows (see ingest/waybill-allocator.ts).',
} as const satisfies TableDeclaration;

export const tables: readonly TableDeclaration[] = [scanEventsTable, parcelsTable, ordersTable, waybillBlocksTable];
