import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeImage, probeImages } from './probe.js';
import { scanImageFiles } from './scan.js';
import { encodeBmp, rgbPattern } from './test-helpers/bmp-writer.js';
import { FMNIST_10K_DIR, HAS_FMNIST_10K } from '../../../test/fixtures/shared-datasets.js';

let root: string;
const write = (relPath: string, bytes: Uint8Array | string) => {
  mkdirSync(path.dirname(path.join(root, relPath)), { recursive: true });
  writeFileSync(path.join(root, relPath), bytes);
};

/** A noisy image, so encoders cannot shrink it to a few bytes and truncation cuts into pixel data. */
const noise = (width: number, height: number) =>
  sharp(Buffer.from(rgbPattern(width, height).map((v, i) => (v * 31 + i * i) % 256)), { raw: { width, height, channels: 3 } });

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'dh-probe-'));
  const png = await noise(40, 30).png().toBuffer();
  const jpeg = await noise(40, 30).jpeg().toBuffer();
  write('good/a.png', png);
  write('good/b.jpg', jpeg);
  write('good/c.webp', await noise(16, 8).webp().toBuffer());
  write('good/d.gif', await noise(12, 10).gif().toBuffer());
  write('good/e.tiff', await noise(9, 7).tiff().toBuffer());
  write('good/f.bmp', encodeBmp({ width: 7, height: 5, rgb: rgbPattern(7, 5) }));
  write('good/trailing-bytes.jpg', Buffer.concat([jpeg, Buffer.alloc(100, 0x20)]));
  write('bad/empty.png', '');
  write('bad/text.png', 'this is not an image at all, just text');
  write('bad/corrupt-header.png', Buffer.concat([png.subarray(0, 8), Buffer.from('garbage garbage garbage garbage garbage')]));
  write('bad/truncated.png', png.subarray(0, Math.floor(png.length / 2)));
  write('bad/truncated.jpg', jpeg.subarray(0, Math.floor(jpeg.length / 2)));
  write('bad/png-named.jpg', png);
  const bmp = encodeBmp({ width: 7, height: 5, rgb: rgbPattern(7, 5) });
  write('bad/truncated.bmp', bmp.subarray(0, bmp.length - 30));
  const palette = Buffer.from(bmp);
  palette.writeUInt16LE(8, 28);
  write('bad/palette.bmp', palette);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('probeImage', () => {
  it.each([
    ['good/a.png', 'png', 40, 30],
    ['good/b.jpg', 'jpeg', 40, 30],
    ['good/c.webp', 'webp', 16, 8],
    ['good/d.gif', 'gif', 12, 10],
    ['good/e.tiff', 'tiff', 9, 7],
    ['good/f.bmp', 'bmp', 7, 5],
    ['good/trailing-bytes.jpg', 'jpeg', 40, 30],
  ])('reads %s as %s %dx%d without problems', async (file, format, width, height) => {
    const { image, problems } = await probeImage(root, file);
    expect(image).toEqual({ status: 'ok', format, width, height, error: null });
    expect(problems).toEqual([]);
  });

  it.each([
    ['bad/empty.png', 'empty-file', /empty \(0 bytes\)/],
    ['bad/text.png', 'not-an-image', /not an image/],
    ['bad/corrupt-header.png', 'corrupt-image', /corrupt PNG/],
    ['bad/truncated.png', 'truncated-image', /truncated \(no IEND chunk/],
    ['bad/truncated.jpg', 'truncated-image', /truncated \(no end-of-image marker/],
    ['bad/truncated.bmp', 'truncated-image', /truncated: \d+ bytes, its header describes \d+/],
    ['bad/palette.bmp', 'unsupported-image', /8-bit BMP is not supported/],
  ])('marks %s as an error of kind %s, naming the file', async (file, kind, reason) => {
    const { image, problems } = await probeImage(root, file);
    expect(image.status).toBe('error');
    expect(image.error).toMatch(reason);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file, kind });
    expect(problems[0]?.message).toContain(file);
  });

  it('keeps a PNG saved as .jpg, with a mislabelled-extension warning', async () => {
    const { image, problems } = await probeImage(root, 'bad/png-named.jpg');
    expect(image).toEqual({ status: 'ok', format: 'png', width: 40, height: 30, error: null });
    expect(problems).toEqual([
      { file: 'bad/png-named.jpg', kind: 'mislabelled-extension', message: 'bad/png-named.jpg: has extension .jpg but contains a PNG image; it is kept.' },
    ]);
  });

  it('reports a file that vanished after the scan as unreadable', async () => {
    const { image, problems } = await probeImage(root, 'bad/gone.png');
    expect(image.status).toBe('error');
    expect(problems[0]).toMatchObject({ file: 'bad/gone.png', kind: 'unreadable-file' });
  });
});

describe('probeImages', () => {
  it('probes a whole folder with bad files in it: each bad file is one problem, the rest is read', async () => {
    const { files } = await scanImageFiles(root);
    const progress: number[] = [];
    const { images, problems } = await probeImages(root, files, { onProgress: (n) => progress.push(n), progressEvery: 5 });

    expect(images).toHaveLength(files.length);
    const okPaths = files.filter((_, i) => images[i]?.status === 'ok').map((f) => f.path);
    expect(okPaths).toEqual(['bad/png-named.jpg', ...files.filter((f) => f.path.startsWith('good/')).map((f) => f.path)]);
    expect(problems.map((p) => `${p.file} ${p.kind}`).sort()).toEqual([
      'bad/corrupt-header.png corrupt-image',
      'bad/empty.png empty-file',
      'bad/palette.bmp unsupported-image',
      'bad/png-named.jpg mislabelled-extension',
      'bad/text.png not-an-image',
      'bad/truncated.bmp truncated-image',
      'bad/truncated.jpg truncated-image',
      'bad/truncated.png truncated-image',
    ]);
    expect(progress.at(-1)).toBe(files.length);
  });

  it.skipIf(!HAS_FMNIST_10K)('probes the 10,000 Fashion-MNIST PNGs in a few seconds', async () => {
    const fmnist = FMNIST_10K_DIR;
    const startedMs = performance.now();
    const { files } = await scanImageFiles(fmnist);
    const { images, problems } = await probeImages(fmnist, files);
    const elapsedMs = performance.now() - startedMs;

    expect(files).toHaveLength(10_000);
    expect(problems).toEqual([]);
    expect(images.every((im) => im.status === 'ok' && im.format === 'png' && im.width === 28 && im.height === 28)).toBe(true);
    expect(elapsedMs).toBeLessThan(15_000);
  });
});
