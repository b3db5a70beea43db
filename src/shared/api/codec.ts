/**
 * Binary framing for the WebSocket transport: a JSON header plus the raw bytes of every typed array,
 * so a million points cross as one Float32Array instead of a million JSON numbers.
 *
 * Frame: [u32 LE header byte length][header UTF-8][zero padding to 8][payload buffers, each 8-aligned]
 */

const TYPED_ARRAYS = {
  Float32Array,
  Float64Array,
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
} as const;
type TypedArrayName = keyof typeof TYPED_ARRAYS;
type AnyTypedArray = InstanceType<(typeof TYPED_ARRAYS)[TypedArrayName]>;

interface BinaryRef {
  $bin: number;
  type: TypedArrayName;
  offset: number;
  length: number;
}

function typedArrayName(value: unknown): TypedArrayName | null {
  if (!ArrayBuffer.isView(value) || value instanceof DataView) return null;
  const name = value.constructor.name;
  // Node's Buffer is a Uint8Array subclass: send it as one.
  if (name === 'Buffer') return 'Uint8Array';
  return Object.hasOwn(TYPED_ARRAYS, name) ? (name as TypedArrayName) : null;
}

const align8 = (n: number): number => (n + 7) & ~7;

export function encodeFrame(message: unknown): Uint8Array<ArrayBuffer> {
  const chunks: AnyTypedArray[] = [];
  let payloadBytes = 0;
  const header = JSON.stringify(message, function (this: Record<string, unknown>, key, value: unknown) {
    // Read the holder's raw value: JSON.stringify has already applied toJSON(), which turns a Buffer into
    // { type: 'Buffer', data: [...] } before the replacer sees it.
    const raw = this[key];
    const name = typedArrayName(raw);
    if (name === null) return value;
    const arr = raw as AnyTypedArray;
    const ref: BinaryRef = { $bin: chunks.length, type: name, offset: payloadBytes, length: arr.length };
    chunks.push(arr);
    payloadBytes = align8(payloadBytes + arr.byteLength);
    return ref;
  });
  const headerBytes = new TextEncoder().encode(header ?? 'null');
  const payloadStart = align8(4 + headerBytes.byteLength);
  const out = new Uint8Array(payloadStart + payloadBytes);
  new DataView(out.buffer).setUint32(0, headerBytes.byteLength, true);
  out.set(headerBytes, 4);
  let offset = payloadStart;
  for (const arr of chunks) {
    out.set(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength), offset);
    offset = align8(offset + arr.byteLength);
  }
  return out;
}

function isBinaryRef(value: unknown): value is BinaryRef {
  return typeof value === 'object' && value !== null && '$bin' in value && 'type' in value && 'offset' in value;
}

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

export function decodeFrame(frame: ArrayBuffer | Uint8Array): unknown {
  // Copy when the frame is not 8-aligned in its buffer, so typed-array views below are legal.
  let bytes = frame instanceof Uint8Array ? frame : new Uint8Array(frame);
  if (bytes.byteOffset % 8 !== 0) bytes = bytes.slice();
  if (bytes.byteLength < 4) throw new Error('frame too short');
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
  if (4 + headerLength > bytes.byteLength) throw new Error('frame header overruns the frame');
  const header = new TextDecoder().decode(bytes.subarray(4, 4 + headerLength));
  const payloadStart = bytes.byteOffset + align8(4 + headerLength);
  // A frame never lives in a SharedArrayBuffer (sockets and IPC deliver plain ones); the typed-array
  // constructors' union signature accepts only ArrayBuffer.
  const buffer = bytes.buffer as ArrayBuffer;
  return JSON.parse(header, (_key, value: unknown) => {
    if (!isBinaryRef(value)) return value;
    if (!Object.hasOwn(TYPED_ARRAYS, value.type)) throw new Error(`unknown typed array ${String(value.type)}`);
    const Ctor = TYPED_ARRAYS[value.type];
    if (!isCount(value.offset) || !isCount(value.length) || value.offset % 8 !== 0) {
      throw new Error('typed array reference has a bad offset or length');
    }
    const start = payloadStart + value.offset;
    if (start + value.length * Ctor.BYTES_PER_ELEMENT > bytes.byteOffset + bytes.byteLength) {
      throw new Error('typed array overruns the frame');
    }
    return new Ctor(buffer, start, value.length);
  });
}
