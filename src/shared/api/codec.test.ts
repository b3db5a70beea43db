import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame } from './codec.js';
import { toErrorEnvelope, ApiError } from './errors.js';
import type { WireMessage } from './protocol.js';

// src/shared is also typechecked without Node's types; reach Node's Buffer through globalThis.
const NodeBuffer = (globalThis as unknown as { Buffer: { from(bytes: number[]): Uint8Array } }).Buffer;

type View = ArrayBufferView & { length: number };
const bytesOf = (v: ArrayBufferView): number[] => Array.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));

function expectSameArray(actual: unknown, expected: View): void {
  expect(actual).toBeInstanceOf(expected.constructor);
  expect((actual as View).length).toBe(expected.length);
  // Byte comparison: NaN payloads and -0 must survive, which value equality would not show.
  expect(bytesOf(actual as View)).toEqual(bytesOf(expected));
}

const roundTrip = (message: unknown): unknown => decodeFrame(encodeFrame(message));

const EVERY_TYPE: [string, View][] = [
  ['Float32Array', new Float32Array([0, -0, NaN, Infinity, -Infinity, 1.5, 3.4028234663852886e38, 1e-45])],
  ['Float64Array', new Float64Array([0, -0, NaN, Number.MAX_VALUE, Number.MIN_VALUE, Math.PI])],
  ['Int8Array', new Int8Array([-128, -1, 0, 127])],
  ['Uint8Array', new Uint8Array([0, 1, 254, 255])],
  ['Uint8ClampedArray', new Uint8ClampedArray([0, 128, 255])],
  ['Int16Array', new Int16Array([-32768, -1, 0, 32767])],
  ['Uint16Array', new Uint16Array([0, 1, 65535])],
  ['Int32Array', new Int32Array([-2147483648, -1, 0, 2147483647])],
  ['Uint32Array', new Uint32Array([0, 1, 4294967295])],
];

describe('encodeFrame/decodeFrame', () => {
  it.each(EVERY_TYPE)('round-trips a %s bit-exactly', (_name, array) => {
    expectSameArray((roundTrip({ a: array }) as { a: unknown }).a, array);
  });

  it('round-trips every type in one message, each at an 8-aligned offset', () => {
    // Odd lengths put the next array at an unaligned byte count unless the encoder pads.
    const message = Object.fromEntries(EVERY_TYPE.map(([name, array]) => [name, array]));
    const out = roundTrip(message) as Record<string, View>;
    for (const [name, array] of EVERY_TYPE) {
      expectSameArray(out[name], array);
      expect(out[name]!.byteOffset % 8, name).toBe(0);
    }
  });

  it('encodes unaligned views as just their own bytes', () => {
    const backing = new ArrayBuffer(64);
    new Uint8Array(backing).fill(0xee);
    const bytes = new Uint8Array(backing, 3, 5);
    bytes.set([1, 2, 3, 4, 5]);
    const shorts = new Int16Array(backing, 10, 3);
    shorts.set([-7, 8, -9]);
    const floats = new Float32Array(backing, 20, 2);
    floats.set([0.25, NaN]);
    const doubles = new Float64Array(backing, 40, 2);
    doubles.set([-0, 1e300]);
    const out = roundTrip({ bytes, shorts, floats, doubles }) as Record<string, View>;
    expectSameArray(out['bytes'], bytes);
    expectSameArray(out['shorts'], shorts);
    expectSameArray(out['floats'], floats);
    expectSameArray(out['doubles'], doubles);
  });

  it('round-trips a subarray without the rest of its buffer', () => {
    const whole = new Float32Array([1, 2, 3, 4, 5, 6]);
    const part = whole.subarray(1, 4);
    const frame = encodeFrame({ part });
    const out = (decodeFrame(frame) as { part: Float32Array }).part;
    expect(Array.from(out)).toEqual([2, 3, 4]);
    expect(frame.byteLength).toBeLessThan(encodeFrame({ part: whole }).byteLength);
  });

  it("sends Node's Buffer as a Uint8Array, not as Buffer.toJSON's number list", () => {
    const buffer = NodeBuffer.from([0x52, 0x49, 0x46, 0x46, 0x00, 0xff]);
    const out = (roundTrip({ thumb: buffer }) as { thumb: unknown }).thumb;
    expect(out).toBeInstanceOf(Uint8Array);
    expect(Array.from(out as Uint8Array)).toEqual([0x52, 0x49, 0x46, 0x46, 0x00, 0xff]);
  });

  it('round-trips a typed array at the top level and empty typed arrays', () => {
    expectSameArray(roundTrip(new Int32Array([5, -6])), new Int32Array([5, -6]));
    const out = roundTrip({ empty: new Float32Array(0), after: new Uint8Array([9]) }) as Record<string, View>;
    expectSameArray(out['empty'], new Float32Array(0));
    expectSameArray(out['after'], new Uint8Array([9]));
  });

  it('round-trips nested objects and arrays with typed arrays at any depth', () => {
    const shared = new Uint16Array([1, 2, 3]);
    const message = {
      t: 'res',
      id: 7,
      ok: true,
      result: {
        name: 'naïve – 数据 🐛',
        nothing: null,
        flags: [true, false],
        layers: [{ xy: new Float32Array([1, 2]), meta: { ids: new Uint32Array([10]) } }, { xy: new Float32Array([]) }],
        twice: [shared, shared],
      },
    };
    const out = roundTrip(message) as typeof message;
    expect(out.t).toBe('res');
    expect(out.result.name).toBe('naïve – 数据 🐛');
    expect(out.result.nothing).toBeNull();
    expect(out.result.flags).toEqual([true, false]);
    expectSameArray(out.result.layers[0]!.xy, message.result.layers[0]!.xy);
    expectSameArray(out.result.layers[0]!.meta!.ids, new Uint32Array([10]));
    expectSameArray(out.result.layers[1]!.xy, new Float32Array([]));
    expectSameArray(out.result.twice[0]!, shared);
    expectSameArray(out.result.twice[1]!, shared);
  });

  it('round-trips plain values at the top level', () => {
    expect(roundTrip(null)).toBeNull();
    expect(roundTrip(undefined)).toBeNull();
    expect(roundTrip(42)).toBe(42);
    expect(roundTrip('text')).toBe('text');
    expect(roundTrip([1, 'a', null])).toEqual([1, 'a', null]);
  });

  it('carries error replies as plain envelopes', () => {
    const message: WireMessage = {
      t: 'res',
      id: 3,
      ok: false,
      error: toErrorEnvelope(new ApiError('bad-csv', 'line 4: missing column', '/data/labels.csv')),
    };
    expect(roundTrip(message)).toEqual({
      t: 'res',
      id: 3,
      ok: false,
      error: { code: 'bad-csv', message: 'line 4: missing column', file: '/data/labels.csv' },
    });
  });

  it('decodes a frame that sits at an unaligned offset in a larger buffer', () => {
    const frame = encodeFrame({ xy: new Float64Array([1.25, -2]) });
    const backing = new Uint8Array(frame.byteLength + 3);
    backing.set(frame, 3);
    const out = decodeFrame(backing.subarray(3)) as { xy: Float64Array };
    expectSameArray(out.xy, new Float64Array([1.25, -2]));
  });

  it('decodes from an ArrayBuffer (what browsers deliver)', () => {
    const frame = encodeFrame({ v: new Int8Array([-3]) });
    const out = decodeFrame(frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength)) as { v: Int8Array };
    expectSameArray(out.v, new Int8Array([-3]));
  });

  it('keeps many points binary: a frame is about 4 bytes per float', () => {
    const xy = new Float32Array(200_000).map((_, i) => Math.sin(i));
    const frame = encodeFrame({ xy });
    expect(frame.byteLength).toBeLessThan(xy.byteLength + 200);
  });
});

describe('decodeFrame on malformed input', () => {
  /** A frame with the given header text and `payloadBytes` zero bytes of payload. */
  function frameWithHeader(header: string, payloadBytes = 0): Uint8Array {
    const text = new TextEncoder().encode(header);
    const start = (4 + text.byteLength + 7) & ~7;
    const out = new Uint8Array(start + payloadBytes);
    new DataView(out.buffer).setUint32(0, text.byteLength, true);
    out.set(text, 4);
    return out;
  }
  const ref = (fields: Record<string, unknown>) => JSON.stringify({ a: { $bin: 0, type: 'Float32Array', offset: 0, length: 1, ...fields } });

  it('accepts the hand-built frame these cases start from', () => {
    expect(decodeFrame(frameWithHeader(ref({}), 8))).toEqual({ a: new Float32Array([0]) });
  });

  it.each<[string, Uint8Array, RegExp]>([
    ['a frame shorter than its length prefix', new Uint8Array([1, 0]), /too short/],
    ['a header longer than the frame', frameWithHeader('{}').subarray(0, 5), /overruns/],
    ['a typed array past the end', frameWithHeader(ref({ length: 3 }), 8), /overruns/],
    ['an unknown array type', frameWithHeader(ref({ type: 'BigInt64Array' }), 8), /unknown typed array/],
    ['an inherited property as the type', frameWithHeader(ref({ type: 'toString' }), 8), /unknown typed array/],
    ['a negative offset', frameWithHeader(ref({ offset: -8 }), 8), /bad offset/],
    ['an unaligned offset', frameWithHeader(ref({ offset: 4 }), 16), /bad offset/],
    ['a fractional length', frameWithHeader(ref({ length: 0.5 }), 8), /bad offset or length/],
  ])('throws on %s', (_what, frame, message) => {
    expect(() => decodeFrame(frame)).toThrow(message);
  });

  it('throws on a header that is not JSON', () => {
    expect(() => decodeFrame(frameWithHeader('{nope'))).toThrow(SyntaxError);
  });
});
