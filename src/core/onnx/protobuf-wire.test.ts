import { describe, expect, it } from 'vitest';
import { bytesField, concat, decodeUtf8, encodeVarint, stringField, varintField, wireFields, WireFormatError } from './protobuf-wire.js';

describe('protobuf wire format', () => {
  it('encodes varints as protobuf does, up to 2^53', () => {
    expect([...encodeVarint(0)]).toEqual([0]);
    expect([...encodeVarint(150)]).toEqual([0x96, 0x01]);
    expect([...encodeVarint(300)]).toEqual([0xac, 0x02]);
    const big = 2 ** 40 + 12345;
    const [field] = [...wireFields(varintField(3, big))];
    expect(field?.varint).toBe(big);
    expect(() => encodeVarint(-1)).toThrow(RangeError);
  });

  it('walks fields as byte ranges, nested messages included', () => {
    const inner = concat([varintField(1, 7), ...stringField(2, 'héllo')]);
    const message = concat([varintField(1, 42), ...bytesField(2, inner), ...stringField(3, 'end')]);
    const fields = [...wireFields(message)];
    expect(fields.map((f) => [f.field, f.wireType])).toEqual([
      [1, 0],
      [2, 2],
      [3, 2],
    ]);
    expect(fields[0]?.varint).toBe(42);
    const nested = [...wireFields(message, fields[1]?.valueStart, fields[1]?.valueEnd)];
    expect(nested[0]?.varint).toBe(7);
    expect(decodeUtf8(message, nested[1] as never)).toBe('héllo');
    // Copying every field's [start, end) gives back the same bytes.
    expect(concat(fields.map((f) => message.subarray(f.start, f.end)))).toEqual(message);
  });

  it('refuses truncated and malformed messages with WireFormatError', () => {
    const message = concat(stringField(2, 'a long enough string'));
    expect(() => [...wireFields(message.subarray(0, message.length - 3))]).toThrow(WireFormatError);
    expect(() => [...wireFields(Uint8Array.from([0x0b]))]).toThrow(/wire type 3/); // a group start
    expect(() => [...wireFields(Uint8Array.from([0x08, 0xff, 0xff]))]).toThrow(/varint/);
    expect(() => [...wireFields(Uint8Array.from([0x00, 0x00]))]).toThrow(/field number 0/);
  });
});
