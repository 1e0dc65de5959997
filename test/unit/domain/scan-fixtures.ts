import { luhnCheckDigit, type ScanEvent, type ScanEventInput, type WaybillNo, waybillNoSchema } from '../../../layers/core/src/domain/index.ts';

/** The carrier's own example waybill number (issue 4). */
export const exampleWaybillNo = '773061155005900';

/** A waybill number built from a 14-digit payload and its check digit. */
export function waybillNoFrom(first14: string): WaybillNo {
  return waybillNoSchema.parse(`${first14}${luhnCheckDigit(first14)}`);
}

/** A valid scan event as a sender writes it, with the fields a test cares about overridden. */
export function scanEventInput(overrides: Record<string, unknown> = {}): ScanEventInput {
  return {
    eventId: 'e-1',
    waybillNo: exampleWaybillNo,
    type: 'ARRIVED',
    occurredAt: '2025-11-25T14:03:00+08:00',
    facilityCode: 'SH-PD-01',
    ...overrides,
  } as ScanEventInput;
}

/** A parsed scan event at `occurredAtMs`, as the domain sees it after the schema. */
export function scanEventAt(
  occurredAtMs: number,
  type: ScanEvent['type'],
  eventId: string,
  extra: Partial<ScanEvent> = {},
): ScanEvent {
  return {
    eventId,
    waybillNo: waybillNoSchema.parse(exampleWaybillNo),
    type,
    occurredAt: new Date(occurredAtMs).toISOString(),
    occurredAtMs,
    facilityCode: 'SH-PD-01',
    ...extra,
  };
}
