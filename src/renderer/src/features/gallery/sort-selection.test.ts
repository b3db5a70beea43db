import { describe, expect, it } from 'vitest';
import { availableSorts, sortSelection } from './sort-selection';

const columns = {
  confidence: Float32Array.from([0.9, 0.2, NaN, 0.5, 0.2]),
  loss: Float32Array.from([0.1, 2.5, NaN, 0.7, 2.5]),
};
const selection = Uint32Array.from([0, 1, 2, 3, 4]);

describe('sortSelection', () => {
  it('puts the highest loss first, missing values last, ties in index order', () => {
    expect(Array.from(sortSelection(selection, columns, 'loss-desc'))).toEqual([1, 4, 3, 0, 2]);
  });

  it('sorts by confidence either way', () => {
    expect(Array.from(sortSelection(selection, columns, 'confidence-asc'))).toEqual([1, 4, 3, 0, 2]);
    expect(Array.from(sortSelection(selection, columns, 'confidence-desc'))).toEqual([0, 3, 1, 4, 2]);
  });

  it('restores index order and leaves the input untouched', () => {
    const input = Uint32Array.from([4, 0, 2]);
    expect(Array.from(sortSelection(input, columns, 'index'))).toEqual([0, 2, 4]);
    expect(Array.from(input)).toEqual([4, 0, 2]);
  });
});

describe('availableSorts', () => {
  it('offers only the sorts the data can back', () => {
    expect(availableSorts(columns)).toEqual(['loss-desc', 'confidence-asc', 'confidence-desc', 'index']);
    const none = { confidence: Float32Array.from([NaN]), loss: Float32Array.from([NaN]) };
    expect(availableSorts(none)).toEqual(['index']);
  });
});

describe('sorting by a score', () => {
  const scores = [
    { kind: 'number' as const, name: 'mislabel_score', label: 'Mislabel score', description: '', values: Float32Array.from([0.2, 0.9, 0.5, NaN, 0.9]), higherIsWorse: true },
    { kind: 'number' as const, name: 'uniqueness', label: 'Uniqueness', description: '', values: Float32Array.from([0.2, 0.9, 0.5, NaN, 0.1]), higherIsWorse: false },
    { kind: 'number' as const, name: 'blurry', label: 'Blurry', description: '', values: Float32Array.from([0, 1, 0, 0, 1]), higherIsWorse: true },
  ];

  it('offers number scores after the base sorts, not flags', () => {
    expect(availableSorts(columns, scores)).toEqual(['loss-desc', 'confidence-asc', 'confidence-desc', 'index', 'score:mislabel_score', 'score:uniqueness']);
  });

  it('puts the worst first by the column direction, NaN last', () => {
    expect(Array.from(sortSelection(selection, columns, 'score:mislabel_score', scores))).toEqual([1, 4, 2, 0, 3]);
    expect(Array.from(sortSelection(selection, columns, 'score:uniqueness', scores))).toEqual([4, 0, 2, 1, 3]);
  });

  it('falls back to file order for a score that is gone', () => {
    expect(Array.from(sortSelection(Uint32Array.from([3, 1]), columns, 'score:gone', scores))).toEqual([1, 3]);
  });
});
