import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `probe` until it returns something other than undefined, or fails after `timeoutMs` naming `what`.
 *
 * @example
 * const scans = await waitFor('the scan in Tablestore', async () => ((await store.timeline(no)).length > 0 ? true : undefined));
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${options.timeoutMs ?? 10_000} ms waiting for ${what}`);
    await sleep(options.intervalMs ?? 25);
  }
}
