/**
 * MNS error codes the local server answers with: the HTTP status and the default message, as the public
 * error-code table gives them.
 * Sources: https://www.alibabacloud.com/help/doc-detail/27501.html (English table, statuses and messages),
 * https://www.alibabacloud.com/help/ja/mns/error-codes (same table, lists QueueNameLengthError/TimeExpired),
 * https://www.alibabacloud.com/help/pt-br/mns/developer-reference/syntax-of-error-responses (body shape).
 * Messages marked "paraphrased" are translated from the localized tables; the English page cuts them off.
 */
export const mnsErrorCodes = {
  AccessDenied: {
    status: 403,
    message: 'The OwnerId that your Access Key Id associated to is forbidden for this operation.',
  },
  InvalidAccessKeyId: { status: 403, message: 'The AccessKey Id you provided is not exist.' },
  // "Interal" is the service's own spelling.
  InternalError: { status: 500, message: 'Interal error.' },
  InvalidAuthorizationHeader: { status: 400, message: 'The Authorization header format is invalid.' },
  InvalidDateHeader: { status: 400, message: 'The Date header format is invalid.' },
  InvalidArgument: { status: 400, message: 'The XML you provided did not validate against our published schema.' },
  // "Degist" is the service's own spelling of the code.
  InvalidDegist: { status: 400, message: 'The Content-MD5 you specified is invalid.' },
  InvalidRequestURL: { status: 400, message: 'Http request URL format invalid.' },
  InvalidQueryString: { status: 400, message: 'Http request URL contains invalid querystring item.' },
  MalformedXML: { status: 400, message: 'The XML you provided was not well-formed.' },
  MissingAuthorizationHeader: { status: 400, message: 'Authorization header is required.' },
  MissingDateHeader: { status: 400, message: 'Date header is required.' },
  MissingReceiptHandle: { status: 400, message: 'ReceiptHandle is required.' },
  MissingVisibilityTimeout: { status: 400, message: 'VisibilityTimeout is required.' },
  MessageNotExist: { status: 404, message: 'Message not exist.' },
  // paraphrased
  QueueAlreadyExist: { status: 409, message: 'The queue you want to create is already exist.' },
  // paraphrased
  InvalidQueueName: {
    status: 400,
    message: 'The queue name you provided is not valid: it must start with a letter or digit and contain only letters, digits and "-".',
  },
  // paraphrased
  QueueNameLengthError: { status: 400, message: 'The length of queue name must be between 1 and 120.' },
  QueueNotExist: { status: 404, message: 'The queue name you provided is not exist.' },
  ReceiptHandleError: { status: 400, message: 'The receipt handle you provide is not valid.' },
  SignatureDoesNotMatch: {
    status: 403,
    message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
  },
  // paraphrased
  TimeExpired: { status: 408, message: 'The http request you sent is expired.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type MnsErrorCode = keyof typeof mnsErrorCodes;

/**
 * A failure the server reports to the client as an MNS `<Error>` document. The status always comes from
 * {@link mnsErrorCodes}; the message defaults to the table's but may name the offending element.
 *
 * @example
 * throw new MnsError('QueueNotExist');
 * throw MnsError.outOfRange('DelaySeconds', 0, 604800, 'seconds');
 */
export class MnsError extends Error {
  readonly code: MnsErrorCode;
  readonly status: number;

  constructor(code: MnsErrorCode, message: string = mnsErrorCodes[code].message) {
    super(message);
    this.name = 'MnsError';
    this.code = code;
    this.status = mnsErrorCodes[code].status;
  }

  /** InvalidArgument for a value outside its documented range, worded as the error-code table words it. */
  static outOfRange(element: string, low: number, high: number, unit: 'seconds' | 'bytes' | '' = ''): MnsError {
    const suffix = unit === '' ? '' : ` ${unit}`;
    return new MnsError('InvalidArgument', `The value of ${element} should between ${low} and ${high}${suffix}.`);
  }

  /** InvalidArgument for an element that is missing, repeated, nested or not of its type. */
  static schema(element: string): MnsError {
    return new MnsError(
      'InvalidArgument',
      `The XML you provided did not validate against our published schema, cause by Element ${element}.`,
    );
  }
}
