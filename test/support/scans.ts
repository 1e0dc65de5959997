import { randomInt } from 'node:crypto';
import {
  luhnCheckDigit,
  waybillNoSchema,
  type ScanEventInput,
  type ScanEventType,
  type WaybillNo,
} from '../../layers/core/src/domain/index.ts';

/**
 * Scan events as partners and hub scanners write them, on waybill numbers no other test (or earlier run
 * against a kept data directory) uses: integration tests share one stack per file, so each test makes its own
 * parcels instead of cleaning up.
 */

/** A per-process random stem, so two test files (or two runs) never pick the same waybill numbers. */
const stem = String(randomInt(0, 1_000_000_000)).padStart(9, '0');
let sequence = 0;

/** A valid waybill number (15 digits, Luhn check digit last) that this process has not handed out before. */
export function freshWaybillNo(): WaybillNo {
  sequence += 1;
  const first14 = `7${stem}${String(sequence).padStart(4, '0')}`;
  return waybillNoSchema.parse(`${first14}${luhnCheckDigit(first14)}`);
}

/** `count` fresh waybill numbers. */
export function freshWaybillNos(count: number): WaybillNo[] {
  return Array.from({ length: count }, () => freshWaybillNo());
}

/**
 * The same waybill number with a wrong check digit: 15 digits, so the only rule it breaks is the check digit.
 *
 * @example
 * wrongCheckDigit('773061155005900'); // '773061155005901'
 */
export function wrongCheckDigit(waybillNo: string): string {
  const last = Number(waybillNo.slice(-1));
  return `${waybillNo.slice(0, -1)}${(last + 1) % 10}`;
}

let eventSequence = 0;

/** An eventId no other event of this process has. */
export function freshEventId(prefix = 'e'): string {
  eventSequence += 1;
  return `${prefix}-${stem}-${eventSequence}`;
}

/** The base time of test timelines: 2025-11-25 08:00 in Shanghai. */
export const timelineStartMs = Date.parse('2025-11-25T08:00:00+08:00');

/** An ISO-8601 time with the +08:00 offset hubs write, `minutes` after {@link timelineStartMs}. */
export function occurredAt(minutes: number): string {
  const local = new Date(timelineStartMs + minutes * 60_000 + 8 * 3_600_000);
  return `${local.toISOString().slice(0, 19)}+08:00`;
}

/** A valid scan event for `waybillNo`, with a fresh eventId unless `overrides` names one. */
export function scanInput(waybillNo: string, overrides: Partial<Record<keyof ScanEventInput, unknown>> & Record<string, unknown> = {}): ScanEventInput {
  return {
    eventId: freshEventId(),
    waybillNo,
    type: 'ARRIVED',
    occurredAt: occurredAt(0),
    facilityCode: 'SH-PD-01',
    ...overrides,
  } as ScanEventInput;
}

/** A parcel's journey, one scan per step, `minutesApart` minutes apart, with fresh eventIds. */
export function journey(
  waybillNo: string,
  types: readonly ScanEventType[],
  options: { startMinute?: number; minutesApart?: number } = {},
): ScanEventInput[] {
  const start = options.startMinute ?? 0;
  const step = options.minutesApart ?? 30;
  return types.map((type, index) =>
    scanInput(waybillNo, { type, occurredAt: occurredAt(start + index * step), facilityCode: `HUB-${index + 1}` }),
  );
}

