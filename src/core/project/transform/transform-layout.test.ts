import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api/errors.js';
import { gaussianClusters } from '../clusters.fixture.js';
import { NonFiniteRowsError } from '../errors.js';
import { transformLayout } from './transform-layout.js';

/** Two tight clusters along the first axis; cluster 0 is drawn at x = -1, cluster 1 at x = +1 in the layout. */
function twoClusters(): { data: Float32Array; rows: number; cols: number; xy: Float32Array } {
  const { data, rows, cols, labels } = gaussianClusters(2, 30, 4, 10, 11);
  const xy = new Float32Array(2 * rows);
  for (let r = 0; r < rows; r++) {
    xy[2 * r] = labels[r] === 0 ? -1 : 1;
    xy[2 * r + 1] = (r % 7) / 70;
  }
  return { data, rows, cols, xy };
}

describe('transformLayout', () => {
  it('puts copies of fitted vectors exactly on their originals', () => {
    const { data, rows, cols, xy } = twoClusters();
    const picks = [0, 5, 17, 42];
    const added = new Float32Array(picks.length * cols);
    picks.forEach((row, i) => added.set(data.subarray(row * cols, (row + 1) * cols), i * cols));
    for (const metric of ['euclidean', 'cosine'] as const) {
      const placed = transformLayout({ fitted: { data, rows, cols }, fittedXy: xy, added: { data: added, rows: picks.length, cols }, metric });
      picks.forEach((row, i) => {
        expect(placed[2 * i]).toBe(xy[2 * row]);
        expect(placed[2 * i + 1]).toBe(xy[2 * row + 1]);
      });
    }
  });

  it('puts a vector halfway between two clusters between them, and one near a cluster in it', () => {
    const { data, rows, cols, xy } = twoClusters();
    const centre = (label: number): Float64Array => {
      const sum = new Float64Array(cols);
      for (let r = label; r < rows; r += 2) for (let c = 0; c < cols; c++) sum[c]! += (data[r * cols + c] as number) / (rows / 2);
      return sum;
    };
    const a = centre(0);
    const b = centre(1);
    const added = new Float32Array(2 * cols);
    for (let c = 0; c < cols; c++) {
      added[c] = ((a[c] as number) + (b[c] as number)) / 2;
      added[cols + c] = (a[c] as number) * 0.95 + (b[c] as number) * 0.05;
    }
    const placed = transformLayout({ fitted: { data, rows, cols }, fittedXy: xy, added: { data: added, rows: 2, cols }, k: 30 });
    expect(Math.abs(placed[0] as number)).toBeLessThan(0.5);
    expect(placed[2]).toBeLessThan(-0.9);
  });

  it('refuses vectors of another dimension, a layout of another size, and NaN rows', () => {
    const { data, rows, cols, xy } = twoClusters();
    const fitted = { data, rows, cols };
    const wrongDims = () => transformLayout({ fitted, fittedXy: xy, added: { data: new Float32Array(5), rows: 1, cols: 5 } });
    expect(wrongDims).toThrow(ApiError);
    expect(wrongDims).toThrow(/5 dimensions but the layout was fitted on 4/);
    expect(() => transformLayout({ fitted, fittedXy: xy.subarray(2), added: { data: new Float32Array(4), rows: 1, cols } })).toThrow(
      /layout has 59 points but 60/,
    );
    const nan = new Float32Array(4);
    nan[2] = Number.NaN;
    expect(() => transformLayout({ fitted, fittedXy: xy, added: { data: nan, rows: 1, cols } })).toThrow(NonFiniteRowsError);
    expect(transformLayout({ fitted, fittedXy: xy, added: { data: new Float32Array(0), rows: 0, cols } })).toHaveLength(0);
  });

  it('uses all fitted points when k exceeds their number', () => {
    const data = Float32Array.from([0, 0, 2, 0]);
    const placed = transformLayout({
      fitted: { data, rows: 2, cols: 2 },
      fittedXy: Float32Array.from([-1, 0, 1, 0]),
      added: { data: Float32Array.from([1, 0]), rows: 1, cols: 2 },
      k: 15,
    });
    expect(Array.from(placed)).toEqual([0, 0]);
  });
});
