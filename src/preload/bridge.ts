/** The preload's half of the bridge: IPC calls to main, kept free of Electron imports so it is testable. */
import { API_EVENT_CHANNEL, API_REQUEST_CHANNEL, type BridgeResponse, type DatasetHealthBridge } from '../shared/api/bridge.js';

/** The subset of Electron's ipcRenderer the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export function createPreloadBridge(ipc: IpcRendererLike): DatasetHealthBridge {
  return {
    request(method, params) {
      return ipc.invoke(API_REQUEST_CHANNEL, method, params) as Promise<BridgeResponse>;
    },
    onEvent(listener) {
      // Wrapped so the renderer never receives the IPC event object (it carries the sender).
      const forward = (_event: unknown, name: unknown, payload: unknown) => listener(String(name), payload);
      ipc.on(API_EVENT_CHANNEL, forward);
      return () => {
        ipc.removeListener(API_EVENT_CHANNEL, forward);
      };
    },
  };
}
