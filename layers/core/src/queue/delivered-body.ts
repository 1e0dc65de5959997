import { decodeScanMessage, type DecodedScanMessage, type UndecodableScanMessage } from '../domain/index.ts';

/**
 * A message body as FC's MNS trigger hands it over. With `IsBase64Decode` (the default, and what s.yaml sets) the
 * trigger base64-decodes the producer's body, so the function sees the producer's text; without it, the body is
 * still base64 (https://www.alibabacloud.com/help/en/functioncompute/fc-3-0/developer-reference/api-fc-2023-03-30-struct-sourcemnsparameters).
 * The event says neither way, so the body itself decides:
 * - text starting with `{`, `[` or `"` cannot be base64 (none of them is in its alphabet): it is the producer's
 *   text, and if it does not parse the reason is that it is not JSON;
 * - text that parses as JSON (`42`, `true`, `null`) is the producer's text too, although some of it (`1234`) is
 *   also valid base64: under `IsBase64Decode` a base64 body would have been decoded already;
 * - anything else is read as base64, and if it is not, the reason is that it is not base64.
 */
export function deliveredBodyIsBase64(body: string): boolean {
  const first = body.trimStart()[0];
  if (first === '{' || first === '[' || first === '"') return false;
  try {
    JSON.parse(body);
    return false;
  } catch {
    return true;
  }
}

/**
 * Reads a delivered message body into scan events, or into the exact reasons it cannot be one: not base64; base64
 * but not UTF-8 or not JSON; JSON but not a scan event or `{"source", "events"}` envelope, naming each field and
 * the rule it breaks (domain/queue-message.ts).
 *
 * @example
 * ```ts
 * readDeliveredScanMessage('42');
 * // { ok: false, reasons: ['body must be a JSON object: one scan event, or {"source": "...", "events": [...]}'] }
 * readDeliveredScanMessage('this is not base64!'); // { ok: false, reasons: ['body is not valid base64'] }
 * ```
 */
export function readDeliveredScanMessage(body: string): DecodedScanMessage | UndecodableScanMessage {
  return decodeScanMessage(body, deliveredBodyIsBase64(body));
}
