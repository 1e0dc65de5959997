import { otsErrorCodes, type OtsErrorCode } from '../../../layers/core/src/store/ots-error-codes.ts';

/**
 * A failure the local server answers with: the real OTS error code, the message the real service uses, and
 * the HTTP status from the error-code table
 * (https://help.aliyun.com/en/tablestore/developer-reference/error-codes).
 */
export class OtsServerError extends Error {
  readonly status: number;

  constructor(
    readonly code: OtsErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'OtsServerError';
    this.status = otsErrorCodes[code].status;
  }
}

/** Shorthand for the most common failure: a request the service rejects as invalid. */
export function parameterInvalid(message: string): OtsServerError {
  return new OtsServerError('OTSParameterInvalid', message);
}

export const conditionCheckFailed = (): OtsServerError =>
  new OtsServerError('OTSConditionCheckFail', 'Condition check failed.');

export const tableNotExist = (): OtsServerError =>
  new OtsServerError('OTSObjectNotExist', 'Requested table does not exist.');
