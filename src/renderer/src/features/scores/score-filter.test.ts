import { describe, expect, it } from 'vitest';
import type { NumberColumn } from '../../../../shared/model/scores';
import { DIMMED_COLOR } from '../scatter/palette';
import { errorRank, drawOrderByRank, maskedRank } from '../scatter/draw-order';
import { fillColors } from '../scatter/point-colors';
import { defaultFilter, filterMask, maskIndices } from './score-filter';

const column = (values: number[], higherIsWorse: boolean, name = 'score'): NumberColumn => ({
  kind: 'number',
  name,
  label: name,
  description: '',
  values: Float32Array.from(values),
  higherIsWorse,
});

describe('filterMask', () => {
  it('keeps values at least as bad as the threshold, never NaN', () => {
    const { mask, count } = filterMask(column([0.1, 0.9, NaN, 0.5], true), { kind: 'threshold', threshold: 0.5 });
    expect(Array.from(mask)).toEqual([0, 1, 0, 1]);
    expect(count).toBe(2);
    expect(Array.from(filterMask(column([0.1, 0.9, NaN, 0.5], false), { kind: 'threshold', threshold: 0.5 }).mask)).toEqual([1, 0, 0, 1]);
  });

  it('keeps only flagged images of flag and index columns', () => {
    expect(Array.from(filterMask(column([1, 0, NaN], true, 'blurry'), { kind: 'flagged' }).mask)).toEqual([1, 0, 0]);
    expect(Array.from(filterMask(column([-1, 0, 3], true, 'duplicate_of'), { kind: 'flagged' }).mask)).toEqual([0, 1, 1]);
  });

  it('lists the matching indices ascending', () => {
    expect(Array.from(maskIndices(Uint8Array.from([0, 1, 1, 0, 1])))).toEqual([1, 2, 4]);
    expect(Array.from(maskIndices(Uint8Array.from([0, 1, 1, 0, 1]), 3))).toEqual([1, 2, 4]);
  });
});

describe('defaultFilter', () => {
  it('starts at the worst tenth of a number column and at "flagged" for flags', () => {
    const values = Array.from({ length: 11 }, (_, i) => i);
    expect(defaultFilter(column(values, true))).toEqual({ kind: 'threshold', threshold: 9 });
    expect(defaultFilter(column(values, false))).toEqual({ kind: 'threshold', threshold: 1 });
    expect(defaultFilter(column([0, 1], true, 'leak'))).toEqual({ kind: 'flagged' });
  });
});

describe('dimming', () => {
  it('draws non-matching points faint and below the matching ones', () => {
    const mask = Uint8Array.from([1, 0, 1]);
    const rank = maskedRank(errorRank(Int8Array.from([1, 0, -1])), mask);
    const order = drawOrderByRank(new Float32Array(6), rank);
    expect(Array.from(order)).toEqual([1, 2, 0]);
    const coloring = { slots: Uint16Array.from([1, 1, 1]), table: Uint8Array.from([0, 0, 0, 0, 9, 9, 9, 9]) };
    const out = fillColors(coloring, order, new Uint8Array(12), mask);
    expect(Array.from(out.subarray(0, 4))).toEqual([...DIMMED_COLOR]);
    expect(Array.from(out.subarray(4, 8))).toEqual([9, 9, 9, 9]);
  });
});
