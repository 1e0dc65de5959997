/** A benchmark option that must be a positive number (or integer), with an error naming the flag. */
export function positive(name: string, text: string, integer: boolean): number {
  const value = Number(text);
  if (!(value > 0) || (integer && !Number.isInteger(value))) throw new Error(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got ${text}`);
  return value;
}
