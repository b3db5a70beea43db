/**
 * Runs sandboxed in the renderer (built as CommonJS, the only form a sandboxed preload can be) and exposes
 * the narrow API bridge as `window.datasetHealth`. Nothing else of Electron or Node reaches the page.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_GLOBAL_NAME } from '../shared/api/bridge.js';
import { createPreloadBridge } from './bridge.js';

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL_NAME, createPreloadBridge(ipcRenderer));
