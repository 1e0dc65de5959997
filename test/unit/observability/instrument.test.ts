import { describe, expect, it } from 'vitest';
import type { FcContext } from '../../../layers/core/src/http/fc-context.ts';
import { jsonResponse, type HttpResponse } from '../../../layers/core/src/http/http-event.ts';
import { errorResponse } from '../../../layers/core/src/http/error-response.ts';
import { ParcelscanError } from '../../../layers/core/src/errors.ts';
import {
  createLogger,
  outcomeOf,
  withHttpObservability,
  withQueueObservability,
  type Invocation,
} from '../../../layers/core/src/observability/index.ts';

const requestId = '1-65362416-68afb557d64a2e283eccebce';
const partnerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';

function fcContext(name = 'parcelscan-scan-webhook'): FcContext {
  const ignore = (): void => undefined;
  return {
    requestId,
    credentials: { accessKeyId: 'local', accessKeySecret: 'local-secret', securityToken: '' },
    function: { name, handler: 'index.handler', memory: 512, timeout: 10 },
    service: { logProject: '', logStore: '', qualifier: 'LATEST' },
    region: 'cn-hangzhou',
    accountId: '1234567890123456',
    logger: { debug: ignore, info: ignore, warn: ignore, error: ignore, log: ignore },
    retryCount: 0,
  };
}

/** An FC 3.0 HTTP trigger event, as the runtime hands it to the handler. */
function httpEvent(path: string, headers: Record<string, string> = {}): Buffer {
  return Buffer.from(
    JSON.stringify({
      version: 'v1',
      rawPath: path,
      headers,
      queryParameters: {},
      body: '',
      isBase64Encoded: false,
      requestContext: {
        accountId: '1234567890123456',
        domainName: 'api.parcelscan.test',
        domainPrefix: 'api',
        http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
        requestId,
        time: '25/Nov/2025:06:00:00 +0000',
        timeEpoch: '1764050400000',
      },
    }),
  );
}

/** A root logger writing into an array, with a clock that moves 5 ms per reading. */
function capture() {
  const lines: string[] = [];
  let now = Date.UTC(2025, 10, 25, 6);
  const clock = (): number => (now += 5);
  const logger = createLogger({ sink: (line) => lines.push(line), clock });
  const parsed = (): Record<string, unknown>[] => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, clock, parsed, newSpanId: () => '00f067aa0ba902b7' };
}

describe('withHttpObservability', () => {
  it("continues the partner's traceparent on every line of the request, and ends with one summary line and the metrics", async () => {
    const { parsed, ...options } = capture();
    const handler = withHttpObservability(async (request, { log, metrics, trace }) => {
      expect(trace).toMatchObject({ traceId: partnerTrace, parentSpanId: '00f067aa0ba902b7' });
      metrics.scans('demo').count({ batchSize: 1, accepted: 1 });
      log.info('scans recorded', { partnerId: 'demo', accepted: 1 });
      return jsonResponse(200, { path: request.path });
    }, options);

    const response = await handler(httpEvent('/v1/scans', { traceparent: `00-${partnerTrace}-00f067aa0ba902b7-01` }), fcContext());

    expect(response.statusCode).toBe(200);
    const lines = parsed();
    expect(lines.map((line) => line.msg ?? line.name)).toEqual(['scans recorded', 'request handled', 'scans']);
    for (const line of lines) expect(line).toMatchObject({ function: 'parcelscan-scan-webhook', requestId, traceId: partnerTrace });
    expect(lines[1]).toEqual({
      level: 'info',
      time: expect.any(String),
      function: 'parcelscan-scan-webhook',
      requestId,
      traceId: partnerTrace,
      outcome: 'ok',
      durationMs: 10,
      msg: 'request handled',
      status: 200,
      method: 'POST',
      path: '/v1/scans',
    });
  });

  it("starts a trace from FC's request id without a traceparent, and binds what `bind` reads from the request", async () => {
    const { parsed, ...options } = capture();
    let invocation: Invocation | undefined;
    const handler = withHttpObservability(
      async (_request, current) => {
        invocation = current;
        return jsonResponse(200, {});
      },
      { ...options, bind: () => ({ waybillNo: '773061155005900' }) },
    );

    await handler(httpEvent('/v1/parcels/773061155005900'), fcContext('parcelscan-tracking-api'));

    expect(invocation?.trace.traceId).toBe('6536241668afb557d64a2e283eccebce');
    expect(invocation?.startedAtMs).toBe(Date.UTC(2025, 10, 25, 6) + 5);
    expect(parsed()[0]).toMatchObject({ waybillNo: '773061155005900', traceId: '6536241668afb557d64a2e283eccebce', msg: 'request handled' });
  });

  it('logs a handler that throws as `request failed`, flushes its metrics, and rethrows so FC answers 502', async () => {
    const { parsed, ...options } = capture();
    const handler = withHttpObservability(async (_request, { metrics }) => {
      metrics.scans('demo').count({ batchSize: 3, otsRetries: 2 });
      throw new Error('TABLESTORE_ENDPOINT must be the instance endpoint URL');
    }, options);

    await expect(handler(httpEvent('/v1/scans'), fcContext())).rejects.toThrow('TABLESTORE_ENDPOINT');

    const [failed, metric] = parsed();
    expect(failed).toMatchObject({ level: 'error', msg: 'request failed', outcome: 'unhandled-error', error: { type: 'Error', message: expect.stringContaining('TABLESTORE_ENDPOINT') } });
    expect(metric).toMatchObject({ kind: 'metric', name: 'scans', batchSize: 3, otsRetries: 2 });
  });

  it('logs an event that is not an HTTP trigger event under a trace of its own, and rethrows', async () => {
    const { parsed, ...options } = capture();
    const handler = withHttpObservability(async () => jsonResponse(200, {}), options);

    await expect(handler(Buffer.from('[]'), fcContext())).rejects.toThrow('HTTP trigger event');

    expect(parsed()).toEqual([expect.objectContaining({ level: 'error', msg: 'request failed', traceId: '6536241668afb557d64a2e283eccebce' })]);
  });

  it('writes the summary of a 5xx answer as a warning', async () => {
    const { parsed, ...options } = capture();
    const handler = withHttpObservability(async () => errorResponse(new ParcelscanError('STORAGE_UNAVAILABLE')), options);

    await handler(httpEvent('/v1/scans'), fcContext());

    expect(parsed()[0]).toMatchObject({ level: 'warn', outcome: 'storage-unavailable', status: 503 });
  });
});

describe('withQueueObservability', () => {
  it("gives the batch FC's request id as its trace and summarises its result", async () => {
    const { parsed, ...options } = capture();
    const handler = withQueueObservability(
      async (event, { metrics }) => {
        metrics.countQueueBatch({ messages: 2, events: 2 });
        return { messages: JSON.parse(event.toString()).length as number, accepted: 2 };
      },
      { ...options, summarise: (summary) => ({ ...summary }) },
    );

    expect(await handler(Buffer.from('[1,2]'), fcContext('parcelscan-scan-consumer'))).toEqual({ messages: 2, accepted: 2 });

    expect(parsed()).toEqual([
      expect.objectContaining({ msg: 'batch handled', outcome: 'ok', messages: 2, accepted: 2, traceId: '6536241668afb557d64a2e283eccebce' }),
      expect.objectContaining({ kind: 'metric', name: 'queue-batch', messages: 2, events: 2 }),
    ]);
  });

  it('logs a batch that fails as `batch failed` and rethrows, so the trigger delivers it again', async () => {
    const { parsed, ...options } = capture();
    const handler = withQueueObservability(async () => Promise.reject(new Error('OTSServerBusy')), options);

    await expect(handler(Buffer.from('[]'), fcContext('parcelscan-scan-consumer'))).rejects.toThrow('OTSServerBusy');

    expect(parsed()).toEqual([expect.objectContaining({ level: 'error', msg: 'batch failed', outcome: 'failed' })]);
  });
});

describe('outcomeOf', () => {
  const html = (statusCode: number): HttpResponse => ({ statusCode, headers: { 'content-type': 'text/html' }, isBase64Encoded: false, body: '<p>' });

  it('is ok below 400, the API error code in kebab case for our errors, and the status class otherwise', () => {
    expect(outcomeOf(jsonResponse(201, {}))).toBe('ok');
    expect(outcomeOf(html(304))).toBe('ok');
    expect(outcomeOf(errorResponse(new ParcelscanError('UNAUTHORIZED')))).toBe('unauthorized');
    expect(outcomeOf(errorResponse(new ParcelscanError('PARCEL_NOT_FOUND')))).toBe('parcel-not-found');
    expect(outcomeOf(html(404))).toBe('client-error');
    expect(outcomeOf(html(503))).toBe('server-error');
    expect(outcomeOf(jsonResponse(500, { message: 'no code' }))).toBe('server-error');
  });
});
