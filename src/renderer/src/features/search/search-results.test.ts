import { describe, expect, it } from 'vitest';
import { activeRanking, parseWordList, scoreOf, similarResultsTitle, textResultsTitle, type RankedResults } from './search-results';

describe('search results in the grid', () => {
  const ranking: RankedResults = { title: textResultsTitle('  red car '), indices: Uint32Array.of(5, 2, 9), scores: Float32Array.of(0.9, 0.5, 0.25) };

  it('is active only while the selection is exactly its hits', () => {
    expect(activeRanking(ranking, ranking.indices)).toBe(ranking);
    expect(activeRanking(ranking, Uint32Array.of(5, 2, 9))).toBeNull();
    expect(activeRanking(null, ranking.indices)).toBeNull();
  });

  it('names what was searched and scores each hit', () => {
    expect(ranking.title).toBe('“red car”');
    expect(similarResultsTitle([12])).toBe('Similar to #12');
    expect(similarResultsTitle([1, 2, 3])).toBe('Similar to 3 images');
    expect(scoreOf(ranking, 2)).toBeCloseTo(0.5);
    expect(scoreOf(ranking, 7)).toBeNull();
  });

  it('reads a comma-separated word list; empty means the default', () => {
    expect(parseWordList(' cat, dog ,, fish ')).toEqual(['cat', 'dog', 'fish']);
    expect(parseWordList(' , ')).toBeUndefined();
  });
});
