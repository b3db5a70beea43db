/**
 * Main's only API job: relay renderer requests to the engine over IPC and engine events back to the window.
 * Takes ipcMain- and webContents-like objects, so it is tested without Electron.
 */
import { API_EVENT_CHANNEL, API_REQUEST_CHANNEL, type BridgeResponse } from '../shared/api/bridge.js';
import type { ApiEvents, EventName } from '../shared/api/contract.js';
import type { EngineHost } from '../shared/api/engine.js';
import { toErrorEnvelope } from '../shared/api/errors.js';
import { createInProcessTransport } from '../shared/api/in-process-transport.js';

export interface IpcInvokeEventLike {
  sender: unknown;
}

/** The subset of Electron's ipcMain the relay uses. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

/** The subset of Electron's WebContents the relay uses. */
export interface WebContentsLike {
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
}

export interface ApiRelayOptions {
  ipcMain: IpcMainLike;
  engine: EngineHost;
  /** The pages that receive engine events (typed arrays cross by structured clone). */
  targets(): Iterable<WebContentsLike>;
  /** Requests from any other sender (a stray frame or window) are refused. */
  isTrustedSender(event: IpcInvokeEventLike): boolean;
}

function broadcast(targets: Iterable<WebContentsLike>, event: string, payload: unknown): void {
  for (const contents of targets) {
    if (!contents.isDestroyed()) contents.send(API_EVENT_CHANNEL, event, payload);
  }
}

/** Sends one API event to every live target: how the shell raises host events such as 'app.openDataset'. */
export function sendApiEvent<E extends EventName>(targets: Iterable<WebContentsLike>, event: E, payload: ApiEvents[E]): void {
  broadcast(targets, event, payload);
}

/** Installs the relay; the returned function removes the IPC handler and the engine subscription. */
export function installApiRelay(options: ApiRelayOptions): () => void {
  const transport = createInProcessTransport(options.engine);

  options.ipcMain.handle(API_REQUEST_CHANNEL, async (event, method, params): Promise<BridgeResponse> => {
    if (!options.isTrustedSender(event)) {
      return { ok: false, error: { code: 'forbidden', message: 'API requests are accepted from the app window only' } };
    }
    try {
      return { ok: true, result: await transport.request(String(method), params) };
    } catch (err) {
      const error = toErrorEnvelope(err);
      // Expected failures carry an ApiError code; 'internal' means a bug, whose stack belongs in main's log.
      if (error.code === 'internal') console.error(`dataset-health: ${String(method)} failed:`, err);
      return { ok: false, error };
    }
  });

  const unsubscribe = transport.subscribe((event, payload) => broadcast(options.targets(), event, payload));

  return () => {
    unsubscribe();
    options.ipcMain.removeHandler(API_REQUEST_CHANNEL);
  };
}
