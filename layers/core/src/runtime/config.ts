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
