import { describe, expect, it } from 'vitest';
import {
  foldScans,
  parcelTracking,
  parseStoredOrderSummary,
  scanEventKey,
  scanEventSchema,
  type ParcelState,
  type ScanEvent,
  type ScanEventInput,
  type TrackingScan,
} from '../../../layers/core/src/domain/index.ts';
import { exampleWaybillNo, scanEventInput } from './scan-fixtures.ts';

function event(input: Partial<ScanEventInput>): ScanEvent {
  return scanEventSchema.parse(scanEventInput(input));
}

/** A stored scan of partner `demo`, as the store reads it back. */
function trackingScan(scan: ScanEvent): TrackingScan {
  const { eventId: _eventId, operatorId: _operatorId, deviceId: _deviceId, lat: _lat, lon: _lon, waybillNo: _waybillNo, ...shown } = scan;
  return { ...shown, eventKey: scanEventKey('demo', scan.eventId) };
}

function stateOf(scans: readonly ScanEvent[]): ParcelState {
  return foldScans(undefined, scans.map((scan) => ({ event: scan, eventKey: scanEventKey('demo', scan.eventId) }))).state;
}

const pickedUp = event({ eventId: 'e-1', type: 'PICKED_UP', occurredAt: '2025-11-25T14:03:00+08:00', facilityName: 'Shanghai Pudong branch' });
const departed = event({ eventId: 'e-2', type: 'DEPARTED', occurredAt: '2025-11-25T20:45:00+08:00', nextFacilityCode: 'HZ-XH-01' });
const damaged = event({ eventId: 'e-3', type: 'EXCEPTION', occurredAt: '2025-11-26T01:00:00Z', facilityCode: 'HZ-XH-01', remark: 'box damaged' });
const delivered = event({ eventId: 'e-4', type: 'DELIVERED', occurredAt: '2025-11-26T11:12:00+08:00', facilityCode: 'HZ-XH-01', signedBy: '張三' });
const waybillNo = pickedUp.waybillNo;

const storedSummary = {
  partnerId: 'demo',
  partnerOrderId: 'po-77',
  createdAt: '2025-11-25T05:00:00.000Z',
  weightGrams: 1250,
  itemCount: 2,
  sender: { name: 'Acme Store', phone: '02158889999', address: { province: '上海市', city: '上海市', district: '浦东新区', detail: '世纪大道 100 号' } },
  receiver: { name: '張三丰', phone: '13812345678', address: { province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 90 号' } },
};

describe('the public tracking answer', () => {
  it('has the status, the exception, the scan that set the status and every scan ascending by time', () => {
    const scans = [delivered, damaged, pickedUp, departed];
    const tracking = parcelTracking({ waybillNo, state: stateOf(scans), scans: scans.map(trackingScan) });
    expect(tracking).toEqual({
      waybillNo: exampleWaybillNo,
      status: 'DELIVERED',
      exception: { active: false, reason: 'box damaged' },
      lastEvent: { type: 'DELIVERED', occurredAt: '2025-11-26T11:12:00+08:00', facilityCode: 'HZ-XH-01', signedBy: '張*' },
      events: [
        { type: 'PICKED_UP', occurredAt: '2025-11-25T14:03:00+08:00', facilityCode: 'SH-PD-01', facilityName: 'Shanghai Pudong branch' },
        { type: 'DEPARTED', occurredAt: '2025-11-25T20:45:00+08:00', facilityCode: 'SH-PD-01', nextFacilityCode: 'HZ-XH-01' },
        { type: 'EXCEPTION', occurredAt: '2025-11-26T01:00:00Z', facilityCode: 'HZ-XH-01', remark: 'box damaged' },
        { type: 'DELIVERED', occurredAt: '2025-11-26T11:12:00+08:00', facilityCode: 'HZ-XH-01', signedBy: '張*' },
      ],
    });
  });

  it('orders scans of the same instant by their key, so every read shows them in the same order', () => {
    const first = event({ eventId: 'a', type: 'ARRIVED', occurredAt: '2025-11-25T14:03:00+08:00' });
    const second = event({ eventId: 'b', type: 'DEPARTED', occurredAt: '2025-11-25T06:03:00Z' });
    const tracking = parcelTracking({ waybillNo, scans: [second, first].map(trackingScan) });
    expect(tracking.events.map((scan) => scan.type)).toEqual(['ARRIVED', 'DEPARTED']);
  });

  it('reports a standing exception as active, beside the status it does not replace', () => {
    const scans = [pickedUp, departed, damaged];
    const tracking = parcelTracking({ waybillNo, state: stateOf(scans), scans: scans.map(trackingScan) });
    expect(tracking.status).toBe('DEPARTED');
    expect(tracking.exception).toEqual({ active: true, reason: 'box damaged' });
  });

  it('has no exception field for a parcel that never had one', () => {
    const tracking = parcelTracking({ waybillNo, state: stateOf([pickedUp]), scans: [trackingScan(pickedUp)] });
    expect(tracking).not.toHaveProperty('exception');
  });

  it('has a null status and last event for an order that has no scan yet', () => {
    const tracking = parcelTracking({ waybillNo, order: parseStoredOrderSummary(storedSummary), scans: [] });
    expect(tracking).toMatchObject({ status: null, lastEvent: null, events: [] });
    expect(tracking.order).toBeDefined();
  });

  it('shows of the order the masked receiver, the districts, the masked sender, weight, pieces and creation time', () => {
    const tracking = parcelTracking({ waybillNo, order: parseStoredOrderSummary(storedSummary), scans: [] });
    expect(tracking.order).toEqual({
      createdAt: '2025-11-25T05:00:00.000Z',
      sender: { name: 'A*** S***', province: '上海市', city: '上海市' },
      receiver: { name: '張**', phone: '138****5678', province: '浙江省', city: '杭州市', district: '西湖区' },
      weightGrams: 1250,
      itemCount: 2,
    });
  });

  it('never shows a street address, the sender phone, partner ids or the order id', () => {
    const answer = JSON.stringify(parcelTracking({ waybillNo, order: parseStoredOrderSummary(storedSummary), scans: [] }));
    for (const secret of ['世纪大道', '文三路', '02158889999', '13812345678', '張三丰', 'Acme', 'demo', 'po-77', 'detail', 'partner']) {
      expect(answer).not.toContain(secret);
    }
  });

  it('masks names and phones even when order intake stored them unmasked, and keeps masked ones as they are', () => {
    const masked = { receiver: { name: '張**', phone: '138****5678' } };
    expect(parcelTracking({ waybillNo, order: parseStoredOrderSummary(masked), scans: [] }).order).toEqual({ receiver: { name: '張**', phone: '138****5678' } });
  });
});

describe('parseStoredOrderSummary', () => {
  it('ignores an order column that is absent or not an order summary', () => {
    expect(parseStoredOrderSummary(undefined)).toBeUndefined();
    expect(parseStoredOrderSummary('garbage')).toBeUndefined();
    expect(parseStoredOrderSummary([1, 2])).toBeUndefined();
  });

  it('drops a malformed field and keeps the others', () => {
    expect(parseStoredOrderSummary({ weightGrams: 'heavy', receiver: { name: 7, phone: '13812345678' } })).toEqual({
      receiver: { phone: '13812345678' },
    });
  });

  it('leaves an order with nothing public out of the answer', () => {
    const order = parseStoredOrderSummary({ partnerOrderId: 'po-1', items: [{ name: 'medicine' }] });
    expect(parcelTracking({ waybillNo, ...(order === undefined ? {} : { order }), scans: [] })).not.toHaveProperty('order');
  });
});
