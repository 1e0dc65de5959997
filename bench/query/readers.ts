import type { WaybillNo } from '../../layers/core/src/domain/index.ts';
import { createTablestoreClient } from '../../layers/core/src/store/index.ts';
import { trackParcel } from '../../layers/core/src/tracking/track-parcel.ts';
import { LOCAL_INSTANCE, LOCAL_KEY } from '../../infra/local/stack.ts';
import { HttpClient } from '../support/http-client.ts';
import type { StackProcess } from '../support/local-stack.ts';
import { SdkTrackingReads } from './sdk-reads.ts';

/**
 * The three ways the tracking benchmark asks for a parcel, from the floor up: the two reads through the bare SDK,
 * the layer's trackParcel in this process (its client, retries and the domain's answer), and the whole path a
 * consumer takes: GET /v1/parcels/{waybillNo} through the local gateway to the tracking-api function.
 */

export type ReaderName = 'SDK reads (floor)' | 'trackParcel in process' | 'GET through the gateway';

export interface Reader {
  name: ReaderName;
  /** One query; resolves to 1, and fails on anything but a full answer. */
  query(waybillNo: WaybillNo): Promise<number>;
  close(): void;
}

const DEADLINE_MS = 2_000;

export function sdkReader(stack: StackProcess, scansPerParcel: number): Reader {
  const reads = new SdkTrackingReads(stack.tablestoreUrl);
  return {
    name: 'SDK reads (floor)',
    query: async (waybillNo) => {
      const scans = await reads.track(waybillNo);
      if (scans !== scansPerParcel) throw new Error(`GetRange returned ${scans} scans of ${waybillNo}, not ${scansPerParcel}`);
      return 1;
    },
    close: () => undefined,
  };
}

export function layerReader(stack: StackProcess, scansPerParcel: number): Reader {
  const client = createTablestoreClient({ endpoint: stack.tablestoreUrl, instanceName: LOCAL_INSTANCE, ...LOCAL_KEY });
  return {
    name: 'trackParcel in process',
    query: async (waybillNo) => {
      const tracked = await trackParcel(client, waybillNo, Date.now() + DEADLINE_MS);
      if (tracked?.tracking.events.length !== scansPerParcel) throw new Error(`trackParcel answered ${tracked?.tracking.events.length ?? 'nothing'} events for ${waybillNo}`);
      return 1;
    },
    close: () => undefined,
  };
}

export function gatewayReader(stack: StackProcess, connections: number): Reader {
  const http = new HttpClient(stack.gatewayUrl, connections);
  return {
    name: 'GET through the gateway',
    query: async (waybillNo) => {
      const answer = await http.send('GET', `/v1/parcels/${waybillNo}`);
      if (answer.status !== 200) throw new Error(`GET /v1/parcels/${waybillNo} answered ${answer.status}: ${answer.body.slice(0, 300)}`);
      return 1;
    },
    close: () => http.close(),
  };
}
