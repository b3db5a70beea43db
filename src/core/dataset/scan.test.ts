import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scanImageFiles } from './scan.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'dh-scan-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function file(relPath: string, content = 'x'): void {
  mkdirSync(path.dirname(path.join(root, relPath)), { recursive: true });
  writeFileSync(path.join(root, relPath), content);
}

describe('scanImageFiles', () => {
  it('lists image files recursively, sorted, with forward slashes, size and mtime', async () => {
    file('b/z.PNG', '12345');
    file('a/deep/er/x.jpeg');
    file('root.webp');
    for (const ext of ['jpg', 'gif', 'bmp', 'tif', 'TIFF', 'Jpg']) file(`many/f.${ext}`);
    file('notes.txt');
    file('labels.csv');
    file('a/noext');
    utimesSync(path.join(root, 'b/z.PNG'), 1_700_000_000, 1_700_000_000);

    const { files, problems } = await scanImageFiles(root);

    expect(files.map((f) => f.path)).toEqual([
      'a/deep/er/x.jpeg',
      'b/z.PNG',
      'many/f.Jpg',
      'many/f.TIFF',
      'many/f.bmp',
      'many/f.gif',
      'many/f.jpg',
      'many/f.tif',
      'root.webp',
    ]);
    expect(files.find((f) => f.path === 'b/z.PNG')).toEqual({ path: 'b/z.PNG', sizeBytes: 5, mtimeMs: 1_700_000_000_000 });
    expect(problems).toEqual([]);
  });

  it('skips hidden files and folders', async () => {
    file('.hidden.png');
    file('.cache/a.png');
    file('visible/.b.png');
    file('visible/c.png');
    const { files } = await scanImageFiles(root);
    expect(files.map((f) => f.path)).toEqual(['visible/c.png']);
  });

  it('follows links but walks a folder reached twice only once, and reports broken links', async () => {
    file('real/a.png');
    symlinkSync(path.join(root, 'real'), path.join(root, 'real', 'loop'));
    symlinkSync(root, path.join(root, 'real', 'up'));
    symlinkSync(path.join(root, 'missing.png'), path.join(root, 'dangling.png'));

    const { files, problems } = await scanImageFiles(root);

    expect(files.map((f) => f.path)).toEqual(['real/a.png']);
    expect(problems).toEqual([expect.objectContaining({ file: 'dangling.png', kind: 'broken-link' })]);
  });

  it('reports progress and stops on abort', async () => {
    for (let i = 0; i < 5; i += 1) file(`d${i}/${i}.png`);
    const seen: number[] = [];
    await scanImageFiles(root, { onProgress: (n) => seen.push(n) });
    expect(seen.at(-1)).toBe(5);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));

    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(scanImageFiles(root, { signal: controller.signal })).rejects.toThrow('stop');
  });

  it('throws a named error when the root is not a folder', async () => {
    await expect(scanImageFiles(path.join(root, 'nope'))).rejects.toMatchObject({ code: 'dataset-root-unreadable' });
    file('f.png');
    await expect(scanImageFiles(path.join(root, 'f.png'))).rejects.toMatchObject({ code: 'dataset-root-not-folder' });
  });
});
