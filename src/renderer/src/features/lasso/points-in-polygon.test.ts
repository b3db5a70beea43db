import { describe, expect, it } from 'vitest';
import { pointsInPolygon, type Polygon } from './points-in-polygon';

const square: Polygon = [
  [0, 0],
  [10, 0],
  [10, 10],
  [0, 10],
];

describe('pointsInPolygon', () => {
  it('returns the ascending indices of the points inside', () => {
    const xy = Float32Array.from([5, 5, 15, 5, 1, 9, -1, 5, 9.5, 0.5]);
    expect(Array.from(pointsInPolygon(xy, square))).toEqual([0, 2, 4]);
  });

  it('follows the even-odd rule in a concave polygon', () => {
    // A "U": the notch between the arms is outside.
    const u: Polygon = [
      [0, 0],
      [9, 0],
      [9, 9],
      [6, 9],
      [6, 3],
      [3, 3],
      [3, 9],
      [0, 9],
    ];
    const xy = Float32Array.from([1.5, 6, 4.5, 6, 7.5, 6, 4.5, 1.5]);
    expect(Array.from(pointsInPolygon(xy, u))).toEqual([0, 2, 3]);
  });

  it('never selects NaN points and needs three vertices', () => {
    const xy = Float32Array.from([NaN, 5, 5, NaN, 5, 5]);
    expect(Array.from(pointsInPolygon(xy, square))).toEqual([2]);
    expect(pointsInPolygon(xy, square.slice(0, 2)).length).toBe(0);
  });

  it('agrees with a brute-force check on many random points, past the scratch buffer size', () => {
    let seed = 7;
    const random = (): number => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
    const xy = new Float32Array(20_000 * 2).map(() => random() * 20 - 5);
    const triangle: Polygon = [
      [0, 0],
      [12, 1],
      [3, 11],
    ];
    const side = (ax: number, ay: number, bx: number, by: number, px: number, py: number): number =>
      (bx - ax) * (py - ay) - (by - ay) * (px - ax);
    const expected: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const [px, py] = [xy[2 * i]!, xy[2 * i + 1]!];
      const s1 = side(0, 0, 12, 1, px, py);
      const s2 = side(12, 1, 3, 11, px, py);
      const s3 = side(3, 11, 0, 0, px, py);
      if ((s1 > 0 && s2 > 0 && s3 > 0) || (s1 < 0 && s2 < 0 && s3 < 0)) expected.push(i);
    }
    expect(expected.length).toBeGreaterThan(1024);
    expect(Array.from(pointsInPolygon(xy, triangle))).toEqual(expected);
  });
});
