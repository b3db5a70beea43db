import { describe, expect, it } from 'vitest';
import { spreadSubsetLayout } from './subset-layout';

describe('spreadSubsetLayout', () => {
  it('puts the selected points at their new positions and hides the rest', () => {
    const xy = spreadSubsetLayout(4, Uint32Array.from([3, 1]), Float32Array.from([0.5, -0.5, 1, 0]));
    expect(Array.from(xy)).toEqual([NaN, NaN, 1, 0, NaN, NaN, 0.5, -0.5]);
  });

  it('refuses a layout that does not match the selection', () => {
    expect(() => spreadSubsetLayout(4, Uint32Array.from([1]), new Float32Array(4))).toThrow(RangeError);
  });
});
