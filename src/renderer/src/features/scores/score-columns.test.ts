import { describe, expect, it } from 'vitest';
import type { ScoreColumn } from '../../../../shared/model/scores';
import { displayKind, groupScores, scoreGroup, usableScores } from './score-columns';

const number = (name: string, values: number[], higherIsWorse = true): ScoreColumn => ({
  kind: 'number',
  name,
  label: name,
  description: '',
  values: Float32Array.from(values),
  higherIsWorse,
});

describe('displayKind', () => {
  it('tells continuous scores, 0/1 flags, index columns and categories apart', () => {
    expect(displayKind(number('loss', [0.1, 2, NaN]))).toBe('number');
    expect(displayKind(number('blurry', [0, 1, NaN, 1]))).toBe('flag');
    expect(displayKind(number('duplicate_of', [-1, 0, 1]))).toBe('index');
    expect(displayKind(number('empty', [NaN, NaN]))).toBe('number');
    expect(displayKind({ kind: 'category', name: 'cluster', label: 'Cluster', description: '', codes: Int32Array.from([0]), categories: ['0'] })).toBe(
      'category',
    );
  });
});

describe('groupScores', () => {
  it('groups known names, detection by prefix, unknown names under Other, in a fixed group order', () => {
    expect(scoreGroup('det_f1')).toBe('Detection');
    expect(scoreGroup('brand_new_score')).toBe('Other');
    const groups = groupScores([number('brand_new', [1]), number('blurry', [1]), number('loss', [1]), number('mislabel_score', [1])]);
    expect(groups.map((g) => g.group)).toEqual(['Model', 'Label quality', 'Quality', 'Other']);
  });

  it('drops columns whose length is not the point count', () => {
    expect(usableScores([number('a', [1, 2]), number('b', [1])], 2).map((c) => c.name)).toEqual(['a']);
  });
});
