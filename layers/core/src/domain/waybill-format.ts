import { luhnCheckDigit, type WaybillNo } from './waybill.ts';

/**
 * How the carrier issues waybill numbers: the prefix `77`, a 12-digit sequence number, then the Luhn check digit
 * of those 14 digits (see {@link WaybillNo}): `77` + `000012345678` + `x` = 15 digits, the format every API checks.
 *
 * Capacity: 10^12 sequence numbers. At 50 million orders a day that is 20 000 days, about 54 years; numbers
 * reserved but never handed out (see `ingest/waybill-allocator.ts`) are used up too, and the allocator's design
 * notes count them. A second prefix (`78`) would add another 10^12 without touching the format.
 */

/** The digits every waybill number the carrier issues starts with. */
export const waybillPrefix = '77';

/** Digits of the sequence number: 15 − 2 (prefix) − 1 (check digit). */
export const waybillSequenceDigits = 12;

/** How many sequence numbers the format holds: 0 to 999 999 999 999. */
export const waybillSequenceCapacity = 10 ** waybillSequenceDigits;

/**
 * The waybill number of a sequence number: {@link waybillPrefix}, the sequence zero-padded to 12 digits, and the
 * check digit. Distinct sequence numbers give distinct waybill numbers, so uniqueness is the allocator's alone.
 *
 * @throws RangeError when `sequence` is not an integer from 0 to 10^12 − 1: a caller's bug, never partner input.
 * @example
 * ```ts
 * formatWaybillNo(0);              // '770000000000008'
 * formatWaybillNo(306115500590);   // '773061155005900'
 * ```
 */
export function formatWaybillNo(sequence: number): WaybillNo {
  if (!Number.isSafeInteger(sequence) || sequence < 0 || sequence >= waybillSequenceCapacity) {
    throw new RangeError(`a waybill sequence number is an integer from 0 to ${waybillSequenceCapacity - 1}, got ${sequence}`);
  }
  const payload = `${waybillPrefix}${String(sequence).padStart(waybillSequenceDigits, '0')}`;
  // Valid by construction (15 digits, its own check digit), so the brand is earned without re-parsing.
  return `${payload}${luhnCheckDigit(payload)}` as WaybillNo;
}
