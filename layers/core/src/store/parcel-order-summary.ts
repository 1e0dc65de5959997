import { parcelsTable } from '../../../../infra/tables.ts';
import type { ParcelOrderSummary, WaybillNo } from '../domain/index.ts';
import { parcelKeyOf } from './parcels-table.ts';
import type { TablestoreClient } from './tablestore-client.ts';

/**
 * The parcels table's `order` column: the masked {@link ParcelOrderSummary} of the parcel's order, as JSON, which a
 * tracking query reads in the same GetRow as the parcel's state (store/tracking-reads.ts).
 */

/**
 * Puts the order summary on the parcel's row, creating the row when the parcel has no scan yet. An UpdateRow of
 * this one column: the scan fold owns `state` and `revision` and updates them under a condition on `revision`
 * (parcels-table.ts), which this column neither touches nor disturbs, whichever write comes first. Writing the
 * same summary again changes nothing, so a retried order repairs a summary its first attempt failed to write.
 *
 * @example
 * ```ts
 * await writeParcelOrderSummary(store, waybillNo, parcelOrderSummary(order, { partnerId, createdAtMs }), deadline);
 * ```
 */
export async function writeParcelOrderSummary(
  client: TablestoreClient,
  waybillNo: WaybillNo,
  summary: ParcelOrderSummary,
  deadline: number,
): Promise<void> {
  await client.updateRow({
    table: parcelsTable.name,
    primaryKey: parcelKeyOf(waybillNo),
    put: { order: JSON.stringify(summary) },
    deadline,
  });
}
