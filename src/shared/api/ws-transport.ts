import { decodeFrame, encodeFrame } from './codec.js';
import { fromErrorEnvelope, ApiError } from './errors.js';
import type { WireMessage } from './protocol.js';
import type { Transport } from './transport.js';

/** The subset of the WebSocket interface we use: satisfied by the browser's and by the `ws` package's. */
export interface WebSocketLike {
  binaryType: string;
  readyState: number;
  send(data: Uint8Array): void;
  close(): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (ev: { data: unknown }) => void): void;
}

const OPEN = 1;

/** Client side of the WebSocket host. Requests made before the socket opens wait for it. */
export function createWebSocketTransport(socket: WebSocketLike): Transport {
  socket.binaryType = 'arraybuffer';
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners = new Set<(event: string, payload: unknown) => void>();
  // Set once the socket has closed: sends on a closed socket are dropped silently, so requests must fail fast.
  let closedError: ApiError | null = null;
  const opened = new Promise<void>((resolve, reject) => {
    if (socket.readyState === OPEN) resolve();
    socket.addEventListener('open', () => resolve());
    socket.addEventListener('error', () => reject(new ApiError('transport', 'WebSocket connection failed')));
    socket.addEventListener('close', () => reject(new ApiError('transport', 'connection closed')));
  });
  // Every request awaits `opened` and gets this failure; the handler only keeps an unused rejection from being reported as unhandled.
  opened.catch(() => {});

  socket.addEventListener('message', (ev) => {
    const data = ev.data;
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : (data as Uint8Array);
    let msg: WireMessage;
    try {
      msg = decodeFrame(bytes) as WireMessage;
    } catch (err) {
      // A frame we cannot read means the peer speaks another protocol: nothing after it can be trusted either.
      console.error('dataset-health: dropping connection after an unreadable frame:', err);
      socket.close();
      return;
    }
    // Each message is handled in a task of its own, in arrival order, as browsers deliver them. Node's `ws` emits
    // every frame of a TCP chunk in one synchronous loop, which would run an event's listeners before the code
    // awaiting the reply that preceded it resumes.
    const message = msg;
    setTimeout(() => dispatch(message), 0);
  });
  const dispatch = (msg: WireMessage): void => {
    if (msg.t === 'evt') {
      for (const l of listeners) l(msg.event, msg.payload);
    } else if (msg.t === 'res') {
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(fromErrorEnvelope(msg.error));
    }
  };
  socket.addEventListener('close', () => {
    closedError = new ApiError('transport', 'connection closed');
    // Queued behind the messages that arrived before the close, so their replies still land.
    setTimeout(() => {
      for (const p of pending.values()) p.reject(closedError as ApiError);
      pending.clear();
    }, 0);
  });

  return {
    async request(method, params) {
      await opened;
      if (closedError) throw closedError;
      const id = nextId++;
      const frame = encodeFrame({ t: 'req', id, method, params } satisfies WireMessage);
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        socket.send(frame);
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      socket.close();
    },
  };
}
