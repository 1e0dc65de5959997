import { OtsServerError } from './errors.ts';

/**
 * Fault injection, so that retry paths can be tested against the real wire protocol: a chosen fraction of
 * requests fails with a retryable error (OTSServerBusy by default), a chosen fraction of BatchWriteRow rows
 * fails inside an HTTP 200 as the service reports row failures, and every request can be delayed.
 */

export type InjectableCode = 'OTSServerBusy' | 'OTSTimeout' | 'OTSPartitionUnavailable' | 'OTSRowOperationConflict' | 'OTSInternalServerError';

export interface FaultConfig {
  /** Fraction (0–1) of requests answered with `errorCode` instead of being served. */
  errorRate: number;
  errorCode: InjectableCode;
  /** Fraction (0–1) of BatchWriteRow rows answered with `errorCode` in their row result. */
  rowErrorRate: number;
  /** Delay added before every request is served. */
  latencyMs: number;
  /** Operations the faults apply to (e.g. ['PutRow']); empty means all. */
  operations: string[];
}

export const noFaults: FaultConfig = { errorRate: 0, errorCode: 'OTSServerBusy', rowErrorRate: 0, latencyMs: 0, operations: [] };

const MESSAGES: Record<InjectableCode, string> = {
  OTSServerBusy: 'Server is busy.',
  OTSTimeout: 'Operation timeout.',
  OTSPartitionUnavailable: 'The partition is not available.',
  OTSRowOperationConflict: 'Data is being modified by the other request.',
  OTSInternalServerError: 'Internal server error.',
};

export interface RowFaults {
  /** The error to answer this row with, or undefined to serve it. */
  pick(): OtsServerError | undefined;
}

export class Faults {
  private config: FaultConfig;

  constructor(
    config: Partial<FaultConfig> = {},
    private readonly random: () => number = Math.random,
  ) {
    this.config = { ...noFaults, ...config };
  }

  get current(): FaultConfig {
    return this.config;
  }

  configure(change: Partial<FaultConfig>): FaultConfig {
    this.config = { ...this.config, ...change };
    return this.config;
  }

  private applies(operation: string): boolean {
    return this.config.operations.length === 0 || this.config.operations.includes(operation);
  }

  latencyFor(operation: string): number {
    return this.applies(operation) ? this.config.latencyMs : 0;
  }

  requestError(operation: string): OtsServerError | undefined {
    if (!this.applies(operation) || this.random() >= this.config.errorRate) return undefined;
    return new OtsServerError(this.config.errorCode, MESSAGES[this.config.errorCode]);
  }

  rowsOf(operation: string): RowFaults {
    const rate = this.applies(operation) ? this.config.rowErrorRate : 0;
    const code = this.config.errorCode;
    return {
      pick: () => (rate > 0 && this.random() < rate ? new OtsServerError(code, MESSAGES[code]) : undefined),
    };
  }
}
