import { describe, expect, it, vi } from 'vitest';
import { buildMenuTemplate } from './menu.js';

describe('buildMenuTemplate', () => {
  it('has File > Open Dataset Folder… (Ctrl/Cmd+O) and Quit on Windows and Linux', () => {
    const openDatasetFolder = vi.fn();
    const template = buildMenuTemplate({ isMac: false, openDatasetFolder });
    expect(template.map((m) => m.label ?? m.role)).toEqual(['File', 'editMenu', 'viewMenu']);
    const [open, , quit] = template[0]!.submenu as { label?: string; accelerator?: string; role?: string; click?: () => void }[];
    expect(open).toMatchObject({ label: 'Open Dataset Folder…', accelerator: 'CmdOrCtrl+O' });
    open!.click!();
    expect(openDatasetFolder).toHaveBeenCalledTimes(1);
    expect(quit).toEqual({ role: 'quit' });
  });

  it('puts Quit in the app menu on macOS, where File ends with Close', () => {
    const template = buildMenuTemplate({ isMac: true, openDatasetFolder: () => {} });
    expect(template.map((m) => m.label ?? m.role)).toEqual(['appMenu', 'File', 'editMenu', 'viewMenu']);
    expect((template[1]!.submenu as { role?: string }[]).at(-1)).toEqual({ role: 'close' });
  });
});
