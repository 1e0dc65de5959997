import type {
  Attributes,
  BatchGetRowOutcome,
  BatchGetRowRequest,
  BatchGetRowResult,
  BatchWriteRowChange,
  BatchWriteRowRequest,
  BatchWriteRowResult,
  PrimaryKey,
  PrimaryKeyToWrite,
  TablestoreClient,
} from '../../layers/core/src/store/index.ts';

export interface InstantTablestoreOptions {
  /** Told of every row written. */
  onWrite?: (row: BatchWriteRowChange) => void;
  /**
   * Tables whose rows are kept in memory (the columns last put) and read back by BatchGetRow, so that folding a
   * parcel's next scan starts from its stored state as it does against Tablestore. Other tables read as empty.
   */
  remember?: readonly string[];
}

/**
 * A TablestoreClient with no server behind it, for measuring the layer's own work and for building the rows the
 * layer would write: every BatchWriteRow row succeeds at once (conditions are not checked) and is handed to
 * `onWrite`; BatchGetRow answers from the `remember`ed tables, other rows being absent. The other calls are not
 * used by recordScans and throw.
 *
 * @example
 * const rows: BatchWriteRowChange[] = [];
 * await recordScans(new InstantTablestoreClient({ onWrite: (row) => rows.push(row) }), submission, Date.now() + 10_000);
 * rows; // the scan rows (PUT, EXPECT_NOT_EXIST), then the parcel rows (UPDATE under a revision condition)
 */
export class InstantTablestoreClient implements TablestoreClient {
  private readonly remembered = new Map<string, Attributes>();
  private readonly remember: ReadonlySet<string>;

  constructor(private readonly options: InstantTablestoreOptions = {}) {
    this.remember = new Set(options.remember ?? []);
  }

  async batchWriteRow(request: BatchWriteRowRequest): Promise<BatchWriteRowResult> {
    return {
      outcomes: request.rows.map((row, index) => {
        this.options.onWrite?.(row);
        if (this.remember.has(row.table)) this.keep(row);
        return { index, table: row.table, primaryKey: row.primaryKey, ok: true, row: undefined };
      }),
    };
  }

  async batchGetRow(request: BatchGetRowRequest): Promise<BatchGetRowResult> {
    const outcomes: BatchGetRowOutcome[] = [];
    for (const { table, primaryKeys } of request.tables) {
      for (const primaryKey of primaryKeys) {
        const attributes = this.remember.has(table) ? this.remembered.get(rowKey(table, primaryKey)) : undefined;
        const row = attributes === undefined ? undefined : { primaryKey, attributes, cells: [] };
        outcomes.push({ index: outcomes.length, table, primaryKey, ok: true, row });
      }
    }
    return { outcomes };
  }

  private keep(row: BatchWriteRowChange): void {
    const key = rowKey(row.table, row.primaryKey);
    if (row.type === 'DELETE') this.remembered.delete(key);
    else if (row.type === 'PUT') this.remembered.set(key, row.attributes ?? {});
    else {
      const stored = this.remembered.get(key);
      this.remembered.set(key, stored === undefined ? (row.put ?? {}) : { ...stored, ...row.put });
    }
  }

  putRow(): never {
    return unused('putRow');
  }
  getRow(): never {
    return unused('getRow');
  }
  updateRow(): never {
    return unused('updateRow');
  }
  deleteRow(): never {
    return unused('deleteRow');
  }
  getRange(): never {
    return unused('getRange');
  }
  iterateRange(): never {
    return unused('iterateRange');
  }
  createTable(): never {
    return unused('createTable');
  }
  describeTable(): never {
    return unused('describeTable');
  }
  listTable(): never {
    return unused('listTable');
  }
  deleteTable(): never {
    return unused('deleteTable');
  }
}

function rowKey(table: string, primaryKey: PrimaryKey | PrimaryKeyToWrite): string {
  return `${table}\u0000${Object.values(primaryKey).join('\u0000')}`;
}

function unused(operation: string): never {
  throw new Error(`InstantTablestoreClient.${operation} is not implemented: recordScans does not call it`);
}
