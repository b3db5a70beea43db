/**
 * Protocol Buffers at the wire level: walking a message's fields as byte ranges, and encoding new fields.
 *
 * Written here rather than taken from protobufjs because the models we edit are hundreds of megabytes of weights:
 * an edit walks the few fields it changes and copies every other field's bytes by reference, where decoding and
 * re-encoding the whole ModelProto would copy (and briefly double) all of them.
 */

export const WireType = { varint: 0, fixed64: 1, lengthDelimited: 2, fixed32: 5 } as const;

export interface WireField {
  field: number;
  wireType: number;
  /** The whole field, tag included: copy bytes [start, end) to keep it unchanged. */
  start: number;
  end: number;
  /** A length-delimited field's payload; a varint's bytes otherwise. */
  valueStart: number;
  valueEnd: number;
  /** The value of a varint field (exact up to 2^53). */
  varint: number;
}

export class WireFormatError extends Error {}

function readVarint(bytes: Uint8Array, at: number, end: number): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  for (let pos = at; pos < end && pos < at + 10; pos++) {
    const byte = bytes[pos] as number;
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return { value, next: pos + 1 };
    scale *= 128;
  }
  throw new WireFormatError(`a varint at byte ${at} runs past its message`);
}

/** The fields of the message in bytes [start, end), in order. Throws WireFormatError on malformed input. */
export function* wireFields(bytes: Uint8Array, start = 0, end = bytes.length): Generator<WireField> {
  let pos = start;
  while (pos < end) {
    const fieldStart = pos;
    const tag = readVarint(bytes, pos, end);
    const field = Math.floor(tag.value / 8);
    const wireType = tag.value % 8;
    if (field < 1) throw new WireFormatError(`field number 0 at byte ${fieldStart}`);
    pos = tag.next;
    let valueStart = pos;
    let varint = 0;
    switch (wireType) {
      case WireType.varint: {
        const read = readVarint(bytes, pos, end);
        varint = read.value;
        pos = read.next;
        break;
      }
      case WireType.fixed64:
        pos += 8;
        break;
      case WireType.fixed32:
        pos += 4;
        break;
      case WireType.lengthDelimited: {
        const length = readVarint(bytes, pos, end);
        valueStart = length.next;
        pos = length.next + length.value;
        break;
      }
      default:
        throw new WireFormatError(`wire type ${wireType} (field ${field}) at byte ${fieldStart} is not used by ONNX`);
    }
    if (pos > end) throw new WireFormatError(`field ${field} at byte ${fieldStart} runs past the end of its message`);
    yield { field, wireType, start: fieldStart, end: pos, valueStart, valueEnd: pos, varint };
  }
}

export function encodeVarint(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`cannot encode ${value} as a varint`);
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 128) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
  return Uint8Array.from(out);
}

const tag = (field: number, wireType: number): Uint8Array => encodeVarint(field * 8 + wireType);

/** Bytes of a message built from parts, kept as a list so that large parts are never copied. */
export type WireParts = Uint8Array[];

export const partsLength = (parts: WireParts): number => parts.reduce((sum, part) => sum + part.length, 0);

export function varintField(field: number, value: number): Uint8Array {
  return concat([tag(field, WireType.varint), encodeVarint(value)]);
}

export function bytesField(field: number, payload: WireParts | Uint8Array): WireParts {
  const parts = payload instanceof Uint8Array ? [payload] : payload;
  return [tag(field, WireType.lengthDelimited), encodeVarint(partsLength(parts)), ...parts];
}

export function stringField(field: number, value: string): WireParts {
  return bytesField(field, new TextEncoder().encode(value));
}

/** Copies parts into one array: for small messages only. */
export function concat(parts: WireParts): Uint8Array {
  const out = new Uint8Array(partsLength(parts));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export const decodeUtf8 = (bytes: Uint8Array, field: WireField): string => new TextDecoder().decode(bytes.subarray(field.valueStart, field.valueEnd));
