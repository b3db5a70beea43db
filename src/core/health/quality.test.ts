import { rm } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NumberColumn } from '../../shared/model/scores.js';
import { makeTempDir, noiseRgb, texturedGray, writeRaw, writeSolid } from './image-fixtures.js';
import { blurScore, qualityFlags } from './quality-flags.js';
import { imageQualityStats, QUALITY_STATS_DIM, QualityStat } from './quality-stats.js';

let dir: string;
const stats = new Map<string, Float32Array>();

beforeAll(async () => {
  dir = await makeTempDir();
  const files: Record<string, string> = {
    black: await writeSolid(dir, 'black.png', 64, 64, [0, 0, 0]),
    white: await writeSolid(dir, 'white.png', 64, 64, [255, 255, 255]),
    noise: await writeRaw(dir, 'noise.png', noiseRgb(64, 64, 1), 64, 64, 3),
    wide: await writeRaw(dir, 'wide.png', noiseRgb(1000, 100, 2), 1000, 100, 3),
    sharpTexture: await writeRaw(dir, 'sharp.png', texturedGray(256, 256, 32), 256, 256, 1),
    grayAsRgb: path.join(dir, 'gray-rgb.jpg'),
    blurred: path.join(dir, 'blurred.png'),
  };
  await sharp(texturedGray(256, 256, 32), { raw: { width: 256, height: 256, channels: 1 } }).blur(6).png().toFile(files.blurred as string);
  // Gray content saved as a 3-channel JPEG: equal channels up to compression noise.
  await sharp(texturedGray(128, 128, 1), { raw: { width: 128, height: 128, channels: 1 } })
    .toColourspace('srgb')
    .jpeg({ quality: 90 })
    .toFile(files.grayAsRgb as string);
  for (const [name, file] of Object.entries(files)) stats.set(name, await imageQualityStats(file));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function row(name: string): Float32Array {
  const value = stats.get(name);
  if (value === undefined) throw new Error(`no stats for ${name}`);
  return value;
}

/** Flags of the named images, computed together (odd size compares images with each other). */
function flagsOf(names: string[]): Map<string, NumberColumn> {
  const all = new Float32Array(names.length * QUALITY_STATS_DIM);
  names.forEach((name, i) => all.set(row(name), i * QUALITY_STATS_DIM));
  return new Map(qualityFlags(all, names.length).map((c) => [c.name, c]));
}

const NAMES = ['black', 'white', 'noise', 'wide', 'sharpTexture', 'blurred', 'grayAsRgb'];

function flag(column: string, name: string): number {
  const values = flagsOf(NAMES).get(column)?.values;
  if (values === undefined) throw new Error(`no column ${column}`);
  return values[NAMES.indexOf(name)] as number;
}

describe('imageQualityStats', () => {
  it('measures brightness percentiles, size and channel spread', () => {
    expect(row('black')[QualityStat.brightnessP99]).toBe(0);
    expect(row('white')[QualityStat.brightnessP5]).toBeCloseTo(1, 5);
    expect(row('wide')[QualityStat.widthPx]).toBe(1000);
    expect(row('wide')[QualityStat.heightPx]).toBe(100);
    expect(row('sharpTexture')[QualityStat.channelSpreadP99]).toBe(0);
    expect(row('noise')[QualityStat.channelSpreadP99]).toBeGreaterThan(200);
    // RGB noise: three bands of ~8 bits each, concatenated histograms: about 8 + log2(3) bits.
    expect(row('noise')[QualityStat.entropyBits]).toBeGreaterThan(9);
    expect(row('black')[QualityStat.entropyBits]).toBeCloseTo(Math.log2(3), 5);
  });
});

describe('qualityFlags', () => {
  it('flags a black image dark and a white one light, not the other way round', () => {
    expect(flag('dark', 'black')).toBe(1);
    expect(flag('light', 'black')).toBe(0);
    expect(flag('light', 'white')).toBe(1);
    expect(flag('dark', 'white')).toBe(0);
    expect(flag('dark', 'noise')).toBe(0);
    expect(flag('light', 'noise')).toBe(0);
  });

  it('flags a blurred picture blurry but not its sharp original', () => {
    expect(flag('blurry', 'blurred')).toBe(1);
    expect(flag('blurry', 'sharpTexture')).toBe(0);
    expect(flag('blurry', 'noise')).toBe(0);
    // A flat image has no edges but a one-bin histogram: CleanVision does not call it blurry.
    expect(flag('blurry', 'black')).toBe(0);
  });

  it('flags low information for a flat image, not for noise', () => {
    expect(flag('low_information', 'black')).toBe(1);
    expect(flag('low_information', 'noise')).toBe(0);
    expect(flag('low_information', 'sharpTexture')).toBe(0);
  });

  it('flags a 1000×100 image as odd aspect ratio', () => {
    expect(flag('odd_aspect_ratio', 'wide')).toBe(1);
    expect(flag('odd_aspect_ratio', 'noise')).toBe(0);
  });

  it('flags grayscale files and gray JPEGs stored as RGB, not colour noise', () => {
    expect(flag('grayscale', 'sharpTexture')).toBe(1);
    expect(flag('grayscale', 'grayAsRgb')).toBe(1);
    expect(flag('grayscale', 'noise')).toBe(0);
  });

  it('flags odd sizes against the dataset: one huge image among many small ones', () => {
    const rows = 20;
    const all = new Float32Array(rows * QUALITY_STATS_DIM);
    for (let i = 0; i < rows; i++) {
      all.set(row('noise'), i * QUALITY_STATS_DIM);
      all[i * QUALITY_STATS_DIM + QualityStat.widthPx] = 60 + (i % 5);
      all[i * QUALITY_STATS_DIM + QualityStat.heightPx] = 64;
    }
    all[QualityStat.widthPx] = 4000;
    all[QualityStat.heightPx] = 3000;
    const oddSize = qualityFlags(all, rows).find((c) => c.name === 'odd_size')?.values;
    expect(oddSize?.[0]).toBe(1);
    expect(oddSize?.subarray(1).every((v) => v === 0)).toBe(true);
  });

  it('gives NaN for an image without stats and checks the shape', () => {
    const all = new Float32Array(2 * QUALITY_STATS_DIM);
    all.set(row('noise'));
    all.fill(NaN, QUALITY_STATS_DIM);
    const columns = qualityFlags(all, 2);
    for (const column of columns) {
      expect(Number.isNaN(column.values[1])).toBe(true);
      expect(Number.isNaN(column.values[0])).toBe(false);
    }
    expect(() => qualityFlags(new Float32Array(3), 1)).toThrow(RangeError);
    expect(columns.map((c) => c.name)).toEqual([
      'dark', 'dark_score', 'light', 'light_score', 'blurry', 'blurry_score', 'low_information',
      'low_information_score', 'odd_size', 'odd_aspect_ratio', 'aspect_ratio_score', 'grayscale',
    ]);
  });

  it("computes CleanVision's blur score: edge part plus the histogram part above its threshold", () => {
    expect(blurScore(0, 0)).toBe(0);
    expect(blurScore(10, 10)).toBeCloseTo(1 - Math.exp(-0.1), 6);
    expect(blurScore(10, 100)).toBeCloseTo(Math.min(1, 2 - Math.exp(-0.1) - Math.exp(-1)), 6);
  });
});
