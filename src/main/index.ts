/**
 * Electron main: a thin shell around the engine. It creates the engine and one sandboxed window, relays the
 * API over IPC (relay.ts), and adds what only a desktop host has: a menu and a native folder picker.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu } from 'electron';
import { createEngine } from '../core/engine.js';
import { sampleDatasetRoot } from '../core/resources.js';
import type { EngineHost } from '../shared/api/engine.js';
import { datasetArgument } from './launch-args.js';
import { buildMenuTemplate } from './menu.js';
import { electronSqliteBinding, explainStartupFailure } from './native-binding.js';
import { installApiRelay, sendApiEvent, type WebContentsLike } from './relay.js';

// The bundle is out/main/index.js; the preload and renderer builds sit beside it.
const bundleDir = dirname(fileURLToPath(import.meta.url));
const PRELOAD_PATH = join(bundleDir, '../preload/index.cjs');
const RENDERER_HTML = join(bundleDir, '../renderer/index.html');

function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow({
    title: 'Dataset Health',
    width: 1440,
    height: 900,
    show: false,
    webPreferences: {
      preload: PRELOAD_PATH,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  // The page is our bundle only: no pop-ups, no navigating away (a dropped file or a link would replace the app).
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  return window;
}

async function loadRenderer(window: BrowserWindow): Promise<void> {
  // Set by `electron-vite dev`, which serves the renderer with hot reload.
  const devServerUrl = process.env['ELECTRON_RENDERER_URL'];
  if (devServerUrl) await window.loadURL(devServerUrl);
  else await window.loadFile(RENDERER_HTML);
}

/** Closes the engine (its workers and database) before Electron exits; Electron does not wait for promises. */
function closeEngineOnQuit(engine: EngineHost, disposeRelay: () => void): void {
  let closing: Promise<void> | null = null;
  let closed = false;
  app.on('will-quit', (event) => {
    if (closed) return;
    event.preventDefault();
    closing ??= (async () => {
      disposeRelay();
      try {
        await engine.close();
      } catch (err) {
        console.error('dataset-health: closing the engine failed:', err);
      }
      closed = true;
      app.quit();
    })();
  });
}

async function runShell(): Promise<void> {
  await app.whenReady();
  const initialDataset = datasetArgument(process.argv, app.isPackaged, process.cwd()) ?? sampleDatasetRoot();
  const sqliteNativeBinding = electronSqliteBinding(app.getAppPath());
  let engine: EngineHost;
  try {
    // A desktop app writes exports where the user says, like the CLI (the browser-mode server does not).
    engine = await createEngine({ initialDataset, sqliteNativeBinding, allowFileWrites: true });
  } catch (err) {
    console.error('dataset-health: the engine could not start:', err);
    dialog.showErrorBox('Dataset Health could not start', explainStartupFailure(err, sqliteNativeBinding));
    app.exit(1);
    return;
  }

  const window = createMainWindow();
  const pages = (): WebContentsLike[] => (window.isDestroyed() ? [] : [window.webContents]);
  const disposeRelay = installApiRelay({
    ipcMain,
    engine,
    targets: pages,
    isTrustedSender: (event) => !window.isDestroyed() && event.sender === window.webContents,
  });
  closeEngineOnQuit(engine, disposeRelay);
  app.on('window-all-closed', () => app.quit());

  const openDatasetFolder = async (): Promise<void> => {
    const picked = await dialog.showOpenDialog(window, { title: 'Open Dataset Folder', properties: ['openDirectory'] });
    const root = picked.filePaths[0];
    if (!picked.canceled && root !== undefined) sendApiEvent(pages(), 'app.openDataset', { root });
  };
  const menu = buildMenuTemplate({
    isMac: process.platform === 'darwin',
    openDatasetFolder: () => {
      openDatasetFolder().catch((err: unknown) => console.error('dataset-health: folder picker failed:', err));
    },
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(menu));

  await loadRenderer(window);
}

/** Settles when the window has loaded (or start-up failed); tests await it. */
export const shellStarted: Promise<void> = runShell().catch((err: unknown) => {
  console.error('dataset-health: start-up failed:', err);
  app.exit(1);
});
