import { closeSync, mkdtempSync, openSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closePixelFiles, openPixelFiles, readPixelFile, writePixelFile } from './pixel-files.js';

const dirs: string[] = [];
const freshDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'pixel-files-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe.runIf(process.platform === 'linux')('pixel files', () => {
  it('are open but already unlinked, so nothing is left behind however the processes end', () => {
    const dir = freshDir();
    const fds = openPixelFiles(2, dir);
    expect(fds).toHaveLength(2);
    expect(readdirSync(dir)).toEqual([]);
    closePixelFiles(fds ?? []);
  });

  it('carry bytes and floats exactly, a shorter chunk over a longer one', () => {
    const [fd] = openPixelFiles(1, freshDir()) ?? [];
    if (fd === undefined) throw new Error('no pixel file');
    const bytes = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 7) & 255);
    expect(writePixelFile(fd, bytes)).toBe(true);
    expect(readPixelFile(fd, 'rgb-u8', bytes.byteLength)).toEqual(bytes);
    // A view into a larger array writes only its own elements.
    const floats = new Float32Array(1000).map((_, i) => i / 3 - 100).subarray(10, 510);
    expect(writePixelFile(fd, floats)).toBe(true);
    const back = readPixelFile(fd, 'clip-f32', floats.byteLength);
    expect(back).toBeInstanceOf(Float32Array);
    expect(back).toEqual(floats);
    closePixelFiles([fd]);
  });

  it('refuse a length past the end or not a whole float, and a write to a closed file says so', () => {
    const [fd] = openPixelFiles(1, freshDir()) ?? [];
    if (fd === undefined) throw new Error('no pixel file');
    writePixelFile(fd, new Uint8Array(100));
    expect(() => readPixelFile(fd, 'rgb-u8', 200)).toThrow('the pixel file ends at 100 of 200 bytes');
    expect(() => readPixelFile(fd, 'clip-f32', 6)).toThrow('is not clip-f32');
    closePixelFiles([fd]);
    expect(writePixelFile(fd, new Uint8Array(10))).toBe(false);
    const dir = freshDir();
    closeSync(openSync(join(dir, 'read-only'), 'w'));
    const readOnly = openSync(join(dir, 'read-only'), 'r');
    expect(writePixelFile(readOnly, new Uint8Array(10))).toBe(false);
    closeSync(readOnly);
  });

  it('are not made where the directory is missing or is a file', () => {
    const dir = freshDir();
    expect(openPixelFiles(2, join(dir, 'missing'))).toBeNull();
    closeSync(openSync(join(dir, 'file'), 'w'));
    expect(openPixelFiles(2, join(dir, 'file'))).toBeNull();
  });
});

describe.runIf(process.platform !== 'linux')('pixel files off Linux', () => {
  it('are not used: pixels travel over IPC', () => {
    expect(openPixelFiles(2, tmpdir())).toBeNull();
  });
});
