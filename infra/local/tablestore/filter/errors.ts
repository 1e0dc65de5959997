/**
 * A column condition or filter the service rejects. The local server answers it as 400 OTSParameterInvalid,
 * the code and status Tablestore uses for malformed filters (error-code table:
 * https://help.aliyun.com/en/tablestore/developer-reference/error-codes). Where the real service's wording is
 * known, the message repeats it word for word.
 */
export class FilterError extends Error {
  readonly code = 'OTSParameterInvalid';
  readonly status = 400;
  override readonly name = 'FilterError';
}
