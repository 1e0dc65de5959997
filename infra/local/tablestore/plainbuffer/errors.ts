/**
 * A PlainBuffer that cannot be read: truncated, a tag out of place, an unknown type, or a checksum that
 * does not match. The local server answers it with 400 OTSParameterInvalid and this message.
 *
 * @example
 * try {
 *   decodeRow(body.row);
 * } catch (err) {
 *   if (err instanceof PlainBufferError) throw parameterInvalid(err.message);
 *   throw err;
 * }
 */
export class PlainBufferError extends Error {
  constructor(
    message: string,
    /** Byte offset in the buffer where the problem was found. */
    readonly offset: number,
  ) {
    super(message);
    this.name = 'PlainBufferError';
  }
}
