import { describe, expect, it } from 'vitest';
import { basePointRadiusPx, zoomRadiusScale } from './point-radius';

describe('basePointRadiusPx', () => {
  it('shrinks from 4 px at a thousand points to 1 px at a million', () => {
    expect(basePointRadiusPx(1_000)).toBe(4);
    expect(basePointRadiusPx(100_000)).toBeCloseTo(2, 6);
    expect(basePointRadiusPx(1_000_000)).toBe(1);
    expect(basePointRadiusPx(50_000_000)).toBe(1);
    expect(basePointRadiusPx(0)).toBe(4);
  });
});

describe('zoomRadiusScale', () => {
  it('grows by √2 per zoom level past the fitted view, capped at 4', () => {
    expect(zoomRadiusScale(3, 3)).toBe(1);
    expect(zoomRadiusScale(1, 3)).toBe(1);
    expect(zoomRadiusScale(5, 3)).toBeCloseTo(2, 6);
    expect(zoomRadiusScale(20, 3)).toBe(4);
    expect(zoomRadiusScale(NaN, 3)).toBe(1);
  });
});
