import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageDecodeError } from './image-decode-error.js';
import { makeThumbnail } from './thumbnail.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'thumbnail-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writePng(name: string, width: number, height: number): Promise<string> {
  const path = join(dir, name);
  await sharp({ create: { width, height, channels: 3, background: '#3366cc' } }).png().toFile(path);
  return path;
}

describe('makeThumbnail', () => {
  it('encodes WebP that fits inside the requested size, keeping the aspect ratio', async () => {
    const thumb = await makeThumbnail(await writePng('wide.png', 300, 200), 64);
    expect(thumb).toBeInstanceOf(Uint8Array);
    const meta = await sharp(thumb).metadata();
    expect(meta.format).toBe('webp');
    expect([meta.width, meta.height]).toEqual([64, 43]);
  });

  it('never enlarges a small image', async () => {
    const meta = await sharp(await makeThumbnail(await writePng('small.png', 28, 20), 256)).metadata();
    expect([meta.width, meta.height]).toEqual([28, 20]);
  });

  it('names the file when it cannot be decoded', async () => {
    const bad = join(dir, 'bad.jpg');
    await writeFile(bad, Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x01, 0x02]));
    const attempt = makeThumbnail(bad, 64);
    await expect(attempt).rejects.toBeInstanceOf(ImageDecodeError);
    await expect(attempt).rejects.toThrow(`Cannot decode image ${bad}`);
  });

  it('rejects a size that is not a positive integer', async () => {
    await expect(makeThumbnail(join(dir, 'wide.png'), 0)).rejects.toThrow(RangeError);
  });
});
