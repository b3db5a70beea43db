import { describe, expect, it } from 'vitest';
import { conditionalAffinities, symmetrizeAffinities } from './affinities.js';
import { pcaInitialLayout, PCA_INIT_STD } from './pca-init.js';
import { QuadTree, repulsiveForces } from './quadtree.js';

describe('conditionalAffinities', () => {
  it('calibrates each row to the requested perplexity, whatever the distance scale', () => {
    const k = 12;
    const rows = 3;
    const distances = new Float32Array(rows * k);
    for (let r = 0; r < rows; r++) for (let j = 0; j < k; j++) distances[r * k + j] = (j + 1) * 10 ** (2 * r - 1);
    const p = conditionalAffinities(distances, rows, k, 4);
    for (let r = 0; r < rows; r++) {
      let sum = 0;
      let entropy = 0;
      for (let j = 0; j < k; j++) {
        const v = p[r * k + j] as number;
        sum += v;
        if (v > 0) entropy -= v * Math.log(v);
      }
      expect(sum).toBeCloseTo(1, 12);
      expect(Math.exp(entropy)).toBeCloseTo(4, 3);
    }
  });
});

describe('symmetrizeAffinities', () => {
  it('gives a symmetric matrix that sums to 1, merging pairs listed both ways', () => {
    // 3 points, k = 1: 0 -> 1, 1 -> 0, 2 -> 1.
    const p = symmetrizeAffinities(Float64Array.from([1, 1, 1]), Int32Array.from([1, 0, 1]), 3, 1);
    const dense = [0, 1, 2].map(() => [0, 0, 0]);
    for (let i = 0; i < 3; i++) for (let e = p.rowStart[i] as number; e < (p.rowStart[i + 1] as number); e++) dense[i]![p.columns[e] as number] = p.values[e] as number;
    expect(dense).toEqual([
      [0, 2 / 6, 0],
      [2 / 6, 0, 1 / 6],
      [0, 1 / 6, 0],
    ]);
  });
});

describe('pcaInitialLayout', () => {
  it('puts the widest spread on x, scaled to std 1e-4', () => {
    const rows = 200;
    const data = new Float32Array(rows * 3);
    for (let r = 0; r < rows; r++) {
      data[r * 3] = Math.sin(r) * 1; // small spread
      data[r * 3 + 1] = (r - rows / 2) * 0.5; // widest spread
      data[r * 3 + 2] = 7; // constant
    }
    const xy = pcaInitialLayout(data, rows, 3, 1);
    let sumX = 0;
    let sumSqX = 0;
    for (let r = 0; r < rows; r++) {
      sumX += xy[2 * r] as number;
      sumSqX += (xy[2 * r] as number) ** 2;
    }
    expect(sumX / rows).toBeCloseTo(0, 10);
    expect(Math.sqrt(sumSqX / rows)).toBeCloseTo(PCA_INIT_STD, 10);
    // x follows the widest column (up to sign), y the small one.
    const correlation = Math.abs(((xy[2 * (rows - 1)] as number) - (xy[0] as number)) / (2 * PCA_INIT_STD));
    expect(correlation).toBeGreaterThan(1);
    // The seed only picks the start of the iteration: another one converges to the same axes.
    const other = pcaInitialLayout(data, rows, 3, 2);
    for (let e = 0; e < xy.length; e++) expect(other[e]).toBeCloseTo(xy[e] as number, 12);
  });
});

describe('repulsiveForces', () => {
  it('matches the exact O(N²) sums at theta 0', () => {
    const rows = 50;
    const xy = Float64Array.from({ length: 2 * rows }, (_, i) => Math.sin(i * 12.9898) * 3);
    xy[2] = xy[0] as number; // a duplicate point
    xy[3] = xy[1] as number;
    const tree = new QuadTree();
    tree.build(xy, rows);
    const force = new Float64Array(2 * rows);
    const sumQ = repulsiveForces(tree.arrays(), xy, 0, 0, rows, force);
    let exactQ = 0;
    for (let i = 0; i < rows; i++) {
      let fx = 0;
      let fy = 0;
      for (let j = 0; j < rows; j++) {
        if (j === i) continue;
        const dx = (xy[2 * i] as number) - (xy[2 * j] as number);
        const dy = (xy[2 * i + 1] as number) - (xy[2 * j + 1] as number);
        const q = 1 / (1 + dx * dx + dy * dy);
        exactQ += q;
        fx += q * q * dx;
        fy += q * q * dy;
      }
      expect(force[2 * i]).toBeCloseTo(fx, 10);
      expect(force[2 * i + 1]).toBeCloseTo(fy, 10);
    }
    expect(sumQ).toBeCloseTo(exactQ, 9);
  });
});
