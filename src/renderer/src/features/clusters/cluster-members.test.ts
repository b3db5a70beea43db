import { describe, expect, it } from 'vitest';
import type { CategoryColumn } from '../../../../shared/model/scores';
import { clusterCode, clusterMembers, clusterTitle, topConfusionText } from './cluster-members';

const column = (categories: string[]): CategoryColumn => ({
  kind: 'category',
  name: 'cluster',
  label: 'Cluster',
  description: '',
  codes: Int32Array.from([0, 1, -1, 1, 2, 0]),
  categories,
});

describe('clusterMembers', () => {
  it('finds a cluster by its id among the categories', () => {
    expect(Array.from(clusterMembers(column(['5', '7', '2']), { id: 7, name: null }))).toEqual([1, 3]);
  });

  it('falls back to the name, then to the id as a code', () => {
    expect(clusterCode(column(['shoes', 'bags', 'shirts']), { id: 9, name: 'bags' })).toBe(1);
    expect(clusterCode(column(['a', 'b', 'c']), { id: 2, name: null })).toBe(2);
    expect(Array.from(clusterMembers(column(['a', 'b', 'c']), { id: 9, name: 'zzz' }))).toEqual([]);
  });

  it('names and describes clusters', () => {
    expect(clusterTitle({ id: 3, name: null })).toBe('Cluster 3');
    expect(clusterTitle({ id: 3, name: 'sneakers' })).toBe('sneakers');
    expect(topConfusionText({ topConfusions: [{ label: 'shirt', predicted: 't-shirt_top', count: 12 }] })).toBe('shirt → t-shirt_top ×12');
    expect(topConfusionText({ topConfusions: [] })).toBeNull();
  });
});
