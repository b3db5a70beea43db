import { describe, expect, it } from 'vitest';
import { layoutBounds } from './layout-bounds.js';

describe('layoutBounds', () => {
  it('boxes all points, or only the first pointCount, and gives infinite bounds for none', () => {
    const xy = Float64Array.from([1, -2, -3, 4, 5, 0, 100, 100]);
    expect(layoutBounds(xy)).toEqual({ minX: -3, maxX: 100, minY: -2, maxY: 100 });
    expect(layoutBounds(xy, 3)).toEqual({ minX: -3, maxX: 5, minY: -2, maxY: 4 });
    expect(layoutBounds(new Float32Array(0))).toEqual({ minX: Infinity, maxX: -Infinity, minY: Infinity, maxY: -Infinity });
  });
});
