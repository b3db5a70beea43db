import { describe, expect, it } from 'vitest';
import { normalizeLayout } from './normalize-layout.js';

describe('normalizeLayout', () => {
  it('centres on the bounding box and scales the longer side to [-1, 1], keeping the aspect ratio', () => {
    const out = normalizeLayout(new Float32Array([10, 5, 14, 5, 12, 6]));
    expect(Array.from(out)).toEqual([-1, -0.25, 1, -0.25, 0, 0.25]);
  });

  it('maps a layout with no extent to zeros, and nothing to nothing', () => {
    expect(Array.from(normalizeLayout(new Float32Array([3, 3, 3, 3])))).toEqual([0, 0, 0, 0]);
    expect(normalizeLayout(new Float32Array(0)).length).toBe(0);
  });
});
