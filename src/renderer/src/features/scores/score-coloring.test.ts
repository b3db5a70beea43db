import { describe, expect, it } from 'vitest';
import type { CategoryColumn, NumberColumn } from '../../../../shared/model/scores';
import { drawOrderByRank } from '../scatter/draw-order';
import { FLAGGED_COLOR, MISSING_COLOR, UNFLAGGED_COLOR, categoricalColor } from '../scatter/palette';
import { fillColors } from '../scatter/point-colors';
import { badness, categoryLegend, flagCounts, rampColor, scoreColoring, SCORE_LEVELS } from './score-coloring';

const numberColumn = (values: number[], higherIsWorse: boolean, name = 'loss'): NumberColumn => ({
  kind: 'number',
  name,
  label: name,
  description: '',
  values: Float32Array.from(values),
  higherIsWorse,
});
const colorAt = (bytes: Uint8Array, k: number): number[] => Array.from(bytes.subarray(k * 4, k * 4 + 4));
const identity = (n: number): Uint32Array => Uint32Array.from({ length: n }, (_, i) => i);

describe('rampColor', () => {
  it('runs from a dim slate to an opaque red, opacity rising with badness', () => {
    const fine = rampColor(0);
    const worst = rampColor(1);
    expect(worst[0]).toBeGreaterThan(200);
    expect(worst[1]).toBeLessThan(80);
    expect(fine[2]).toBeGreaterThan(fine[0]);
    for (let t = 0.1; t <= 1; t += 0.1) expect(rampColor(t)[3]).toBeGreaterThanOrEqual(rampColor(t - 0.1)[3]);
    expect(rampColor(-3)).toEqual(fine);
    expect(rampColor(7)).toEqual(worst);
  });
});

describe('badness', () => {
  it('follows the column direction and clamps outside the range', () => {
    expect(badness(8, { min: 0, max: 10 }, true)).toBeCloseTo(0.8);
    expect(badness(8, { min: 0, max: 10 }, false)).toBeCloseTo(0.2);
    expect(badness(50, { min: 0, max: 10 }, true)).toBe(1);
    expect(badness(3, { min: 3, max: 3 }, true)).toBe(0.5);
  });
});

describe('scoreColoring', () => {
  it('colours number scores along the ramp, NaN grey, and draws the worst last', () => {
    const column = numberColumn([0, 10, NaN, 5], true);
    const { coloring, rank } = scoreColoring(column, { min: 0, max: 10 });
    const out = fillColors(coloring, identity(4), new Uint8Array(16));
    expect(colorAt(out, 0)).toEqual([...rampColor(0)]);
    expect(colorAt(out, 1)).toEqual([...rampColor(1)]);
    expect(colorAt(out, 2)).toEqual([...MISSING_COLOR]);
    expect(rank.bucketCount).toBe(SCORE_LEVELS + 1);
    expect(Array.from(drawOrderByRank(new Float32Array(8), rank))).toEqual([2, 0, 3, 1]);
  });

  it('puts low values on top when lower is worse', () => {
    const { rank } = scoreColoring(numberColumn([0.9, 0.1, 0.5], false, 'confidence'), { min: 0.1, max: 0.9 });
    expect(Array.from(drawOrderByRank(new Float32Array(6), rank))).toEqual([0, 2, 1]);
  });

  it('colours 0/1 flags in two colours with flagged points on top', () => {
    const { coloring, rank } = scoreColoring(numberColumn([1, 0, NaN, 1], true, 'blurry'), null);
    const out = fillColors(coloring, identity(4), new Uint8Array(16));
    expect(colorAt(out, 0)).toEqual([...FLAGGED_COLOR]);
    expect(colorAt(out, 1)).toEqual([...UNFLAGGED_COLOR]);
    expect(colorAt(out, 2)).toEqual([...MISSING_COLOR]);
    expect(Array.from(drawOrderByRank(new Float32Array(8), rank))).toEqual([2, 1, 0, 3]);
  });

  it('flags index columns where they point at another image', () => {
    const column = numberColumn([-1, 0, NaN, 1], true, 'duplicate_of');
    const out = fillColors(scoreColoring(column, null).coloring, identity(4), new Uint8Array(16));
    expect(colorAt(out, 0)).toEqual([...UNFLAGGED_COLOR]);
    expect(colorAt(out, 1)).toEqual([...FLAGGED_COLOR]);
    expect(flagCounts(column)).toEqual({ flagged: 2, unflagged: 1, missing: 1 });
  });

  it('colours categories by code and -1 grey', () => {
    const column: CategoryColumn = { kind: 'category', name: 'cluster', label: 'Cluster', description: '', codes: Int32Array.from([1, -1, 0, 1, 7]), categories: ['0', '1'] };
    const out = fillColors(scoreColoring(column, null).coloring, identity(5), new Uint8Array(20));
    expect(colorAt(out, 0)).toEqual([...categoricalColor(1)]);
    expect(colorAt(out, 1)).toEqual([...MISSING_COLOR]);
    expect(colorAt(out, 4)).toEqual([...MISSING_COLOR]);
    expect(categoryLegend(column).map((e) => [e.label, e.count])).toEqual([
      ['Cluster 1', 2],
      ['Cluster 0', 1],
      ['Noise', 2],
    ]);
    expect(categoryLegend({ ...column, name: 'suggested_label', categories: ['coat', 'shirt'] }).map((e) => e.label)).toEqual(['shirt', 'coat', 'None']);
  });
});
