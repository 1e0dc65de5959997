import { describe, expect, it } from 'vitest';
import { apiErrors, ParcelscanError } from '../../../layers/core/src/errors.ts';

describe('API errors', () => {
  it.each([
    ['INVALID_REQUEST', 400],
    ['INVALID_WAYBILL_NO', 400],
    ['UNAUTHORIZED', 401],
    ['PARCEL_NOT_FOUND', 404],
    ['PAYLOAD_TOO_LARGE', 413],
    ['UNSUPPORTED_MEDIA_TYPE', 415],
    ['INTERNAL', 500],
    ['STORAGE_UNAVAILABLE', 503],
  ] as const)('map %s to HTTP %i', (code, status) => {
    expect(new ParcelscanError(code).status).toBe(status);
  });

  it('answer with the default message of their code when given none', () => {
    expect(new ParcelscanError('PAYLOAD_TOO_LARGE').toBody()).toEqual({
      error: { code: 'PAYLOAD_TOO_LARGE', message: apiErrors.PAYLOAD_TOO_LARGE.message },
    });
  });

  it('carry field details into the body', () => {
    const error = new ParcelscanError('INVALID_REQUEST', {
      message: 'events must be an array of 1 to 500 scan events',
      details: [{ path: 'events', message: 'must be an array of 1 to 500 scan events' }],
    });
    expect(error.toBody()).toEqual({
      error: {
        code: 'INVALID_REQUEST',
        message: 'events must be an array of 1 to 500 scan events',
        details: [{ path: 'events', message: 'must be an array of 1 to 500 scan events' }],
      },
    });
  });

  it('leave details out of the body when there are none', () => {
    expect(new ParcelscanError('INVALID_REQUEST', { details: [] }).toBody().error).not.toHaveProperty('details');
  });

  it('give STORAGE_UNAVAILABLE a Retry-After, overridable per answer, and keep it out of the body', () => {
    expect(new ParcelscanError('STORAGE_UNAVAILABLE').retryAfterSeconds).toBe(5);
    const error = new ParcelscanError('STORAGE_UNAVAILABLE', { retryAfterSeconds: 2 });
    expect(error.retryAfterSeconds).toBe(2);
    expect(JSON.stringify(error.toBody())).not.toContain('retry');
    expect(new ParcelscanError('INTERNAL').retryAfterSeconds).toBeUndefined();
  });

  it('do not tell a partner which part of the signature check failed', () => {
    expect(apiErrors.UNAUTHORIZED.message).not.toMatch(/expired|mismatch|unknown|missing/i);
  });

  it('are Errors with a name and a cause, for logs', () => {
    const cause = new Error('OTSServerBusy');
    const error = new ParcelscanError('STORAGE_UNAVAILABLE', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ParcelscanError');
    expect(error.cause).toBe(cause);
  });
});
