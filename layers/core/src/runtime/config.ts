import { z } from 'zod';

/**
 * What a function reads from its environment (s.yaml `environmentVariables`; the local stack points them at
 * the local servers). Parsed once per instance; a wrong value stops the instance at its first request with
 * a message naming the variable.
 */
const runtimeConfigSchema = z.object({
  TABLESTORE_ENDPOINT: z.url({ error: 'TABLESTORE_ENDPOINT must be the instance endpoint URL' }),
  TABLESTORE_INSTANCE: z.string().min(1, 'TABLESTORE_INSTANCE is required'),
  MNS_ENDPOINT: z.url({ error: 'MNS_ENDPOINT must be the MNS endpoint URL' }).optional(),
  SCAN_DEAD_LETTER_QUEUE: z.string().min(1).default('scan-events-dlq'),
  // Waybill numbers reserved per Tablestore write, and counter shards in use (ingest/waybill-allocator.ts has the numbers).
  WAYBILL_BLOCK_SIZE: z.coerce
    .number({ error: 'WAYBILL_BLOCK_SIZE must be a whole number from 1 to 100000000000' })
    .int('WAYBILL_BLOCK_SIZE must be a whole number from 1 to 100000000000')
    .min(1, 'WAYBILL_BLOCK_SIZE must be a whole number from 1 to 100000000000')
    .max(100_000_000_000, 'WAYBILL_BLOCK_SIZE must be a whole number from 1 to 100000000000')
    .default(10_000),
  WAYBILL_COUNTER_SHARDS: z.coerce
    .number({ error: 'WAYBILL_COUNTER_SHARDS must be a whole number from 1 to 10' })
    .int('WAYBILL_COUNTER_SHARDS must be a whole number from 1 to 10')
    .min(1, 'WAYBILL_COUNTER_SHARDS must be a whole number from 1 to 10')
    .max(10, 'WAYBILL_COUNTER_SHARDS must be a whole number from 1 to 10')
    .default(4),
});

export type RuntimeConfig = z.infer<typeof runtimeConfigSchema>;

export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

export function readRuntimeConfig(env: Readonly<Record<string, string | undefined>>): RuntimeConfig {
  const parsed = runtimeConfigSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigurationError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
  }
  return parsed.data;
}
