import { hash } from 'node:crypto';

/**
 * The rows the Tablestore benchmark writes and reads: scan events as the `scans` table holds them, primary
 * key [partition, waybillNo, seq] where partition is the first 4 hex digits of md5(waybillNo), so a
 * waybill's scans sit together and waybills spread evenly over the key space.
 *
 * Row `index` is scan `index % 10` of waybill `index / 10`; everything is a pure function of the index, so
 * the stub, the bulk loader and the client agree on every row without sharing state.
 */

export const SCANS_PER_WAYBILL = 10;
const FIRST_WAYBILL_NO = 773_000_000_000_000;
const SCAN_TYPES = ['PICKED_UP', 'ARRIVED', 'DEPARTED', 'ARRIVED', 'DEPARTED', 'ARRIVED', 'DEPARTED', 'ARRIVED', 'OUT_FOR_DELIVERY', 'DELIVERED'] as const;
const PARTITIONS = 0x1_0000;

export interface ScanEvent {
  partition: string;
  waybillNo: string;
  seq: number;
  scanType: string;
  facilityCode: string;
  courierId: string;
  lat: number;
  lng: number;
}

/** A waybill number: 15 digits, so string order is numeric order. */
function waybillNo(waybill: number): string {
  return String(FIRST_WAYBILL_NO + waybill);
}

/** md5 of each waybill number is computed once and kept: it would otherwise be client CPU inside the timed calls. */
export class ScanDataset {
  private partitions = new Uint16Array(0);
  private known = 0;

  /** Computes the partitions of every waybill of rows [0, rowCount) now rather than during a measurement. */
  prepare(rowCount: number): void {
    const waybills = Math.ceil(rowCount / SCANS_PER_WAYBILL);
    if (waybills <= this.known) return;
    if (waybills > this.partitions.length) {
      const grown = new Uint16Array(Math.max(waybills, this.partitions.length * 2));
      grown.set(this.partitions.subarray(0, this.known));
      this.partitions = grown;
    }
    for (let waybill = this.known; waybill < waybills; waybill++) {
      this.partitions[waybill] = hash('md5', waybillNo(waybill), 'buffer').readUInt16BE(0);
    }
    this.known = waybills;
  }

  private partitionOf(waybill: number): number {
    if (waybill >= this.known) this.prepare((waybill + 1) * SCANS_PER_WAYBILL);
    return this.partitions[waybill] ?? 0;
  }

  scan(index: number): ScanEvent {
    const waybill = Math.floor(index / SCANS_PER_WAYBILL);
    const seq = index % SCANS_PER_WAYBILL;
    return {
      partition: this.partitionOf(waybill).toString(16).padStart(4, '0'),
      waybillNo: waybillNo(waybill),
      seq,
      scanType: SCAN_TYPES[seq] ?? 'ARRIVED',
      facilityCode: `SH-${String((waybill * 7 + seq) % 500).padStart(4, '0')}`,
      courierId: `c-${(waybill * 13) % 977}`,
      lat: 31 + ((waybill * 31 + seq) % 1000) / 1000,
      lng: 121 + ((waybill * 17 + seq) % 1000) / 1000,
    };
  }

  /**
   * The indices of rows [0, rowCount) in primary-key order. Partitions are 4 lowercase hex digits, so their
   * string order is the order of their numeric value; within a partition waybills keep numeric order (a
   * stable counting sort) and a waybill's scans follow by seq.
   */
  keyOrder(rowCount: number): Uint32Array {
    this.prepare(rowCount);
    const waybills = Math.ceil(rowCount / SCANS_PER_WAYBILL);
    const starts = new Uint32Array(PARTITIONS + 1);
    for (let waybill = 0; waybill < waybills; waybill++) starts[(this.partitions[waybill] ?? 0) + 1]! += 1;
    for (let partition = 1; partition <= PARTITIONS; partition++) starts[partition]! += starts[partition - 1]!;
    const waybillsInOrder = new Uint32Array(waybills);
    for (let waybill = 0; waybill < waybills; waybill++) waybillsInOrder[starts[this.partitions[waybill] ?? 0]!++] = waybill;
    const rows = new Uint32Array(rowCount);
    let at = 0;
    for (const waybill of waybillsInOrder) {
      for (let seq = 0; seq < SCANS_PER_WAYBILL; seq++) {
        const index = waybill * SCANS_PER_WAYBILL + seq;
        if (index < rowCount) rows[at++] = index;
      }
    }
    return rows;
  }
}
