/** FC hands a Node.js handler its event as a Buffer of JSON (or, invoked directly, already an object). */
export function eventJson(event: Buffer | string | object): unknown {
  return Buffer.isBuffer(event) || typeof event === 'string' ? JSON.parse(event.toString()) : event;
}
