import type { RetryListener } from '../store/retry.ts';
import type { CallOptions } from '../store/sdk-call.ts';
import type { TablestoreClient } from '../store/tablestore-client.ts';

/**
 * A Tablestore client whose every call also tells `onRetry` of its retries (the `onRetry` call option,
 * store/sdk-call.ts), for a use case whose store functions take no listener of their own: how the order webhook
 * counts the OTS retries of the INCREMENT, the insert, the read and the summary write of one order without each of
 * them passing a listener down. A listener the call itself gives is still told, first. One small object per
 * invocation; the client underneath, and its connections, stay the instance's.
 *
 * @example
 * ```ts
 * const store = listenToRetries(tablestoreClientFor(context, config), () => tally.count({ otsRetries: 1 }));
 * await insertOrder(store, record, deadline); // an OTSServerBusy answered, then a success: otsRetries 1
 * ```
 */
export function listenToRetries(client: TablestoreClient, onRetry: RetryListener): TablestoreClient {
  const heard = <Options extends CallOptions>(options: Options): Options => {
    const own = options.onRetry;
    return {
      ...options,
      onRetry:
        own === undefined
          ? onRetry
          : (attempt: number, error: unknown) => {
              own(attempt, error);
              onRetry(attempt, error);
            },
    };
  };
  return {
    putRow: (request) => client.putRow(heard(request)),
    getRow: (request) => client.getRow(heard(request)),
    updateRow: (request) => client.updateRow(heard(request)),
    deleteRow: (request) => client.deleteRow(heard(request)),
    getRange: (request) => client.getRange(heard(request)),
    iterateRange: (request) => client.iterateRange(heard(request)),
    batchGetRow: (request) => client.batchGetRow(heard(request)),
    batchWriteRow: (request) => client.batchWriteRow(heard(request)),
    createTable: (request) => client.createTable(heard(request)),
    describeTable: (request) => client.describeTable(heard(request)),
    listTable: (options) => client.listTable(heard(options ?? {})),
    deleteTable: (request) => client.deleteTable(heard(request)),
  };
}
