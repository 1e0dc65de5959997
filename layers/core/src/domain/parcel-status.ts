import type { ScanEvent, ScanEventType } from './scan-event.ts';
import { compareScanOrder, type ScanOrderKey } from './scan-order.ts';
import type { WaybillNo } from './waybill.ts';

/** Every type but EXCEPTION moves the parcel along; an EXCEPTION is reported beside the status instead. */
export type ProgressEventType = Exclude<ScanEventType, 'EXCEPTION'>;

/**
 * Whether a scan of this type sets the parcel's status.
 *
 * @example
 * ```ts
 * isProgressEvent('DEPARTED');  // true
 * isProgressEvent('EXCEPTION'); // false
 * ```
 */
export function isProgressEvent(type: ScanEventType): type is ProgressEventType {
  return type !== 'EXCEPTION';
}

/**
 * What a parcel keeps of the scan that set its status: enough for a tracking answer and for ordering, without the
 * operator, device and position, which stay in the scan's own row.
 */
export interface StatusEventSummary extends ScanOrderKey {
  type: ProgressEventType;
  occurredAt: string;
  facilityCode: string;
  facilityName?: string;
  nextFacilityCode?: string;
  signedBy?: string;
  remark?: string;
}

/** The latest EXCEPTION scan of a parcel. */
export interface ParcelException extends ScanOrderKey {
  /** The scan's `remark`, or {@link defaultExceptionReason} when it had none. */
  reason: string;
}

/**
 * A parcel's current state, folded from its scans by {@link foldScans}. Apart from `revision` every field is a
 * maximum, a minimum or a set union over the scans, so it does not depend on the order or the number of times the
 * scans were folded in.
 */
export interface ParcelState {
  waybillNo: WaybillNo;
  /** The type of the latest progress scan; absent while the parcel has only EXCEPTION scans. */
  status?: ProgressEventType;
  statusEvent?: StatusEventSummary;
  /** The latest EXCEPTION scan, kept even once a later progress scan has cleared it (see {@link isExceptionActive}). */
  exception?: ParcelException;
  /** Distinct scans folded in: the size of {@link ParcelState.eventKeys}. */
  eventCount: number;
  /**
   * The keys of the scans folded in, sorted: what makes counting exact. Whether a scan's row already existed says
   * nothing about whether it was counted: an attempt can write the row and fail before (or while, with an unknown
   * outcome) updating the parcel, and its redelivery finds the row. A parcel has tens of scans, so the set stays
   * small beside the row's limits.
   */
  eventKeys: string[];
  firstOccurredAtMs: number;
  lastOccurredAtMs: number;
  /** Goes up by one with every fold that changed the state, for the store's optimistic concurrency. */
  revision: number;
}

/**
 * One scan to fold into a parcel, with its key. A resent scan (its row already existed) is folded like any other:
 * if an earlier attempt wrote the scan's row and then failed before updating the parcel, the redelivery repairs
 * the parcel, count included; a resend of a scan already folded in changes nothing.
 */
export interface FoldableScan {
  event: ScanEvent;
  /** `scanEventKey(partnerId, event.eventId)`. */
  eventKey: string;
}

/** The outcome of {@link foldScans}: the new state, and whether it differs from the one passed in. */
export interface ParcelFold {
  state: ParcelState;
  changed: boolean;
}

/**
 * The exception reason shown when an EXCEPTION scan carries no remark.
 *
 * @example
 * ```ts
 * defaultExceptionReason('SH-PD-01'); // 'exception reported at SH-PD-01'
 * ```
 */
export function defaultExceptionReason(facilityCode: string): string {
  return `exception reported at ${facilityCode}`;
}

/**
 * Folds scans into a parcel's state. The status is the type of the latest progress scan by
 * (`occurredAtMs`, `eventKey`), whatever order scans arrive in; the latest EXCEPTION is kept beside it. Only scans
 * whose key is not yet in `eventKeys` add to `eventCount`, and `revision` goes up only when something changed, so
 * folding a scan again gives back the same state with `changed: false`.
 *
 * @throws RangeError when there is neither a state nor a scan (no waybill to fold for), or a scan is for another
 *   waybill: both are caller bugs, not input errors.
 * @example
 * ```ts
 * const { state, changed } = foldScans(current, [{ event, eventKey: scanEventKey('demo', event.eventId) }]);
 * if (changed) rows.push(parcelRow(state, current)); // written under a condition on current?.revision
 * ```
 */
export function foldScans(state: ParcelState | undefined, scans: readonly FoldableScan[]): ParcelFold {
  const first = scans[0];
  let start: ParcelState;
  if (state !== undefined) start = state;
  else if (first !== undefined) start = initialState(first);
  else throw new RangeError('foldScans needs a state or at least one scan');
  // One working copy per fold, changed in place scan by scan: a parcel row is folded for every scan at peak.
  // A state stored before eventKeys existed (local data only) has none: a scan it counted counts again if resent.
  const next: ParcelState = { ...start, eventKeys: start.eventKeys ?? [] };
  let eventKeys = next.eventKeys;
  for (const scan of scans) {
    const at = sortedIndexOf(eventKeys, scan.eventKey);
    if (eventKeys[at] !== scan.eventKey) {
      if (eventKeys === start.eventKeys) eventKeys = [...eventKeys];
      eventKeys.splice(at, 0, scan.eventKey);
    }
    foldScan(next, scan);
  }
  next.eventKeys = eventKeys;
  next.eventCount = start.eventCount + (eventKeys.length - (start.eventKeys?.length ?? 0));
  const changed = state === undefined || !sameState(state, next);
  if (!changed) return { state, changed };
  next.revision = (state?.revision ?? 0) + 1;
  return { state: next, changed };
}

function initialState(scan: FoldableScan): ParcelState {
  return {
    waybillNo: scan.event.waybillNo,
    eventCount: 0,
    eventKeys: [],
    firstOccurredAtMs: scan.event.occurredAtMs,
    lastOccurredAtMs: scan.event.occurredAtMs,
    revision: 0,
  };
}

/** Where `key` is, or would go, in the sorted `keys` (JS string order: only a stable, canonical order is needed). */
function sortedIndexOf(keys: readonly string[], key: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((keys[middle] as string) < key) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Folds one scan's time, status and exception into `state`, in place; counting is foldScans' job. */
function foldScan(state: ParcelState, { event, eventKey }: FoldableScan): void {
  if (event.waybillNo !== state.waybillNo) {
    throw new RangeError(`foldScans got a scan of ${event.waybillNo} for parcel ${state.waybillNo}`);
  }
  if (event.occurredAtMs < state.firstOccurredAtMs) state.firstOccurredAtMs = event.occurredAtMs;
  if (event.occurredAtMs > state.lastOccurredAtMs) state.lastOccurredAtMs = event.occurredAtMs;
  const order: ScanOrderKey = { occurredAtMs: event.occurredAtMs, eventKey };
  if (isProgressEvent(event.type)) {
    if (isLater(order, state.statusEvent)) {
      state.status = event.type;
      state.statusEvent = statusEventSummary(event, event.type, eventKey);
    }
  } else if (isLater(order, state.exception)) {
    state.exception = { ...order, reason: event.remark ?? defaultExceptionReason(event.facilityCode) };
  }
}

/** Whether a scan comes after the current latest one in the total scan order. */
function isLater(scan: ScanOrderKey, current: ScanOrderKey | undefined): boolean {
  return current === undefined || compareScanOrder(scan, current) > 0;
}

function statusEventSummary(event: ScanEvent, type: ProgressEventType, eventKey: string): StatusEventSummary {
  const summary: StatusEventSummary = {
    type,
    occurredAt: event.occurredAt,
    occurredAtMs: event.occurredAtMs,
    eventKey,
    facilityCode: event.facilityCode,
  };
  if (event.facilityName !== undefined) summary.facilityName = event.facilityName;
  if (event.nextFacilityCode !== undefined) summary.nextFacilityCode = event.nextFacilityCode;
  if (event.signedBy !== undefined) summary.signedBy = event.signedBy;
  if (event.remark !== undefined) summary.remark = event.remark;
  return summary;
}

/** A summary only ever changes to that of a later scan, so comparing order keys finds every change. */
function sameState(a: ParcelState, b: ParcelState): boolean {
  return (
    a.eventCount === b.eventCount &&
    a.firstOccurredAtMs === b.firstOccurredAtMs &&
    a.lastOccurredAtMs === b.lastOccurredAtMs &&
    sameOrderKey(a.statusEvent, b.statusEvent) &&
    sameOrderKey(a.exception, b.exception)
  );
}

function sameOrderKey(a: ScanOrderKey | undefined, b: ScanOrderKey | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && compareScanOrder(a, b) === 0);
}

/**
 * Whether the parcel's exception still stands: its latest EXCEPTION scan is later (by `occurredAtMs`, then
 * `eventKey`) than its latest progress scan. A later progress scan clears it, and an exception scanned at an
 * earlier time but delivered late never sets it.
 *
 * @example
 * ```ts
 * isExceptionActive(state); // false once a DEPARTED scan is later than the EXCEPTION
 * ```
 */
export function isExceptionActive(state: ParcelState): boolean {
  if (state.exception === undefined) return false;
  return state.statusEvent === undefined || compareScanOrder(state.exception, state.statusEvent) > 0;
}

/** A parcel as readers see it: the status, whether an exception stands and why, and the scan that set the status. */
export interface ParcelView {
  status?: ProgressEventType;
  exceptionActive: boolean;
  /** Present only while the exception is active. */
  exceptionReason?: string;
  lastEvent?: StatusEventSummary;
}

/**
 * The reader's view of a parcel state.
 *
 * @example
 * ```ts
 * parcelView(state); // { status: 'ARRIVED', exceptionActive: true, exceptionReason: 'damaged box', lastEvent: {...} }
 * ```
 */
export function parcelView(state: ParcelState): ParcelView {
  const view: ParcelView = { exceptionActive: isExceptionActive(state) };
  if (state.status !== undefined) view.status = state.status;
  if (view.exceptionActive && state.exception !== undefined) view.exceptionReason = state.exception.reason;
  if (state.statusEvent !== undefined) view.lastEvent = state.statusEvent;
  return view;
}
