import { parseScanBatch } from '../domain/index.ts';
import { recordScans, tallyRecordedScans, type RecordScansResult } from '../ingest/record-scans.ts';
import { rejectionReason, type InvocationMetrics } from '../observability/metrics.ts';
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
  /** The request's trace id (observability/trace.ts): every scan row written carries it. */
  traceId?: string;
  /** The invocation's metrics: what became of the partner's scans goes into its `scans` tally. */
  metrics: InvocationMetrics;
  /** When the scans count as written, for the lag metric; `Date.now` by default. */
  clock?: () => number;
}

export interface ScanWebhookAnswer {
  accepted: number;
  duplicates: number;
  rejected: { index: number; eventId?: string; errors: { path: string; message: string }[] }[];
}

/** The 5xx answers speak of the scans, and say why sending them again is safe. */
const failureWording = {
  logMessage: 'scan webhook failed',
  storageUnavailable:
    'The scans could not be stored right now. Send the same request again after Retry-After seconds; ' +
    'events already stored are counted as duplicates, so resending is safe.',
  internal: 'An internal error occurred. Resending the same request is safe: events are deduplicated by eventId.',
};

const nothingRecorded: RecordScansResult = { outcomes: [], accepted: 0, duplicates: 0, rowsWritten: 0 };

export async function handleScanWebhook(request: HttpRequest, deps: ScanWebhookDeps): Promise<HttpResponse> {
  let log = deps.log;
  try {
    const { partnerId, body } = authenticatePartnerRequest(request, deps, {
      purpose: 'send scan events',
      maxBodyBytes: maxScanBodyBytes,
      bodyShape: 'a JSON object {"events": [...]}',
    });
    log = log.child({ partnerId });
    const batch = parseScanBatch(body);
    if (!batch.ok) throw batch.error;

    // Counted before the write, so a request that fails on storage still shows what it brought and its retries.
    const tally = deps.metrics.scans(partnerId).count({ batchSize: batch.accepted.length + batch.rejected.length });
    for (const rejected of batch.rejected) tally.reject(rejectionReason(rejected.errors));
    const events = batch.accepted.map(({ event }) => event);
    const result =
      events.length === 0
        ? nothingRecorded
        : await recordScans(
            deps.tablestore,
            {
              partnerId,
              channel: 'webhook',
              events,
              receivedAtMs: deps.nowMs,
              ...(deps.traceId === undefined ? {} : { traceId: deps.traceId }),
            },
            deps.deadline,
            () => tally.count({ otsRetries: 1 }),
          );
    tallyRecordedScans(tally, events, result, (deps.clock ?? Date.now)());
    const { rejected, rejectedReasons, rowsWritten, otsRetries } = tally.values();
    log.info('scans recorded', { accepted: result.accepted, duplicates: result.duplicates, rejected, rejectedReasons, rowsWritten, otsRetries });

    const answer: ScanWebhookAnswer = { accepted: result.accepted, duplicates: result.duplicates, rejected: batch.rejected };
    return jsonResponse(200, answer, { 'cache-control': 'no-store' });
  } catch (error) {
    return webhookFailureResponse(error, { log }, failureWording);
  }
}
