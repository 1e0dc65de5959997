import path from 'node:path';
import { formatLogRecord, type LogRecord } from '../../infra/local/fc/logs.ts';
import { startLocalStack, type LocalStack } from '../../infra/local/stack.ts';
import { ingestStore, type IngestStore } from './ingest-store.ts';
import { scansUrl } from './signed-post.ts';
import { waitFor } from './wait.ts';

/**
 * The whole local stack of `npm start` (Tablestore, MNS, the FC runtime serving s.yaml) on ephemeral ports,
 * for one integration or e2e test file; function and runtime logs are kept in memory instead of printed, so
 * tests can wait on them (a failed queue-trigger invocation is only visible there) and print them when
 * something fails.
 */

const repoYamlPath = path.resolve(import.meta.dirname, '../../s.yaml');

export interface TestStack {
  stack: LocalStack;
  /** The FC gateway: the custom-domain routes of s.yaml at its root. */
  gatewayUrl: string;
  /** POST /v1/scans on the gateway. */
  scansUrl: string;
  store: IngestStore;
  logs: LogRecord[];
  /** Resolves with the first log record (past or future) that `matches`; fails after `timeoutMs`. */
  waitForLog(what: string, matches: (record: LogRecord) => boolean, timeoutMs?: number): Promise<LogRecord>;
  /** The logs from record `from` on, as FC prints them, for a failure message. */
  printedLogs(from?: number): string;
  close(): Promise<void>;
}

export async function startTestStack(): Promise<TestStack> {
  const logs: LogRecord[] = [];
  const stack = await startLocalStack({
    yamlPath: repoYamlPath,
    gatewayPort: 0,
    tablestorePort: 0,
    mnsPort: 0,
    log: (record) => logs.push(record),
  });
  return {
    stack,
    gatewayUrl: stack.gatewayUrl,
    scansUrl: scansUrl(stack.gatewayUrl),
    store: ingestStore(stack.tablestoreUrl),
    logs,
    waitForLog: (what, matches, timeoutMs = 20_000) => waitFor(what, () => logs.find(matches), { timeoutMs, intervalMs: 20 }),
    printedLogs: (from = 0) => logs.slice(from).map(formatLogRecord).join('\n'),
    close: () => stack.close(),
  };
}
