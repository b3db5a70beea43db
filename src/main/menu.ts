import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  isMac: boolean;
  openDatasetFolder(): void;
}

/** The application menu: File > Open Dataset Folder… and Quit, plus the standard Edit and View menus. */
export function buildMenuTemplate(actions: MenuActions): MenuItemConstructorOptions[] {
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      { label: 'Open Dataset Folder…', accelerator: 'CmdOrCtrl+O', click: () => actions.openDatasetFolder() },
      { type: 'separator' },
      actions.isMac ? { role: 'close' } : { role: 'quit' },
    ],
  };
  return [...(actions.isMac ? [{ role: 'appMenu' } as const] : []), file, { role: 'editMenu' }, { role: 'viewMenu' }];
}
