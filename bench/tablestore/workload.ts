import { runClosedLoop, type LoadResult } from '../support/closed-loop.ts';
import { seededRandom } from '../support/random.ts';
import type { ScanDataset, ScanEvent } from './scan-dataset.ts';
import { UnexpectedAnswerError, type ScanTableClient } from './sdk.ts';

/**
 * The calls the Tablestore benchmark times, each for a warm-up and a fixed duration: writes of new scans
 * (PutRow, BatchWriteRow of 200), reads of random existing rows (GetRow) and range reads of 100 rows from a
 * random existing row (GetRange). Writes append rows after those already in the table; reads pick among all
 * of them, so every read finds what it asks for.
 */

export type Operation = 'PutRow' | 'BatchWriteRow(200)' | 'GetRow' | 'GetRange(100)';

export interface Phase {
  operation: Operation;
  concurrency: number;
}

/** The set measured against every server, writes first so that reads find the rows written. */
export const FULL_SET: readonly Phase[] = [
  { operation: 'PutRow', concurrency: 32 },
  { operation: 'BatchWriteRow(200)', concurrency: 8 },
  { operation: 'GetRow', concurrency: 32 },
  { operation: 'GetRow', concurrency: 1 },
  { operation: 'GetRange(100)', concurrency: 8 },
  { operation: 'GetRange(100)', concurrency: 1 },
];

export const BATCH_ROWS = 200;
export const RANGE_ROWS = 100;

export interface Measurement extends LoadResult {
  operation: Operation;
}

export interface Timing {
  warmupMs: number;
  durationMs: number;
}

/** Rows a write phase may add at most, so their waybills' partitions can be computed before timing. */
const MAX_WRITE_ROWS_PER_SECOND = 250_000;

export class ScanWorkload {
  private readonly random = seededRandom(20_251_125);
  private order: Uint32Array | undefined;

  /** `rows`: rows [0, rows) of the dataset are in the table. */
  constructor(
    private readonly client: ScanTableClient,
    private readonly dataset: ScanDataset,
    private rows: number,
    private readonly timing: Timing,
  ) {}

  get rowCount(): number {
    return this.rows;
  }

  async run(phase: Phase): Promise<Measurement> {
    const isWrite = phase.operation === 'PutRow' || phase.operation === 'BatchWriteRow(200)';
    if (isWrite) this.dataset.prepare(this.rows + ((this.timing.warmupMs + this.timing.durationMs) / 1000 + 1) * MAX_WRITE_ROWS_PER_SECOND);
    const result = await runClosedLoop({ ...this.timing, concurrency: phase.concurrency, call: this.caller(phase.operation) });
    return { operation: phase.operation, ...result };
  }

  private caller(operation: Operation): () => Promise<number> {
    switch (operation) {
      case 'PutRow':
        return () => this.client.putRow(this.newScans(1)[0] as ScanEvent);
      case 'BatchWriteRow(200)':
        return () => this.client.batchWriteRow(this.newScans(BATCH_ROWS));
      case 'GetRow':
        return () => this.client.getRow(this.dataset.scan(Math.floor(this.random() * this.rows)));
      case 'GetRange(100)': {
        const order = this.keyOrder();
        if (order.length < RANGE_ROWS) throw new Error(`GetRange(${RANGE_ROWS}) needs at least ${RANGE_ROWS} rows; the table has ${order.length}`);
        return async () => {
          const start = order[Math.floor(this.random() * (order.length - RANGE_ROWS + 1))] ?? 0;
          const rows = await this.client.getRange(this.dataset.scan(start), RANGE_ROWS);
          if (rows !== RANGE_ROWS) throw new UnexpectedAnswerError(`getRange: ${rows} rows instead of ${RANGE_ROWS}`);
          return rows;
        };
      }
    }
  }

  private newScans(count: number): ScanEvent[] {
    const first = this.rows;
    this.rows += count;
    this.order = undefined;
    return Array.from({ length: count }, (_, offset) => this.dataset.scan(first + offset));
  }

  /** The rows in key order, so a range read can start where 100 rows follow. */
  private keyOrder(): Uint32Array {
    this.order ??= this.dataset.keyOrder(this.rows);
    return this.order;
  }
}
