import { copyFile, rm } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBmp } from '../dataset/test-helpers/bmp-writer.js';
import { duplicateColumn, exactDuplicates, pixelHash } from './duplicates.js';
import { makeTempDir, noiseRgb, texturedGray, writeBytes, writeRaw } from './image-fixtures.js';
import { runPixelChecks } from './pixel-checks.js';
import { QUALITY_STATS_DIM } from './quality-stats.js';

let dir: string;
const files: Record<string, string> = {};

beforeAll(async () => {
  dir = await makeTempDir();
  const pixels = noiseRgb(32, 24, 5);
  files.original = await writeRaw(dir, 'a.png', pixels, 32, 24, 3);
  files.recompressed = path.join(dir, 'b.png');
  await sharp(pixels, { raw: { width: 32, height: 24, channels: 3 } }).png({ compressionLevel: 0 }).toFile(files.recompressed);
  files.bmp = await writeBytes(dir, 'c.bmp', encodeBmp({ width: 32, height: 24, rgb: pixels }));
  files.copy = path.join(dir, 'd.png');
  await copyFile(files.original, files.copy);
  files.other = await writeRaw(dir, 'e.png', noiseRgb(32, 24, 6), 32, 24, 3);
  // The same pixels with the other dimensions (24 × 32) must not match.
  files.transposedShape = await writeRaw(dir, 'f.png', pixels, 24, 32, 3);
  const gray = texturedGray(40, 40, 1);
  files.gray = await writeRaw(dir, 'g.png', gray, 40, 40, 1);
  files.grayAsRgb = path.join(dir, 'h.png');
  await sharp(gray, { raw: { width: 40, height: 40, channels: 1 } }).toColourspace('srgb').png().toFile(files.grayAsRgb);
  files.corrupt = await writeBytes(dir, 'broken.png', 'not a png');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('pixelHash', () => {
  it('matches re-encoded, BMP and byte-identical copies, and gray stored as RGB', async () => {
    const hash = async (name: string): Promise<string> => pixelHash(files[name] as string);
    const original = await hash('original');
    expect(await hash('recompressed')).toBe(original);
    expect(await hash('bmp')).toBe(original);
    expect(await hash('copy')).toBe(original);
    expect(await hash('other')).not.toBe(original);
    expect(await hash('transposedShape')).not.toBe(original);
    expect(await hash('grayAsRgb')).toBe(await hash('gray'));
  });

  it('rejects an undecodable file with an error naming it', async () => {
    await expect(pixelHash(files.corrupt as string)).rejects.toThrow(/broken\.png/);
  });
});

describe('exactDuplicates', () => {
  it('points every copy at the first image with the same hash', () => {
    const duplicateOf = exactDuplicates(['x', 'y', 'x', null, 'y', 'x', 'z']);
    expect([...duplicateOf]).toEqual([-1, -1, 0, -1, 1, 0, -1]);
    const column = duplicateColumn(duplicateOf);
    expect(column.name).toBe('duplicate_of');
    expect([...column.values].map((v) => (Number.isNaN(v) ? null : v))).toEqual([null, null, 0, null, 1, 0, null]);
  });
});

describe('runPixelChecks', () => {
  it('computes stats and hashes in one decode, and reports a corrupt file without stopping', async () => {
    const names = ['original', 'corrupt', 'copy'];
    const progress: number[] = [];
    const result = await runPixelChecks(
      names.map((n) => files[n] as string),
      ['a.png', 'broken.png', 'd.png'],
      { concurrency: 2, onProgress: (done) => progress.push(done) },
    );
    expect(result.hashes[0]).toBe(result.hashes[2]);
    expect(result.hashes[1]).toBeNull();
    expect([...exactDuplicates(result.hashes)]).toEqual([-1, -1, 0]);
    expect(result.problems).toEqual([expect.objectContaining({ file: 'broken.png', kind: 'corrupt-image' })]);
    expect(result.stats.subarray(QUALITY_STATS_DIM, 2 * QUALITY_STATS_DIM).every(Number.isNaN)).toBe(true);
    expect(result.stats[0]).toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(3);
  });
});
