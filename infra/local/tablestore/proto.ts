import { createRequire } from 'node:module';

/**
 * The SDK's own compiled protobuf classes (tablestore/lib/protocol/tablestore_compiled_proto.js, built from
 * its tablestore.proto), so the local server decodes requests and encodes responses with exactly the
 * messages the SDK uses. The package has no types; this facade types the parts the server touches.
 */

export interface ProtoMessageClass {
  decode(bytes: Uint8Array): object;
  toObject(message: object, options: { longs: StringConstructor }): Record<string, unknown>;
  encode(message: Record<string, unknown>): { finish(): Uint8Array };
}

const require = createRequire(import.meta.url);
const compiled = require('tablestore/lib/protocol/tablestore_compiled_proto.js') as {
  main: { proto: Record<string, ProtoMessageClass> };
};

export function message(name: string): ProtoMessageClass {
  const found = compiled.main.proto[name];
  if (found === undefined) throw new Error(`tablestore.proto has no message ${name}`);
  return found;
}

/**
 * Decodes a request into a plain object holding only the fields the client sent: decoded protobufjs
 * messages inherit defaults (time_to_live 0, …) from their prototype, which would hide an absent field.
 * int64 fields become decimal strings.
 */
export function decodeMessage(name: string, bytes: Uint8Array): Record<string, unknown> {
  const type = message(name);
  return type.toObject(type.decode(bytes), { longs: String });
}

/** protobufjs hands int64 fields back as Long objects (or numbers); both print as decimals. */
export function int64ToNumber(value: unknown): number {
  return Number(String(value));
}
