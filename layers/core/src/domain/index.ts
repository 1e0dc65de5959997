/**
 * The pure domain of scan ingestion: what a waybill number, a scan event and a parcel's status are, how webhook
 * bodies and queue messages are read, and how partners sign. No I/O: time, randomness and ids are parameters.
 */
export { fieldPath, fieldErrors, describeFieldError } from './field-errors.ts';
export { type WaybillNo, waybillNoSchema, luhnCheckDigit, isValidWaybillNo, waybillPartition } from './waybill.ts';
export {
  type ScanEvent,
  type ScanEventInput,
  type ScanEventType,
  scanEventTypes,
  scanEventSchema,
  parseScanEvent,
  eventIdSchema,
  facilityCodePattern,
} from './scan-event.ts';
export {
  type AcceptedScanEvent,
  type RejectedScanEvent,
  type ScanBatch,
  type InvalidScanEnvelope,
  maxScanEventsPerBatch,
  parseScanBatch,
} from './scan-batch.ts';
export {
  type ScanMessage,
  type ScanMessageTrace,
  type DecodedScanMessage,
  type UndecodableScanMessage,
  type RejectedQueueEvent,
  defaultScanSource,
  decodeScanMessage,
  encodeScanMessage,
} from './queue-message.ts';
export {
  type ScanOrderKey,
  partnerIdPattern,
  partnerIdSchema,
  scanEventKey,
  compareScanOrder,
} from './scan-order.ts';
export {
  type ProgressEventType,
  type StatusEventSummary,
  type ParcelException,
  type ParcelState,
  type FoldableScan,
  type ParcelFold,
  type ParcelView,
  isProgressEvent,
  defaultExceptionReason,
  foldScans,
  isExceptionActive,
  parcelView,
} from './parcel-status.ts';
export { type Partner, type PartnerRegistry, maxSecretsPerPartner, parsePartnerRegistry } from './partner-registry.ts';
export {
  type PartnerRequestHeaders,
  type PartnerSignatureHeaders,
  type PartnerRequest,
  type PartnerAuthFailure,
  type PartnerVerification,
  signatureToleranceSeconds,
  verifyPartnerRequest,
  signPartnerRequest,
} from './partner-signature.ts';
export { maskPersonName, maskPhone } from './masking.ts';
export {
  type TrackingScan,
  type PublicScanEvent,
  type PublicPlace,
  type PublicOrderSummary,
  type ParcelTracking,
  type ParcelTrackingSources,
  type StoredOrderSummary,
  storedOrderSummarySchema,
  parseStoredOrderSummary,
  parcelTracking,
} from './tracking.ts';
export { waybillPrefix, waybillSequenceDigits, waybillSequenceCapacity, formatWaybillNo } from './waybill-format.ts';
export {
  type Order,
  type OrderAddress,
  type OrderParty,
  type OrderItem,
  type OrderInput,
  type OrderParse,
  mobilePhonePattern,
  landlinePhonePattern,
  maxOrderWeightGrams,
  maxOrderItems,
  maxItemQuantity,
  orderSchema,
  parseOrder,
  orderFingerprint,
} from './order.ts';
export { type ParcelOrderSummary, parcelOrderSummary } from './order-summary.ts';
