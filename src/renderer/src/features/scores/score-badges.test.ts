import { describe, expect, it } from 'vitest';
import type { ScoreColumn } from '../../../../shared/model/scores';
import { imageScoreNotes } from './score-badges';

const number = (name: string, label: string, values: number[], higherIsWorse = true): ScoreColumn => ({
  kind: 'number',
  name,
  label,
  description: `${label} means…`,
  values: Float32Array.from(values),
  higherIsWorse,
});
const scores: ScoreColumn[] = [
  number('mislabel_score', 'Mislabel score', [0.9, 0.1, NaN]),
  { kind: 'category', name: 'suggested_label', label: 'Suggested label', description: '', codes: Int32Array.from([1, 0, -1]), categories: ['coat', 'shirt'] },
  number('blurry', 'Blurry', [1, 0, 0]),
  number('grayscale', 'Grayscale', [1, 1, 0]),
  number('is_outlier', 'Outlier', [0, 1, 0]),
  number('duplicate_of', 'Duplicate of', [-1, -1, 0]),
  number('uniqueness', 'Uniqueness', [0.2, 0.5, 0.9], false),
];

describe('imageScoreNotes', () => {
  it('gives the mislabel score with the suggested label only when it differs from the given one', () => {
    expect(imageScoreNotes(scores, 0, 'coat').mislabel).toEqual({ score: expect.closeTo(0.9, 5) as number, suggested: 'shirt' });
    expect(imageScoreNotes(scores, 1, 'coat').mislabel).toEqual({ score: expect.closeTo(0.1, 5) as number, suggested: null });
    expect(imageScoreNotes(scores, 2, 'coat').mislabel).toBeNull();
  });

  it('makes a badge of every raised flag and a link of every index column', () => {
    expect(imageScoreNotes(scores, 0, null).badges.map((b) => b.label)).toEqual(['Blurry']);
    expect(imageScoreNotes(scores, 1, null).badges.map((b) => b.label)).toEqual(['Outlier']);
    const notes = imageScoreNotes(scores, 2, null);
    expect(notes.badges.map((b) => [b.label, b.linkTo])).toEqual([['Duplicate of', 0]]);
  });

  it('leaves out flags raised on most images: they describe the dataset, not the image', () => {
    expect(imageScoreNotes(scores, 1, null).badges.map((b) => b.label)).not.toContain('Grayscale');
    expect(imageScoreNotes(scores, 0, null).badges.map((b) => b.label)).toEqual(['Blurry']);
  });

  it('says nothing without scores', () => {
    expect(imageScoreNotes([], 0, 'coat')).toEqual({ mislabel: null, badges: [] });
  });
});
