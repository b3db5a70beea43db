import { describe, expect, it } from 'vitest';
import { dataBounds, fitViewState, subsetBounds } from './fit-view';

describe('dataBounds', () => {
  it('ignores NaN and infinite coordinates', () => {
    const xy = Float32Array.from([1, 2, NaN, 100, -3, 5, 50, Infinity, 4, -1]);
    expect(dataBounds(xy)).toEqual({ minX: -3, minY: -1, maxX: 4, maxY: 5 });
  });

  it('is null when no point is finite', () => {
    expect(dataBounds(Float32Array.from([NaN, NaN, 1, NaN]))).toBeNull();
    expect(dataBounds(new Float32Array(0))).toBeNull();
  });
});

describe('fitViewState', () => {
  it('centres the data and fits its larger relative extent into the padded canvas', () => {
    const view = fitViewState({ minX: 0, minY: 0, maxX: 10, maxY: 2 }, 1000, 500, 0);
    expect(view.target).toEqual([5, 1]);
    // 10 units over 1000 px is the binding side: 100 px per unit.
    expect(2 ** view.zoom).toBeCloseTo(100, 6);
  });

  it('keeps the padding free on the binding side', () => {
    const view = fitViewState({ minX: 0, minY: 0, maxX: 1, maxY: 1 }, 300, 200, 50);
    expect(2 ** view.zoom).toBeCloseTo(100, 6);
  });

  it('gives a finite view for one point and for no data', () => {
    const single = fitViewState({ minX: 3, minY: 4, maxX: 3, maxY: 4 }, 800, 600);
    expect(single.target).toEqual([3, 4]);
    expect(Number.isFinite(single.zoom)).toBe(true);
    expect(fitViewState(null, 800, 600)).toEqual({ target: [0, 0], zoom: 0 });
  });

  it('stays finite on a zero-sized canvas', () => {
    expect(Number.isFinite(fitViewState({ minX: 0, minY: 0, maxX: 1, maxY: 1 }, 0, 0).zoom)).toBe(true);
  });
});

describe('subsetBounds', () => {
  it('bounds only the given images that have a position', () => {
    const xy = Float32Array.from([0, 0, 5, 1, NaN, 9, -2, 4]);
    expect(subsetBounds(xy, Uint32Array.from([1, 2, 3]))).toEqual({ minX: -2, minY: 1, maxX: 5, maxY: 4 });
    expect(subsetBounds(xy, Uint32Array.from([2, 17]))).toBeNull();
  });
});
