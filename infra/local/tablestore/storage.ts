import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TableMeta } from './table-meta.ts';

/**
 * The local server's storage engine: SQLite through better-sqlite3.
 *
 * Why SQLite: it is an ordered key-value store when used as `WITHOUT ROWID` tables keyed by a BLOB, so a
 * Tablestore GetRange over the order-preserving keys of keys.ts is one B-tree range scan, whatever the table
 * size. better-sqlite3 is synchronous, so a request's read-check-write (row conditions, auto-increment) runs
 * to completion before the next request is served, with no locks of our own. In WAL mode every committed
 * transaction has been handed to the OS before the response is written, so it survives `kill -9` of the
 * server. It need not survive a power cut or an OS crash, which may lose or corrupt a local data directory:
 * synchronous=OFF never waits for the disk. (NORMAL would fsync at every WAL checkpoint, i.e. every 1000
 * pages written, which made BatchWriteRow on a table of a million rows about 30% slower; see bench/.)
 * Without a data directory the same code runs on an in-memory database.
 *
 * Each Tablestore table gets its own SQLite table `rows_<id>`; a new id on every CreateTable means deleting
 * a table is one DROP, and a table re-created under the same name starts empty.
 */
export class Storage {
  private readonly db: Database.Database;
  private readonly tables = new Map<string, StoredTable>();
  /** better-sqlite3 builds a wrapper per db.transaction(fn) call; one wrapper that runs its argument serves every call. */
  private readonly inTransaction: (work: () => unknown) => unknown;

  private constructor(db: Database.Database) {
    this.db = db;
    this.inTransaction = db.transaction((work: () => unknown) => work());
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    db.exec(`CREATE TABLE IF NOT EXISTS tables (
      instance TEXT NOT NULL, name TEXT NOT NULL, id INTEGER NOT NULL UNIQUE, meta TEXT NOT NULL,
      auto_increment INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (instance, name)) WITHOUT ROWID`);
    const rows = db.prepare('SELECT instance, name, id, meta FROM tables').all() as MetaRow[];
    for (const row of rows) this.tables.set(tableKey(row.instance, row.name), new StoredTable(db, row.id, JSON.parse(row.meta)));
  }

  /** Opens the store in `dataDir`, or in memory when it is undefined. */
  static open(dataDir?: string): Storage {
    if (dataDir === undefined) return new Storage(new Database(':memory:'));
    mkdirSync(dataDir, { recursive: true });
    return new Storage(new Database(join(dataDir, 'tablestore.sqlite')));
  }

  /** Runs `work` in one transaction: all of its writes commit together, or none do. */
  transaction<T>(work: () => T): T {
    return this.inTransaction(work) as T;
  }

  listTables(instance: string): string[] {
    const prefix = tableKey(instance, '');
    return [...this.tables.keys()].filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length)).sort();
  }

  table(instance: string, name: string): StoredTable | undefined {
    return this.tables.get(tableKey(instance, name));
  }

  /** Creates a table; the caller has checked it does not exist. */
  createTable(instance: string, meta: TableMeta): StoredTable {
    const { id } = this.db.prepare('SELECT COALESCE(MAX(id), 0) + 1 AS id FROM tables').get() as { id: number };
    this.transaction(() => {
      this.db.exec(`CREATE TABLE rows_${id} (k BLOB PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID`);
      this.db.prepare('INSERT INTO tables (instance, name, id, meta) VALUES (?, ?, ?, ?)').run(instance, meta.name, id, JSON.stringify(meta));
    });
    const table = new StoredTable(this.db, id, meta);
    this.tables.set(tableKey(instance, meta.name), table);
    return table;
  }

  updateTableMeta(instance: string, meta: TableMeta): void {
    const table = this.table(instance, meta.name);
    if (table === undefined) return;
    this.db.prepare('UPDATE tables SET meta = ? WHERE instance = ? AND name = ?').run(JSON.stringify(meta), instance, meta.name);
    table.meta = meta;
  }

  deleteTable(instance: string, name: string): void {
    const table = this.table(instance, name);
    if (table === undefined) return;
    this.transaction(() => {
      this.db.prepare('DELETE FROM tables WHERE instance = ? AND name = ?').run(instance, name);
      this.db.exec(`DROP TABLE rows_${table.id}`);
    });
    this.tables.delete(tableKey(instance, name));
  }

  close(): void {
    this.db.close();
  }
}

interface MetaRow {
  instance: string;
  name: string;
  id: number;
  meta: string;
}

function tableKey(instance: string, name: string): string {
  return `${instance}\u0000${name}`;
}

/** One stored row: its encoded key and its encoded attribute columns (row-codec.ts). */
export interface StoredEntry {
  key: Buffer;
  columns: string;
}

/** The rows of one Tablestore table, by encoded primary key (keys.ts). */
export class StoredTable {
  private readonly getStatement: Database.Statement<[Buffer], { v: string }>;
  private readonly putStatement: Database.Statement<[Buffer, string]>;
  private readonly deleteStatement: Database.Statement<[Buffer]>;
  private readonly forwardStatement: Database.Statement<[Buffer, Buffer, number], { k: Buffer; v: string }>;
  private readonly backwardStatement: Database.Statement<[Buffer, Buffer, number], { k: Buffer; v: string }>;
  private readonly autoIncrementStatement: Database.Statement<[number, number], { value: number | bigint }>;

  constructor(
    db: Database.Database,
    readonly id: number,
    public meta: TableMeta,
  ) {
    const rows = `rows_${id}`;
    this.getStatement = db.prepare(`SELECT v FROM ${rows} WHERE k = ?`);
    this.putStatement = db.prepare(`INSERT OR REPLACE INTO ${rows} (k, v) VALUES (?, ?)`);
    this.deleteStatement = db.prepare(`DELETE FROM ${rows} WHERE k = ?`);
    this.forwardStatement = db.prepare(`SELECT k, v FROM ${rows} WHERE k >= ? AND k < ? ORDER BY k ASC LIMIT ?`);
    // BACKWARD reads from an inclusive start down to an exclusive end (start > end).
    this.backwardStatement = db.prepare(`SELECT k, v FROM ${rows} WHERE k <= ? AND k > ? ORDER BY k DESC LIMIT ?`);
    this.autoIncrementStatement = db.prepare(
      'UPDATE tables SET auto_increment = MAX(auto_increment + 1, ?) WHERE id = ? RETURNING auto_increment AS value',
    );
    this.autoIncrementStatement.safeIntegers(true);
  }

  get(key: Buffer): string | undefined {
    return this.getStatement.get(key)?.v;
  }

  put(key: Buffer, columns: string): void {
    this.putStatement.run(key, columns);
  }

  delete(key: Buffer): void {
    this.deleteStatement.run(key);
  }

  /** Up to `limit` rows from `start` (inclusive) towards `end` (exclusive), in key order or reversed. */
  scan(start: Buffer, end: Buffer, backward: boolean, limit: number): StoredEntry[] {
    const statement = backward ? this.backwardStatement : this.forwardStatement;
    return statement.all(start, end, limit).map((row) => ({ key: row.k, columns: row.v }));
  }

  /**
   * The next auto-increment value. Tablestore promises values that are unique and increasing within a
   * partition key, not consecutive; a table-wide counter seeded from the clock in microseconds keeps that
   * across restarts and looks like the service's values.
   * (https://www.alibabacloud.com/help/en/tablestore/table-store-service/auto-increment-of-primary-key)
   */
  nextAutoIncrement(nowMs: number): bigint {
    const row = this.autoIncrementStatement.get(nowMs * 1000, this.id);
    return BigInt(row?.value ?? nowMs * 1000);
  }
}
