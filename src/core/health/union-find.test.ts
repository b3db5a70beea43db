import { describe, expect, it } from 'vitest';
import { UnionFind } from './union-find.js';

describe('UnionFind', () => {
  it('joins sets, roots each at its lowest member, and says when a union changed nothing', () => {
    const sets = new UnionFind(6);
    expect(sets.union(4, 2)).toBe(true);
    expect(sets.union(5, 4)).toBe(true);
    expect(sets.union(2, 5)).toBe(false);
    expect([0, 1, 2, 3, 4, 5].map((i) => sets.find(i))).toEqual([0, 1, 2, 3, 2, 2]);
    expect(sets.union(3, 1)).toBe(true);
    expect(sets.union(5, 1)).toBe(true);
    expect([0, 1, 2, 3, 4, 5].map((i) => sets.find(i))).toEqual([0, 1, 1, 1, 1, 1]);
  });
});
