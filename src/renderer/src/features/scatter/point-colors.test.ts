import { describe, expect, it } from 'vitest';
import { fillPointColors } from './point-colors';
import { categoricalColor, MISSING_COLOR, RIGHT_COLOR, UNKNOWN_COLOR, WRONG_COLOR } from './palette';

const columns = {
  label: Int32Array.from([0, 1, 2, -1, 7]),
  predicted: Int32Array.from([0, 2, -1, 1, 1]),
  correct: Int8Array.from([1, 0, -1, -1, 0]),
};
const identity = Uint32Array.from([0, 1, 2, 3, 4]);

const colorAt = (bytes: Uint8Array, k: number): number[] => Array.from(bytes.subarray(k * 4, k * 4 + 4));

describe('fillPointColors', () => {
  it('colours mistakes red, right muted and unknown grey in error mode', () => {
    const out = fillPointColors(columns, 3, 'error', identity, new Uint8Array(20));
    expect(colorAt(out, 0)).toEqual([...RIGHT_COLOR]);
    expect(colorAt(out, 1)).toEqual([...WRONG_COLOR]);
    expect(colorAt(out, 2)).toEqual([...UNKNOWN_COLOR]);
    expect(colorAt(out, 4)).toEqual([...WRONG_COLOR]);
    expect(WRONG_COLOR[3]).toBeGreaterThan(RIGHT_COLOR[3]);
  });

  it('colours by class in label mode, grey for unlabelled and out-of-range classes', () => {
    const out = fillPointColors(columns, 3, 'label', identity, new Uint8Array(20));
    expect(colorAt(out, 0)).toEqual([...categoricalColor(0)]);
    expect(colorAt(out, 1)).toEqual([...categoricalColor(1)]);
    expect(colorAt(out, 3)).toEqual([...MISSING_COLOR]);
    expect(colorAt(out, 4)).toEqual([...MISSING_COLOR]);
  });

  it('uses the predicted column in predicted mode', () => {
    const out = fillPointColors(columns, 3, 'predicted', identity, new Uint8Array(20));
    expect(colorAt(out, 1)).toEqual([...categoricalColor(2)]);
    expect(colorAt(out, 2)).toEqual([...MISSING_COLOR]);
  });

  it('writes colours in draw order', () => {
    const order = Uint32Array.from([2, 0]);
    const out = fillPointColors(columns, 3, 'error', order, new Uint8Array(8));
    expect(colorAt(out, 0)).toEqual([...UNKNOWN_COLOR]);
    expect(colorAt(out, 1)).toEqual([...RIGHT_COLOR]);
  });

  it('rejects a buffer of the wrong size', () => {
    expect(() => fillPointColors(columns, 3, 'error', identity, new Uint8Array(16))).toThrow(RangeError);
  });
});

describe('categoricalColor', () => {
  it('gives at least 30 pairwise distinct colours', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 30; i++) seen.add(categoricalColor(i).slice(0, 3).join(','));
    expect(seen.size).toBe(30);
  });

  it('keeps the first ten colours far apart', () => {
    for (let a = 0; a < 10; a++) {
      for (let b = a + 1; b < 10; b++) {
        const [ca, cb] = [categoricalColor(a), categoricalColor(b)];
        const distance = Math.hypot(ca[0] - cb[0], ca[1] - cb[1], ca[2] - cb[2]);
        expect(distance, `classes ${a} and ${b}`).toBeGreaterThan(40);
      }
    }
  });
});
