import { parcelsTable } from '../../../../infra/tables.ts';
import { foldScans, waybillPartition, type FoldableScan, type ParcelState, type WaybillNo } from '../domain/index.ts';
import type { BatchWriteRowChange } from './batch.ts';
import { ConditionCheckFailedError, TablestoreError } from './errors.ts';
import type { RetryListener } from './retry.ts';
import type { TablestoreClient } from './tablestore-client.ts';

/**
 * The parcels table (infra/tables.ts): one row per parcel holding its ParcelState (as JSON) and its revision.
 * Updates are optimistic: a row is written only if its revision is still the one that was read (or, for a
 * parcel without scans yet, only if it still has no revision), so two consumers folding scans of one parcel
 * at once never lose each other's scans; the loser re-reads and folds again.
 */

const MAX_ROWS_PER_READ = 100;
const MAX_ROWS_PER_WRITE = 200;
/** Conflicts need two writers on one parcel within milliseconds; a handful of rounds always settles them. */
const MAX_ROUNDS = 5;

export function parcelKeyOf(waybillNo: WaybillNo) {
  return { partition: waybillPartition(waybillNo), waybillNo };
}

/** The state stored for each of `waybillNos` (absent when the parcel has no row yet). */
export async function readParcels(
  client: TablestoreClient,
  waybillNos: readonly WaybillNo[],
  deadline: number,
  onRetry?: RetryListener,
): Promise<Map<WaybillNo, ParcelState>> {
  const states = new Map<WaybillNo, ParcelState>();
  for (let start = 0; start < waybillNos.length; start += MAX_ROWS_PER_READ) {
    const chunk = waybillNos.slice(start, start + MAX_ROWS_PER_READ);
    const { outcomes } = await client.batchGetRow({
      tables: [{ table: parcelsTable.name, primaryKeys: chunk.map(parcelKeyOf), columns: ['state'] }],
      deadline,
      onRetry,
    });
    for (const outcome of outcomes) {
      if (!outcome.ok) throw outcome.error;
      const state = outcome.row?.attributes.state;
      if (typeof state === 'string') states.set(outcome.primaryKey.waybillNo as WaybillNo, JSON.parse(state) as ParcelState);
    }
  }
  return states;
}

/** One parcel's state, or undefined when no scan of it has been recorded. */
export async function readParcel(client: TablestoreClient, waybillNo: WaybillNo, deadline: number): Promise<ParcelState | undefined> {
  const row = await client.getRow({ table: parcelsTable.name, primaryKey: parcelKeyOf(waybillNo), columns: ['state'], deadline });
  const state = row?.attributes.state;
  return typeof state === 'string' ? (JSON.parse(state) as ParcelState) : undefined;
}

function parcelRow(next: ParcelState, previous: ParcelState | undefined, nowMs: number): BatchWriteRowChange {
  return {
    type: 'UPDATE',
    table: parcelsTable.name,
    primaryKey: parcelKeyOf(next.waybillNo),
    put: {
      state: JSON.stringify(next),
      revision: next.revision,
      ...(next.status === undefined ? {} : { status: next.status }),
      updatedAt: nowMs,
    },
    // UpdateRow, not PutRow: the row also holds columns other writers own (the order summary). The revision
    // read decides; a parcel without one yet has no `revision` column (revisions start at 1).
    columnCondition: {
      column: 'revision',
      op: '=',
      value: previous?.revision ?? 0,
      passIfMissing: previous === undefined,
    },
  };
}

/** Parcels whose conditional update still lost to another writer after every round. */
export class ParcelUpdateConflictError extends TablestoreError {
  constructor(readonly waybillNos: readonly string[]) {
    super(`parcels still being changed by other writers: ${waybillNos.join(', ')}`, {
      code: 'OTSRowOperationConflict',
      retryable: true,
    });
    this.name = 'ParcelUpdateConflictError';
  }
}

/**
 * Folds each waybill's scans into its parcel row: read the rows, fold, write back only what changed under a
 * revision condition, and redo the parcels that lost a race. Returns how many parcel rows it wrote; storage
 * retries are told to `onRetry`.
 */
export async function foldIntoParcels(
  client: TablestoreClient,
  scansByWaybill: ReadonlyMap<WaybillNo, readonly FoldableScan[]>,
  deadline: number,
  nowMs: number,
  onRetry?: RetryListener,
): Promise<number> {
  let pending = [...scansByWaybill.keys()];
  let rowsWritten = 0;
  for (let round = 0; round < MAX_ROUNDS && pending.length > 0; round++) {
    const current = await readParcels(client, pending, deadline, onRetry);
    const writes: BatchWriteRowChange[] = [];
    for (const waybillNo of pending) {
      const previous = current.get(waybillNo);
      const { state, changed } = foldScans(previous, scansByWaybill.get(waybillNo) ?? []);
      if (changed) writes.push(parcelRow(state, previous, nowMs));
    }
    const lost: WaybillNo[] = [];
    for (let start = 0; start < writes.length; start += MAX_ROWS_PER_WRITE) {
      const { outcomes } = await client.batchWriteRow({ rows: writes.slice(start, start + MAX_ROWS_PER_WRITE), deadline, onRetry });
      for (const outcome of outcomes) {
        if (outcome.ok) {
          rowsWritten += 1;
          continue;
        }
        if (!(outcome.error instanceof ConditionCheckFailedError)) throw outcome.error;
        lost.push(outcome.primaryKey.waybillNo as WaybillNo);
      }
    }
    pending = lost;
  }
  if (pending.length > 0) throw new ParcelUpdateConflictError(pending);
  return rowsWritten;
}
