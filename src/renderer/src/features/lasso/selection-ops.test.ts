import { describe, expect, it } from 'vitest';
import { combineSelection, differenceSorted, modeFromModifiers, unionSorted } from './selection-ops';

const u32 = (...v: number[]): Uint32Array => Uint32Array.from(v);

describe('selection set operations', () => {
  it('unions two ascending lists without duplicates', () => {
    expect(Array.from(unionSorted(u32(1, 3, 5), u32(2, 3, 9)))).toEqual([1, 2, 3, 5, 9]);
    expect(Array.from(unionSorted(u32(), u32(4)))).toEqual([4]);
  });

  it('subtracts an ascending list', () => {
    expect(Array.from(differenceSorted(u32(1, 2, 3, 5, 9), u32(0, 2, 9, 10)))).toEqual([1, 3, 5]);
    expect(Array.from(differenceSorted(u32(1, 2), u32()))).toEqual([1, 2]);
  });

  it('combines by mode', () => {
    const current = u32(1, 2, 3);
    const hits = u32(3, 4);
    expect(Array.from(combineSelection(current, hits, 'replace'))).toEqual([3, 4]);
    expect(Array.from(combineSelection(current, hits, 'add'))).toEqual([1, 2, 3, 4]);
    expect(Array.from(combineSelection(current, hits, 'subtract'))).toEqual([1, 2]);
  });

  it('lets shift add and alt subtract whatever the toolbar says', () => {
    expect(modeFromModifiers('replace', { shiftKey: true, altKey: false })).toBe('add');
    expect(modeFromModifiers('add', { shiftKey: false, altKey: true })).toBe('subtract');
    expect(modeFromModifiers('subtract', { shiftKey: false, altKey: false })).toBe('subtract');
  });
});
