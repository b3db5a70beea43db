/**
 * The engine's side of the WebSocket protocol: binary frames (shared codec) carrying WireMessages.
 * Requests become engine calls; engine events are broadcast to every connected socket.
 */
import { WebSocket, type RawData } from 'ws';
import { decodeFrame, encodeFrame } from '../shared/api/codec.js';
import type { EngineHost } from '../shared/api/engine.js';
import { toErrorEnvelope } from '../shared/api/errors.js';
import { createInProcessTransport } from '../shared/api/in-process-transport.js';
import type { WireMessage } from '../shared/api/protocol.js';

type RequestMessage = Extract<WireMessage, { t: 'req' }>;

// Close codes from RFC 6455.
const CLOSE_UNSUPPORTED_DATA = 1003;
const CLOSE_INVALID_PAYLOAD = 1007;
const CLOSE_GOING_AWAY = 1001;

export interface SocketHost {
  /** Serves one accepted socket until it closes. */
  attach(socket: WebSocket): void;
  /**
   * Stops forwarding engine events and closes every socket, cutting off any that has not finished the closing
   * handshake after `graceMs`. The engine itself stays open.
   */
  close(graceMs?: number): Promise<void>;
}

function isRequest(msg: unknown): msg is RequestMessage {
  if (typeof msg !== 'object' || msg === null) return false;
  const m = msg as Record<string, unknown>;
  return m['t'] === 'req' && typeof m['id'] === 'number' && typeof m['method'] === 'string';
}

/** Encodes `message`, or a failure reply for the same request when the result cannot be encoded. */
function encodeReply(message: WireMessage & { t: 'res' }): Uint8Array {
  try {
    return encodeFrame(message);
  } catch (err) {
    console.error(`dataset-health server: cannot encode the reply to request ${message.id}:`, err);
    return encodeFrame({ t: 'res', id: message.id, ok: false, error: toErrorEnvelope(err) } satisfies WireMessage);
  }
}

function toBytes(data: RawData): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  return data;
}

export function createSocketHost(engine: EngineHost): SocketHost {
  const transport = createInProcessTransport(engine);
  const sockets = new Set<WebSocket>();

  // One subscription for the host's lifetime: each event is encoded once, whatever the number of sockets.
  const unsubscribe = transport.subscribe((event, payload) => {
    if (sockets.size === 0) return;
    let frame: Uint8Array;
    try {
      frame = encodeFrame({ t: 'evt', event, payload } satisfies WireMessage);
    } catch (err) {
      console.error(`dataset-health server: cannot encode event '${event}':`, err);
      return;
    }
    for (const socket of sockets) {
      if (socket.readyState === WebSocket.OPEN) socket.send(frame);
    }
  });

  async function answer(socket: WebSocket, request: RequestMessage): Promise<void> {
    let reply: WireMessage & { t: 'res' };
    try {
      const result = await transport.request(request.method, request.params);
      reply = { t: 'res', id: request.id, ok: true, result };
    } catch (err) {
      const error = toErrorEnvelope(err);
      // Expected failures carry an ApiError code; 'internal' means a bug, whose stack belongs in the host's log.
      if (error.code === 'internal') console.error(`dataset-health server: ${request.method} failed:`, err);
      reply = { t: 'res', id: request.id, ok: false, error };
    }
    if (socket.readyState === WebSocket.OPEN) socket.send(encodeReply(reply));
  }

  function onMessage(socket: WebSocket, data: RawData, isBinary: boolean): void {
    if (!isBinary) {
      socket.close(CLOSE_UNSUPPORTED_DATA, 'binary frames only');
      return;
    }
    let message: unknown;
    try {
      message = decodeFrame(toBytes(data));
    } catch {
      socket.close(CLOSE_INVALID_PAYLOAD, 'unreadable frame');
      return;
    }
    if (!isRequest(message)) {
      socket.close(CLOSE_INVALID_PAYLOAD, 'expected a request');
      return;
    }
    void answer(socket, message);
  }

  return {
    attach(socket) {
      // An ArrayBuffer starts at offset 0, so the codec can view its typed arrays without another copy.
      socket.binaryType = 'arraybuffer';
      sockets.add(socket);
      socket.on('message', (data, isBinary) => onMessage(socket, data, isBinary));
      socket.on('close', () => sockets.delete(socket));
      // A socket error is followed by 'close'; the listener only keeps it from being an uncaught exception.
      socket.on('error', () => {});
    },
    async close(graceMs = 1000) {
      unsubscribe();
      const closing = [...sockets].map(
        (socket) =>
          new Promise<void>((resolveClosed) => {
            if (socket.readyState === WebSocket.CLOSED) return resolveClosed();
            const cutOff = setTimeout(() => socket.terminate(), graceMs);
            socket.once('close', () => {
              clearTimeout(cutOff);
              resolveClosed();
            });
            socket.close(CLOSE_GOING_AWAY, 'server closing');
          }),
      );
      await Promise.all(closing);
    },
  };
}
