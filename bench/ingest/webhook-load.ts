import { signPartnerRequest } from '../../layers/core/src/domain/index.ts';
import type { ScanWebhookAnswer } from '../../layers/core/src/http/scan-webhook.ts';
import { DEMO_PARTNER } from '../../infra/local/stack.ts';
import { HttpClient } from '../support/http-client.ts';
import type { StackProcess } from '../support/local-stack.ts';
import { runMeasuredLoad, type MeasuredLoad } from '../support/measured-load.ts';
import { ScanStream } from '../support/scan-journeys.ts';

/**
 * Part (b) of the ingestion benchmark: signed `POST /v1/scans` of `batchEvents` new scan events each, through the
 * local gateway, from `partners` senders at once in a closed loop (each sends its next batch when the last one is
 * answered). Every sender has its own stream of journeys (ScanStream), so no two requests in flight touch the same
 * parcel and every event is new. The local stack registers one partner, `demo`, so every sender signs as it; the
 * handler's work does not depend on who signs.
 */

export interface WebhookPlan {
  partners: number;
  batchEvents: number;
  warmupMs: number;
  durationMs: number;
  /** First ScanStream id of this plan's senders; plans must not share ids. */
  firstStream: number;
}

export interface WebhookMeasurement extends MeasuredLoad {
  partners: number;
  batchEvents: number;
  eventsPerSecond: number;
  /** Answers other than 200 with every event accepted, by status (or `accepted<n`), in the measured part. */
  failures: Record<string, number>;
  /** Events per CPU-second of the stack (gateway, servers and function instances): events/s per core. */
  eventsPerStackCoreSecond: number | null;
}

export async function measureWebhook(stack: StackProcess, plan: WebhookPlan): Promise<WebhookMeasurement> {
  const client = new HttpClient(stack.gatewayUrl, plan.partners);
  const idle = Array.from({ length: plan.partners }, (_, index) => new ScanStream({ stream: plan.firstStream + index, waybillsInFlight: 1000 }));
  const failures: Record<string, number> = {};
  const fail = (reason: string): number => {
    failures[reason] = (failures[reason] ?? 0) + 1;
    return 0;
  };
  // At most `partners` calls are in flight, so a stream is always free; each stream sends its batches in order.
  const call = async (): Promise<number> => {
    const stream = idle.pop();
    if (stream === undefined) throw new Error('more requests in flight than partners');
    try {
      const body = JSON.stringify({ events: stream.next(plan.batchEvents) });
      const headers = { 'content-type': 'application/json', ...signPartnerRequest(DEMO_PARTNER.partnerId, DEMO_PARTNER.secret, body, Date.now()) };
      const answer = await client.send('POST', '/v1/scans', headers, body);
      if (answer.status !== 200) return fail(String(answer.status));
      const { accepted } = JSON.parse(answer.body) as ScanWebhookAnswer;
      return accepted === plan.batchEvents ? accepted : fail(`accepted<${plan.batchEvents}`);
    } finally {
      idle.push(stream);
    }
  };
  try {
    const forgetWarmupFailures = (): void => {
      for (const reason of Object.keys(failures)) delete failures[reason];
    };
    const result = await runMeasuredLoad({ concurrency: plan.partners, warmupMs: plan.warmupMs, durationMs: plan.durationMs, call }, stack.pid, forgetWarmupFailures);
    const { stackCpu } = result;
    return {
      ...result,
      partners: plan.partners,
      batchEvents: plan.batchEvents,
      eventsPerSecond: result.rowsPerSecond,
      failures,
      eventsPerStackCoreSecond: stackCpu === null || stackCpu.cores === 0 ? null : result.rowsPerSecond / stackCpu.cores,
    };
  } finally {
    client.close();
  }
}
