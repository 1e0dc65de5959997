import compiledProto from 'tablestore/lib/protocol/tablestore_compiled_proto.js';
import { describe, expect, it } from 'vitest';
import {
  AuthFailedError,
  ConditionCheckFailedError,
  decodeSdkError,
  mayRetry,
  NetworkingError,
  ObjectNotExistError,
  ParameterInvalidError,
  ServerBusyError,
  ServiceUnavailableError,
  TablestoreClientError,
  TablestoreError,
  TablestoreTimeoutError,
} from '../../../layers/core/src/store/index.ts';

/** Tablestore's error body: protobuf `Error{code, message}`, encoded with the SDK's own compiled proto. */
function errorBody(code: string, message?: string): Buffer {
  const { Error: ProtoError } = compiledProto.main.proto;
  return Buffer.from(ProtoError.encode(ProtoError.create(message === undefined ? { code } : { code, message })).finish());
}

/**
 * The error `tablestore` 5.6.5 hands to callers for an HTTP error answer, built the way `lib/client.js`
 * extractError builds it: the XML parser it calls does not exist, so the catch branch sets `code` to the status
 * and `message` to the body read as a string plus " requestId:<id>" (`TableStore.util.error` copies the fields
 * onto a plain Error, then `lib/request.js` adds `retryable`).
 */
function sdkHttpError(status: number, body: Buffer, requestId = 'req-1', withHeader = true): Error {
  return Object.assign(new Error(), {
    code: status,
    message: `${body.toString()} requestId:${requestId}`,
    headers: withHeader ? { 'x-ots-requestid': requestId, 'content-type': 'application/x-protobuf' } : {},
    time: new Date(),
    retryable: false,
  });
}

/** extractError's other branch: a 304/400/403/404 with an empty body. */
function sdkEmptyBodyError(code: 'Forbidden' | 'NotFound' | 'BadRequest', requestId: string): Error {
  return Object.assign(new Error(), {
    code,
    message: requestId,
    headers: { 'x-ots-requestid': requestId },
    time: new Date(),
    retryable: false,
  });
}

/** `lib/event_listeners.js` SEND: the socket error, re-coded 'NetworkingError' by `TableStore.util.error`. */
function sdkNetworkingError(message: string, fields: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { ...fields, code: 'NetworkingError', retryable: false, time: new Date() });
}

describe('decodeSdkError', () => {
  it('turns a 403 OTSConditionCheckFail body into a ConditionCheckFailedError with code, status and request id', () => {
    const error = decodeSdkError(sdkHttpError(403, errorBody('OTSConditionCheckFail', 'Condition check failed.'), 'req-42'));

    expect(error).toBeInstanceOf(ConditionCheckFailedError);
    expect(error).toMatchObject({
      code: 'OTSConditionCheckFail',
      httpStatus: 403,
      requestId: 'req-42',
      retryable: false,
      outcomeUnknown: false,
      message: 'OTSConditionCheckFail: Condition check failed.',
      name: 'ConditionCheckFailedError',
    });
  });

  it('types a missing table as ObjectNotExistError', () => {
    const error = decodeSdkError(sdkHttpError(404, errorBody('OTSObjectNotExist', 'Requested table does not exist.')));

    expect(error).toBeInstanceOf(ObjectNotExistError);
    expect(error).toMatchObject({ code: 'OTSObjectNotExist', httpStatus: 404, retryable: false });
  });

  it('types OTSServerBusy as a retryable ServerBusyError that was not applied', () => {
    const error = decodeSdkError(sdkHttpError(503, errorBody('OTSServerBusy', 'Server is busy.')));

    expect(error).toBeInstanceOf(ServerBusyError);
    expect(error).toMatchObject({ code: 'OTSServerBusy', httpStatus: 503, retryable: true, outcomeUnknown: false });
  });

  it('marks OTSTimeout as retryable but of unknown outcome, so only idempotent requests are re-sent', () => {
    const error = decodeSdkError(sdkHttpError(503, errorBody('OTSTimeout', 'Operation timeout.')));

    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error).toMatchObject({ retryable: true, outcomeUnknown: true });
    expect(mayRetry(error, true)).toBe(true);
    expect(mayRetry(error, false)).toBe(false);
  });

  it('types OTSParameterInvalid and OTSInvalidPK as ParameterInvalidError', () => {
    expect(decodeSdkError(sdkHttpError(400, errorBody('OTSParameterInvalid', 'The limit must be greater than 0.')))).toBeInstanceOf(
      ParameterInvalidError,
    );
    const invalidPk = decodeSdkError(sdkHttpError(400, errorBody('OTSInvalidPK', 'Primary key schema mismatch.')));
    expect(invalidPk).toBeInstanceOf(ParameterInvalidError);
    expect(invalidPk.code).toBe('OTSInvalidPK');
  });

  it('types OTSAuthFailed as AuthFailedError', () => {
    const error = decodeSdkError(sdkHttpError(403, errorBody('OTSAuthFailed', 'Signature mismatch.')));

    expect(error).toBeInstanceOf(AuthFailedError);
    expect(error.retryable).toBe(false);
  });

  it('keeps a message of 128 bytes or more whose length varint was mangled by the SDK reading the body as UTF-8', () => {
    const longMessage = `Invalid timestamp. Cell:${'x'.repeat(300)}`;
    const body = errorBody('OTSParameterInvalid', longMessage);
    expect(Buffer.from(body.toString(), 'utf8').equals(body)).toBe(false);

    const error = decodeSdkError(sdkHttpError(400, body));

    expect(error.code).toBe('OTSParameterInvalid');
    expect(error.message).toBe(`OTSParameterInvalid: ${longMessage}`);
  });

  it('keeps a non-ASCII message', () => {
    const error = decodeSdkError(sdkHttpError(404, errorBody('OTSObjectNotExist', '请求的表不存在。')));

    expect(error.message).toBe('OTSObjectNotExist: 请求的表不存在。');
  });

  it('decodes an error body without a message', () => {
    const error = decodeSdkError(sdkHttpError(503, errorBody('OTSServerBusy')));

    expect(error).toBeInstanceOf(ServerBusyError);
    expect(error.message).toBe('OTSServerBusy');
  });

  it('takes the request id from the message when the answer had no x-ots-requestid header', () => {
    const error = decodeSdkError(sdkHttpError(503, errorBody('OTSServerBusy', 'Server is busy.'), 'from-message', false));

    expect(error.requestId).toBe('from-message');
  });

  it('retries OTSQuotaExhausted only for "Too frequent table operations."', () => {
    const tooFrequent = decodeSdkError(sdkHttpError(403, errorBody('OTSQuotaExhausted', 'Too frequent table operations.')));
    const tooManyTables = decodeSdkError(sdkHttpError(403, errorBody('OTSQuotaExhausted', 'Number of tables exceeded the quota.')));

    expect(tooFrequent.retryable).toBe(true);
    expect(tooManyTables.retryable).toBe(false);
  });

  it('keeps an unknown OTS code as a TablestoreError, not retryable on a 4xx', () => {
    const error = decodeSdkError(sdkHttpError(400, errorBody('OTSSomethingNew', 'Brand new.')));

    expect(error.constructor).toBe(TablestoreError);
    expect(error).toMatchObject({ code: 'OTSSomethingNew', httpStatus: 400, retryable: false });
  });

  it('finds the code in a body that is not protobuf', () => {
    const error = decodeSdkError(sdkHttpError(503, Buffer.from('upstream said OTSServerBusy\u0012\u000fServer is busy.')));

    expect(error).toBeInstanceOf(ServerBusyError);
    expect(error.message).toBe('OTSServerBusy: Server is busy.');
  });

  it('treats a gateway 502 page as a retryable UnknownError of unknown outcome', () => {
    const error = decodeSdkError(sdkHttpError(502, Buffer.from('<html><body>502 Bad Gateway</body></html>')));

    expect(error).toMatchObject({ code: 'UnknownError', httpStatus: 502, retryable: true, outcomeUnknown: true });
  });

  it('maps the empty-body codes to their status, with the request id the SDK put in the message', () => {
    const forbidden = decodeSdkError(sdkEmptyBodyError('Forbidden', 'req-empty'));
    const notFound = decodeSdkError(sdkEmptyBodyError('NotFound', 'req-nf'));

    expect(forbidden).toMatchObject({ code: 'Forbidden', httpStatus: 403, requestId: 'req-empty', retryable: false });
    expect(notFound).toMatchObject({ code: 'NotFound', httpStatus: 404, requestId: 'req-nf' });
  });

  it('knows a refused connection never sent the request', () => {
    const error = decodeSdkError(
      sdkNetworkingError('connect ECONNREFUSED 127.0.0.1:9001', { errno: -111, syscall: 'connect', address: '127.0.0.1', port: 9001 }),
    );

    expect(error).toBeInstanceOf(NetworkingError);
    expect(error).toMatchObject({ code: 'NetworkingError', retryable: true, outcomeUnknown: false });
  });

  it('treats a socket that hung up after sending as of unknown outcome', () => {
    const error = decodeSdkError(sdkNetworkingError('socket hang up'));

    expect(error).toBeInstanceOf(NetworkingError);
    expect(error.outcomeUnknown).toBe(true);
  });

  it("types the SDK's own httpOptions.timeout, which arrives as a NetworkingError, as a timeout", () => {
    const error = decodeSdkError(sdkNetworkingError('Connection timed out after 100ms'));

    expect(error).toBeInstanceOf(TablestoreTimeoutError);
    expect(error).toMatchObject({ code: 'TimeoutError', retryable: true, outcomeUnknown: true });
  });

  it('wraps an error the SDK threw while encoding as a TablestoreClientError', () => {
    const encodingError = Object.assign(new Error('Unsupported primary key type:number'), { retryable: false });

    const error = decodeSdkError(encodingError);

    expect(error).toBeInstanceOf(TablestoreClientError);
    expect(error).toMatchObject({ code: 'ClientError', retryable: false, cause: encodingError });
  });

  it('returns a TablestoreError unchanged', () => {
    const original = new ServerBusyError('OTSServerBusy', { code: 'OTSServerBusy', retryable: true });

    expect(decodeSdkError(original)).toBe(original);
  });
});
