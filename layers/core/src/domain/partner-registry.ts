import { z } from 'zod';
import { describeFieldError, fieldErrors } from './field-errors.ts';
import { partnerIdSchema } from './scan-order.ts';

/** A partner allowed to push scans over the webhook. */
export interface Partner {
  partnerId: string;
  /** For logs and operators. */
  name: string;
  /** One secret, or two while rotating: requests signed with either are accepted. */
  secrets: readonly string[];
}

/** Partners by id. A Map, so a header such as `X-Partner-Id: constructor` finds no inherited property. */
export type PartnerRegistry = ReadonlyMap<string, Partner>;

/** The most secrets a partner has at once: the current one and, during a rotation, the next one. */
export const maxSecretsPerPartner = 2;

/**
 * A secret must be at least 8 characters, which admits the local stack's `demo-secret`; a production secret
 * should be 32 random bytes (64 hex characters), generated per partner.
 */
const minSecretLength = 8;

// Strict objects: a misspelt key in configuration ("secret" for "secrets") must stop the function at start-up,
// not silently leave a partner without secrets.
const partnerConfigSchema = z.strictObject({
  name: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(128, 'must be at most 128 characters'),
  secrets: z
    .array(
      z.string({ error: 'must be a string' }).min(minSecretLength, `must be at least ${minSecretLength} characters`),
      { error: `must be an array of 1 to ${maxSecretsPerPartner} secrets` },
    )
    .min(1, `must be an array of 1 to ${maxSecretsPerPartner} secrets`)
    .max(maxSecretsPerPartner, `must be an array of 1 to ${maxSecretsPerPartner} secrets`),
});

const registrySchema = z.record(partnerIdSchema, partnerConfigSchema, {
  error: (issue) =>
    issue.code === 'invalid_key'
      ? "partner id must be 1 to 32 characters of a-z, 0-9 and '-', starting with a letter or digit"
      : 'must be a JSON object of partners by id',
});

const example = '{"demo": {"name": "Demo shop", "secrets": ["demo-secret"]}}';

/**
 * Parses the partner registry from configuration: the `PARTNERS` environment variable holds JSON
 * `{"<partnerId>": {"name": "...", "secrets": ["<current>", "<next>"?]}}`. To rotate a secret: add the new one as
 * a second entry, let the partner switch, then remove the old one. Error messages name the field and never echo
 * a secret.
 *
 * @throws Error when the configuration is missing or invalid: the function must not start without its partners.
 * @example
 * ```ts
 * const registry = parsePartnerRegistry(process.env.PARTNERS); // once per instance, at cold start
 * registry.get('demo'); // { partnerId: 'demo', name: 'Demo shop', secrets: ['demo-secret'] }
 * ```
 */
export function parsePartnerRegistry(json: string | undefined): PartnerRegistry {
  if (json === undefined || json.trim() === '') throw new Error(`PARTNERS is not set; expected e.g. ${example}`);
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error(`PARTNERS is not valid JSON; expected e.g. ${example}`);
  }
  const parsed = registrySchema.safeParse(value);
  if (!parsed.success) {
    const problems = fieldErrors(parsed.error, '').map(describeFieldError).join('; ');
    throw new Error(`PARTNERS is invalid: ${problems}`);
  }
  return new Map(
    Object.entries(parsed.data).map(([partnerId, partner]) => [partnerId, { partnerId, ...partner }] as const),
  );
}
