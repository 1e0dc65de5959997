import { parseScanBatch, verifyPartnerRequest, type PartnerRegistry } from '../domain/index.ts';
import { ParcelscanError } from '../errors.ts';
import { recordScans } from '../ingest/record-scans.ts';
import { TablestoreError } from '../store/errors.ts';
import type { TablestoreClient } from '../store/tablestore-client.ts';
import { errorResponse } from './error-response.ts';
import { jsonResponse, type HttpRequest, type HttpResponse } from './http-event.ts';

/**
 * POST /v1/scans: a partner pushes up to 500 signed scan events. Valid events are recorded even when others
 * in the same request are rejected; a resent event is a duplicate and changes nothing; no 2xx is answered
 * for an event that was not durably written (storage trouble past the deadline answers 503 + Retry-After).
 */

export const maxScanBodyBytes = 1024 * 1024;

export interface ScanWebhookDeps {
  tablestore: TablestoreClient;
  partners: PartnerRegistry;
  nowMs: number;
  deadline: number;
  traceId?: string;
  /** Where failures are explained: a refused signature's reason (the partner is told only "unauthorized"), a 5xx's cause. */
  log(level: 'warn' | 'error', message: string, fields: Record<string, unknown>): void;
}

export interface ScanWebhookAnswer {
  accepted: number;
  duplicates: number;
  rejected: { index: number; eventId?: string; errors: { path: string; message: string }[] }[];
}

function isJson(contentType: string | undefined): boolean {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  return mediaType === 'application/json' || (mediaType?.endsWith('+json') ?? false);
}

function parseJson(rawBody: Buffer): unknown {
  try {
    return JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new ParcelscanError('INVALID_REQUEST', {
      message: 'The body is not valid JSON.',
      details: [{ path: '', message: 'must be a JSON object {"events": [...]}' }],
    });
  }
}

export async function handleScanWebhook(request: HttpRequest, deps: ScanWebhookDeps): Promise<HttpResponse> {
  try {
    if (request.method !== 'POST') throw new ParcelscanError('METHOD_NOT_ALLOWED', { message: 'Use POST to send scan events.' });
    if (request.rawBody.length > maxScanBodyBytes) {
      throw new ParcelscanError('PAYLOAD_TOO_LARGE', { message: `The body must be at most ${maxScanBodyBytes} bytes.` });
    }
    if (!isJson(request.headers['content-type'])) {
      throw new ParcelscanError('UNSUPPORTED_MEDIA_TYPE', { message: 'Send the body as application/json.' });
    }
    const verification = verifyPartnerRequest({
      headers: request.headers,
      rawBody: request.rawBody,
      nowMs: deps.nowMs,
      registry: deps.partners,
    });
    if (!verification.ok) {
      deps.log('warn', 'partner request refused', { reason: verification.reason });
      throw new ParcelscanError('UNAUTHORIZED');
    }
    const batch = parseScanBatch(parseJson(request.rawBody));
    if (!batch.ok) throw batch.error;

    const result =
      batch.accepted.length === 0
        ? { accepted: 0, duplicates: 0 }
        : await recordScans(
            deps.tablestore,
            {
              partnerId: verification.partnerId,
              channel: 'webhook',
              events: batch.accepted.map(({ event }) => event),
              receivedAtMs: deps.nowMs,
              ...(deps.traceId === undefined ? {} : { traceId: deps.traceId }),
            },
            deps.deadline,
          );
    const answer: ScanWebhookAnswer = { accepted: result.accepted, duplicates: result.duplicates, rejected: batch.rejected };
    return jsonResponse(200, answer, { 'cache-control': 'no-store' });
  } catch (error) {
    if (error instanceof ParcelscanError && error.status < 500) return errorResponse(error);
    deps.log('error', 'scan webhook failed', { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    if (error instanceof TablestoreError && error.retryable) {
      return errorResponse(new ParcelscanError('STORAGE_UNAVAILABLE', { cause: error }));
    }
    return errorResponse(error);
  }
}
