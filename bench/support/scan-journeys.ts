import { luhnCheckDigit, type ScanEventInput, type ScanEventType } from '../../layers/core/src/domain/index.ts';

/**
 * Scan events as partners and hub scanners send them, for the ingestion and tracking benchmarks: every waybill
 * goes through a journey of {@link SCANS_PER_WAYBILL} scans (picked up, eight hubs in and out, arrived at the
 * destination, out for delivery, delivered), about 250 bytes of JSON each with the optional fields a hub scanner
 * fills in.
 *
 * A stream interleaves the journeys of `waybillsInFlight` parcels: scan `i` is step `⌊i / W⌋` of parcel `i mod W`,
 * so any W consecutive scans name W different parcels (as a partner's batch does) and each parcel's scans arrive
 * in time order. After 20 steps a stream moves on to W new parcels. Everything is a pure function of (stream, i),
 * so eventIds are unique per stream and the numbers of two streams never meet.
 *
 * @example
 * const stream = new ScanStream({ stream: 3, waybillsInFlight: 1000 });
 * const batch = stream.next(100); // 100 scan events of 100 different parcels
 */

export const SCANS_PER_WAYBILL = 20;

const HUBS_PASSED = 8;
const JOURNEY: readonly ScanEventType[] = [
  'PICKED_UP',
  ...Array.from({ length: HUBS_PASSED }, (): ScanEventType[] => ['ARRIVED', 'DEPARTED']).flat(),
  'ARRIVED',
  'OUT_FOR_DELIVERY',
  'DELIVERED',
];

const HUBS = ['Shanghai Pudong hub', 'Hangzhou Xiaoshan hub', 'Suzhou Industrial Park hub', 'Nanjing Jiangning hub', 'Ningbo Beilun hub'];
/** 2026-11-11T00:00:00+08:00: the journeys start on the carrier's peak day. */
const FIRST_OCCURRED_AT_MS = Date.parse('2026-11-11T00:00:00+08:00');
const STEP_MS = 47 * 60_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** The waybill number of parcel `parcel` of stream `stream`: 77, the stream (3 digits), the parcel (9), the check digit. */
export function journeyWaybillNo(stream: number, parcel: number): string {
  const payload = `77${String(stream).padStart(3, '0')}${String(parcel).padStart(9, '0')}`;
  return `${payload}${luhnCheckDigit(payload)}`;
}

/** RFC 3339 in China Standard Time, as the carrier's scanners write it: `2026-11-11T08:47:00+08:00`. */
function chinaTime(ms: number): string {
  return `${new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

/** Step `step` (0-based) of the journey of parcel `parcel` of stream `stream`, with the given eventId. */
export function journeyScan(stream: number, parcel: number, step: number, eventId: string): ScanEventInput {
  const type = JOURNEY[step % SCANS_PER_WAYBILL] ?? 'ARRIVED';
  const hub = (parcel * 7 + step) % 500;
  const event: ScanEventInput = {
    eventId,
    waybillNo: journeyWaybillNo(stream, parcel),
    type,
    occurredAt: chinaTime(FIRST_OCCURRED_AT_MS + step * STEP_MS + (parcel % 3600) * 1000),
    facilityCode: `SH-HUB-${String(hub).padStart(3, '0')}`,
    facilityName: `${HUBS[hub % HUBS.length] ?? 'hub'} ${hub}`,
    operatorId: `op-${(parcel * 13 + step) % 9000}`,
    deviceId: `pda-${String(hub * 4 + (step % 4)).padStart(4, '0')}`,
    lat: Number((30 + ((parcel * 31 + step) % 2000) / 1000).toFixed(4)),
    lon: Number((120 + ((parcel * 17 + step) % 2000) / 1000).toFixed(4)),
  };
  if (type === 'DEPARTED') event.nextFacilityCode = `SH-HUB-${String((hub + 1) % 500).padStart(3, '0')}`;
  if (type === 'DELIVERED') event.signedBy = '本人';
  return event;
}

export interface ScanStreamOptions {
  /** 0–999: keeps the waybill numbers and eventIds of concurrent streams apart. */
  stream: number;
  /** Parcels whose journeys are interleaved; at least the size of a batch, so a batch names each parcel once. */
  waybillsInFlight: number;
}

export class ScanStream {
  private sent = 0;

  constructor(private readonly options: ScanStreamOptions) {}

  /** Scans sent so far. */
  get count(): number {
    return this.sent;
  }

  /** The next `count` scans of the stream. */
  next(count: number): ScanEventInput[] {
    const events: ScanEventInput[] = [];
    for (let n = 0; n < count; n++) events.push(this.scan(this.sent++));
    return events;
  }

  /** Scan `index` of the stream. */
  scan(index: number): ScanEventInput {
    const { stream, waybillsInFlight } = this.options;
    const round = Math.floor(index / waybillsInFlight);
    const parcel = Math.floor(round / SCANS_PER_WAYBILL) * waybillsInFlight + (index % waybillsInFlight);
    return journeyScan(stream, parcel, round % SCANS_PER_WAYBILL, `s${stream}-${index}`);
  }

  /** How many scans of each parcel the first `scans` scans of the stream hold, by waybill number. */
  scansPerWaybill(scans: number): Map<string, number> {
    const { waybillsInFlight, stream } = this.options;
    const counts = new Map<string, number>();
    for (let index = 0; index < scans; index++) {
      const round = Math.floor(index / waybillsInFlight);
      const waybillNo = journeyWaybillNo(stream, Math.floor(round / SCANS_PER_WAYBILL) * waybillsInFlight + (index % waybillsInFlight));
      counts.set(waybillNo, (counts.get(waybillNo) ?? 0) + 1);
    }
    return counts;
  }
}
