import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { createFakeEngine, type FakeEngine } from '../server/test-engine.js';

/** Everything the shell touches in Electron, recorded. Created fresh per test (see beforeEach). */
function fakeElectron() {
  const appListeners = new Map<string, (event: { preventDefault(): void }) => void>();
  const windows: FakeWindow[] = [];
  let menuTemplate: MenuItemConstructorOptions[] = [];
  const handlers = new Map<string, (event: { sender: unknown }, ...args: unknown[]) => unknown>();

  class FakeWindow {
    options: Record<string, unknown>;
    destroyed = false;
    webContents = {
      sent: [] as unknown[][],
      send: (...args: unknown[]) => this.webContents.sent.push(args),
      isDestroyed: () => this.destroyed,
      setWindowOpenHandler: vi.fn(),
      on: vi.fn(),
    };
    loadFile = vi.fn(async () => {});
    loadURL = vi.fn(async () => {});
    constructor(options: Record<string, unknown>) {
      this.options = options;
      windows.push(this);
    }
    once() {}
    show() {}
    isDestroyed() {
      return this.destroyed;
    }
  }

  const electron = {
    app: {
      whenReady: async () => {},
      isPackaged: false,
      getAppPath: () => '/nonexistent-app-dir',
      on: (name: string, listener: (event: { preventDefault(): void }) => void) => void appListeners.set(name, listener),
      quit: vi.fn(),
      exit: vi.fn(),
    },
    BrowserWindow: FakeWindow,
    ipcMain: {
      handle: (channel: string, h: (event: { sender: unknown }, ...args: unknown[]) => unknown) => void handlers.set(channel, h),
      removeHandler: (channel: string) => void handlers.delete(channel),
    },
    Menu: {
      buildFromTemplate: (template: MenuItemConstructorOptions[]) => {
        menuTemplate = template;
        return { template };
      },
      setApplicationMenu: vi.fn(),
    },
    dialog: {
      showOpenDialog: vi.fn(async () => ({ canceled: false, filePaths: ['/picked/folder'] })),
      showErrorBox: vi.fn(),
    },
  };
  return { electron, windows, appListeners, handlers, menu: () => menuTemplate };
}

let fake: ReturnType<typeof fakeElectron>;
let engine: FakeEngine;
const createEngine = vi.fn();


const originalArgv = process.argv;

beforeEach(() => {
  vi.resetModules();
  fake = fakeElectron();
  // doMock (not vi.mock): a fresh fake per test, picked up by the fresh import of ./index.js below.
  vi.doMock('electron', () => fake.electron);
  vi.doMock('../core/engine.js', () => ({ createEngine }));
  engine = createFakeEngine();
  createEngine.mockReset();
  createEngine.mockResolvedValue(engine);
  process.argv = ['/bin/electron', '/app', 'datasets/cats'];
});

afterEach(() => {
  process.argv = originalArgv;
});

async function startShell(): Promise<void> {
  const shell = await import('./index.js');
  await shell.shellStarted;
}

describe('Electron main', () => {
  it('creates one sandboxed, isolated window with the CommonJS preload and loads the built renderer', async () => {
    await startShell();
    expect(fake.windows).toHaveLength(1);
    const window = fake.windows[0]!;
    expect(window.options['webPreferences']).toEqual({
      preload: expect.stringMatching(/[/\\]preload[/\\]index\.cjs$/),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    });
    expect(window.loadFile).toHaveBeenCalledWith(expect.stringMatching(/[/\\]renderer[/\\]index\.html$/));
    expect(window.webContents.setWindowOpenHandler).toHaveBeenCalled();
  });

  it('opens the dataset named on the command line, without an Electron sqlite build when none exists', async () => {
    await startShell();
    expect(createEngine).toHaveBeenCalledWith({
      initialDataset: `${process.cwd()}/datasets/cats`,
      sqliteNativeBinding: undefined,
      allowFileWrites: true,
    });
  });

  it('opens the bundled sample without a dataset argument', async () => {
    process.argv = ['/bin/electron', '/app'];
    await startShell();
    expect(createEngine.mock.calls[0]?.[0]).toMatchObject({ initialDataset: expect.stringMatching(/resources[/\\]sample/) });
  });

  it('relays API requests from the window to the engine', async () => {
    await startShell();
    const handle = fake.handlers.get('api:request')!;
    const sender = fake.windows[0]!.webContents;
    await expect(handle({ sender }, 'app.info', {})).resolves.toMatchObject({ ok: true, result: { version: '0.0.0-test' } });
    await expect(handle({ sender: {} }, 'app.info', {})).resolves.toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('forwards engine events to the window', async () => {
    await startShell();
    engine.emit('dataset.changed', { datasetId: 'd1' });
    expect(fake.windows[0]!.webContents.sent).toContainEqual(['api:event', 'dataset.changed', { datasetId: 'd1' }]);
  });

  it('File > Open Dataset Folder… asks the page to open the picked folder', async () => {
    await startShell();
    const file = fake.menu().find((m) => m.label === 'File')!;
    const open = (file.submenu as MenuItemConstructorOptions[]).find((i) => i.label === 'Open Dataset Folder…')!;
    (open.click as () => void)();
    await vi.waitFor(() =>
      expect(fake.windows[0]!.webContents.sent).toContainEqual(['api:event', 'app.openDataset', { root: '/picked/folder' }]),
    );
  });

  it('sends nothing when the folder picker is cancelled', async () => {
    await startShell();
    fake.electron.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: true, filePaths: [] });
    const file = fake.menu().find((m) => m.label === 'File')!;
    ((file.submenu as MenuItemConstructorOptions[])[0]!.click as () => void)();
    await new Promise((r) => setTimeout(r, 10));
    expect(fake.windows[0]!.webContents.sent.filter((m) => m[1] === 'app.openDataset')).toEqual([]);
  });

  it('closes the engine before quitting', async () => {
    await startShell();
    const close = vi.spyOn(engine, 'close');
    const preventDefault = vi.fn();
    fake.appListeners.get('will-quit')!({ preventDefault });
    expect(preventDefault).toHaveBeenCalled();
    await vi.waitFor(() => expect(fake.electron.app.quit).toHaveBeenCalled());
    expect(close).toHaveBeenCalledTimes(1);
    expect(engine.listenerCount()).toBe(0);
    // The second will-quit (from app.quit above) goes through.
    const second = vi.fn();
    fake.appListeners.get('will-quit')!({ preventDefault: second });
    expect(second).not.toHaveBeenCalled();
  });

  it('explains a failed start in a dialog and exits', async () => {
    createEngine.mockRejectedValueOnce(new Error('was compiled against a different Node.js version using NODE_MODULE_VERSION 115'));
    vi.spyOn(console, 'error').mockImplementation(() => {});
    await startShell();
    expect(fake.electron.dialog.showErrorBox).toHaveBeenCalledWith(
      'Dataset Health could not start',
      expect.stringContaining('npm run rebuild:electron'),
    );
    expect(fake.electron.app.exit).toHaveBeenCalledWith(1);
    expect(fake.windows).toHaveLength(0);
  });
});
