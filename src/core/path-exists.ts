import { access } from 'node:fs/promises';

/** Whether anything is at `path` (a file, a folder); false also when it cannot be reached. */
export const pathExists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );
