import { parseScanBatch } from '../domain/index.ts';
import { recordScans } from '../ingest/record-scans.ts';
import type { TablestoreClient } from '../store/tablestore-client.ts';
import { jsonResponse, type HttpRequest, type HttpResponse } from './http-event.ts';
import { authenticatePartnerRequest, webhookFailureResponse, type PartnerWebhookDeps } from './partner-webhook.ts';

/**
 * POST /v1/scans: a partner pushes up to 500 signed scan events. Valid events are recorded even when others
 * in the same request are rejected; a resent event is a duplicate and changes nothing; no 2xx is answered
 * for an event that was not durably written (storage trouble past the deadline answers 503 + Retry-After).
 */

export const maxScanBodyBytes = 1024 * 1024;

export interface ScanWebhookDeps extends PartnerWebhookDeps {
  tablestore: TablestoreClient;
  deadline: number;
  traceId?: string;
}

export interface ScanWebhookAnswer {
  accepted: number;
  duplicates: number;
  rejected: { index: number; eventId?: string; errors: { path: string; message: string }[] }[];
}

export async function handleScanWebhook(request: HttpRequest, deps: ScanWebhookDeps): Promise<HttpResponse> {
  try {
    const { partnerId, body } = authenticatePartnerRequest(request, deps, {
      purpose: 'send scan events',
      maxBodyBytes: maxScanBodyBytes,
      bodyShape: 'a JSON object {"events": [...]}',
    });
    const batch = parseScanBatch(body);
    if (!batch.ok) throw batch.error;

    const result =
      batch.accepted.length === 0
        ? { accepted: 0, duplicates: 0 }
        : await recordScans(
            deps.tablestore,
            {
              partnerId,
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
    return webhookFailureResponse(error, deps, { logMessage: 'scan webhook failed' });
  }
}
