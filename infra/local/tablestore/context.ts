import type { Storage } from './storage.ts';

/** What every operation is handed: the store, the instance the request is for, and the clock. */
export interface OperationContext {
  storage: Storage;
  instance: string;
  now: () => number;
}
