import TableStore from 'tablestore';
import { waybillPartition, type WaybillNo } from '../../layers/core/src/domain/index.ts';
import { LOCAL_INSTANCE, LOCAL_KEY } from '../../infra/local/stack.ts';
import { parcelsTable, scanEventsTable } from '../../infra/tables.ts';

/**
 * The floor of a tracking query: its two reads straight through the official `tablestore` SDK, as an application
 * with no layer of its own would send them, in parallel as trackParcel sends them: one GetRow of the parcel row's
 * `state` and `order` columns, one GetRange over the waybill's scans. The answers are checked, not interpreted.
 *
 * @example
 * const reads = new SdkTrackingReads(stack.tablestoreUrl);
 * await reads.track(waybillNo); // 20: the scans the range returned
 */
export class SdkTrackingReads {
  private readonly client: TableStore.Client;

  constructor(endpoint: string) {
    // maxRetries 0, as the layer's client: the SDK keeps it in a process-global (store/tablestore-client.ts).
    this.client = new TableStore.Client({
      endpoint,
      instancename: LOCAL_INSTANCE,
      accessKeyId: LOCAL_KEY.accessKeyId,
      secretAccessKey: LOCAL_KEY.accessKeySecret,
      maxRetries: 0,
    });
  }

  /** Both reads of one query; resolves to the number of scans in the timeline, and fails when the parcel is missing. */
  async track(waybillNo: WaybillNo): Promise<number> {
    const partition = waybillPartition(waybillNo);
    const [parcel, timeline] = await Promise.all([
      this.call<TableStore.RowResponse>((callback) =>
        this.client.getRow({ tableName: parcelsTable.name, primaryKey: [{ partition }, { waybillNo }], columnsToGet: ['state', 'order'], maxVersions: 1 }, callback),
      ),
      this.call<TableStore.GetRangeResponse>((callback) =>
        this.client.getRange(
          {
            tableName: scanEventsTable.name,
            direction: 'FORWARD',
            inclusiveStartPrimaryKey: [{ partition }, { waybillNo }, { eventKey: TableStore.INF_MIN }],
            exclusiveEndPrimaryKey: [{ partition }, { waybillNo }, { eventKey: TableStore.INF_MAX }],
            maxVersions: 1,
          },
          callback,
        ),
      ),
    ]);
    if (!('attributes' in parcel.row) || parcel.row.attributes.length === 0) throw new Error(`GetRow found no parcel row for ${waybillNo}`);
    return timeline.rows.length;
  }

  private call<T>(send: (callback: TableStore.Callback<T>) => void): Promise<T> {
    return new Promise((resolve, reject) => send((error, data) => (error ? reject(error) : resolve(data))));
  }
}
