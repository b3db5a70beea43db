import { describe, expect, it } from 'vitest';
import { drawOrder, gatherPositions } from './draw-order';

describe('drawOrder', () => {
  it('draws unknown, then right, then wrong points, keeping index order within each group', () => {
    const xy = new Float32Array(12);
    const correct = Int8Array.from([0, 1, -1, 0, 1, -1]);
    expect(Array.from(drawOrder(xy, correct))).toEqual([2, 5, 1, 4, 0, 3]);
  });

  it('leaves out points whose x or y is not finite', () => {
    const xy = Float32Array.from([0, 0, NaN, 1, 2, NaN, 3, 3, Infinity, 0]);
    const correct = Int8Array.from([1, 0, 0, 0, 1]);
    expect(Array.from(drawOrder(xy, correct))).toEqual([0, 3]);
  });
});

describe('gatherPositions', () => {
  it('copies the positions of the given indices in that order', () => {
    const xy = Float32Array.from([0, 1, 10, 11, 20, 21]);
    expect(Array.from(gatherPositions(xy, Uint32Array.from([2, 0])))).toEqual([20, 21, 0, 1]);
  });
});

describe('drawOrder over a subset', () => {
  it('orders only the candidates, skipping those without a layout or out of range', () => {
    const xy = Float32Array.from([0, 0, 1, 1, NaN, 2, 3, 3]);
    const correct = Int8Array.from([0, 1, 1, -1]);
    expect(Array.from(drawOrder(xy, correct, Uint32Array.from([0, 1, 2, 3, 9])))).toEqual([3, 1, 0]);
  });
});
