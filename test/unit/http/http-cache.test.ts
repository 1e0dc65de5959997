import { describe, expect, it } from 'vitest';
import { cacheControl, conditionalResponse, entityTag, ifNoneMatchHits } from '../../../layers/core/src/http/http-cache.ts';
import { jsonResponse, type HttpRequest } from '../../../layers/core/src/http/http-event.ts';

function get(headers: Record<string, string> = {}): HttpRequest {
  return { method: 'GET', path: '/v1/parcels/773061155005900', headers, query: {}, rawBody: Buffer.alloc(0), requestId: 'r-1', sourceIp: '127.0.0.1' };
}

describe('entity tags', () => {
  it('name the revision and change with the body', () => {
    const tag = entityTag(7, '{"status":"ARRIVED"}');
    expect(tag).toMatch(/^"r7-[\w-]{22}"$/u);
    expect(entityTag(7, '{"status":"ARRIVED"}')).toBe(tag);
    expect(entityTag(7, '{"status":"DEPARTED"}')).not.toBe(tag);
    expect(entityTag(8, '{"status":"ARRIVED"}')).not.toBe(tag);
  });
});

describe('If-None-Match', () => {
  const tag = '"r7-abc"';

  it('hits on the same tag, in a list, weak or strong, and on *', () => {
    expect(ifNoneMatchHits('"r7-abc"', tag)).toBe(true);
    expect(ifNoneMatchHits('"x", "r7-abc"', tag)).toBe(true);
    expect(ifNoneMatchHits('W/"r7-abc"', tag)).toBe(true);
    expect(ifNoneMatchHits('*', tag)).toBe(true);
  });

  it('misses on another tag or none', () => {
    expect(ifNoneMatchHits('"r6-abc"', tag)).toBe(false);
    expect(ifNoneMatchHits(undefined, tag)).toBe(false);
  });
});

describe('conditional responses', () => {
  const answer = jsonResponse(200, { status: 'ARRIVED' }, { 'access-control-allow-origin': '*' });
  const tag = entityTag(3, answer.body);

  it('answer 200 with the ETag and the caching policy when the client holds another version', () => {
    const response = conditionalResponse(get({ 'if-none-match': '"old"' }), answer, tag, cacheControl.tracked);
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe(answer.body);
    expect(response.headers).toMatchObject({ etag: tag, 'cache-control': cacheControl.tracked, 'access-control-allow-origin': '*' });
  });

  it('answer 304 with no body, and the ETag and caching policy repeated, when the client holds this version', () => {
    const response = conditionalResponse(get({ 'if-none-match': tag }), answer, tag, cacheControl.tracked);
    expect(response).toEqual({
      statusCode: 304,
      headers: { etag: tag, 'cache-control': cacheControl.tracked, 'access-control-allow-origin': '*' },
      isBase64Encoded: false,
      body: '',
    });
  });
});
