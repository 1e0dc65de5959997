import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatLogRecord, type LogRecord } from '../../infra/local/fc/logs.ts';
import { startLocalStack } from '../../infra/local/stack.ts';

/**
 * The local stack (`npx parcelscan start` on free ports) in a process of its own, for benchmarks: startLocalStack
 * as the CLI runs it, with a log sink that counts records instead of printing one line per request (a terminal
 * would cost the stack more than some of what is measured). Warnings and errors are printed, the first few of
 * them. Prints one JSON line `{"gatewayUrl", "tablestoreUrl", "mnsUrl"}` when everything listens; on SIGUSR2 a line
 * of what it counted so far (`{"logRecords", "warnings", "errors", "coldStarts", "queueBatches", "queueMessages"}`);
 * on SIGTERM it stops the stack, prints that line once more and exits 0.
 *
 * Usage: node bench/support/local-stack-child.mjs [--data DIR]   (the launcher that registers tsx)
 */

const PRINTED_PROBLEMS = 20;

const { values } = parseArgs({ options: { data: { type: 'string' } } });
const counts = { logRecords: 0, warnings: 0, errors: 0, coldStarts: 0, queueBatches: 0, queueMessages: 0 };
const DELIVERED = /: delivered (\d+) message\(s\)$/;

function countRuntimeEvent(message: string): void {
  if (message.startsWith('cold start:')) counts.coldStarts++;
  const delivered = DELIVERED.exec(message)?.[1];
  if (delivered === undefined) return;
  counts.queueBatches++;
  counts.queueMessages += Number(delivered);
}

function log(record: LogRecord): void {
  counts.logRecords++;
  if (record.source === 'runtime') countRuntimeEvent(record.message);
  if (record.level !== 'warn' && record.level !== 'error') return;
  if (record.level === 'warn') counts.warnings++;
  else counts.errors++;
  if (counts.warnings + counts.errors <= PRINTED_PROBLEMS) process.stderr.write(`${formatLogRecord(record)}\n`);
}

const stack = await startLocalStack({
  yamlPath: fileURLToPath(new URL('../../s.yaml', import.meta.url)),
  ...(values.data === undefined ? {} : { dataDir: values.data }),
  gatewayPort: 0,
  tablestorePort: 0,
  mnsPort: 0,
  log,
});
process.stdout.write(`${JSON.stringify({ gatewayUrl: stack.gatewayUrl, tablestoreUrl: stack.tablestoreUrl, mnsUrl: stack.mnsUrl })}\n`);

process.on('SIGUSR2', () => process.stdout.write(`${JSON.stringify(counts)}\n`));
process.once('SIGTERM', () => {
  void stack.close().then(() => {
    process.stdout.write(`${JSON.stringify(counts)}\n`);
    process.exit(0);
  });
});
