import { describe, expect, it } from 'vitest';
import { encodeSplits, splitFromPath, splitsFromColumn } from './splits.js';

describe('splitFromPath', () => {
  it('reads every spelling from a folder segment, case-insensitively', () => {
    expect(splitFromPath('train/cat/1.png')).toBe('train');
    expect(splitFromPath('data/Training/cat/1.png')).toBe('train');
    expect(splitFromPath('VAL/dog/2.jpg')).toBe('val');
    expect(splitFromPath('valid/images/3.jpg')).toBe('val');
    expect(splitFromPath('a/validation/4.jpg')).toBe('val');
    expect(splitFromPath('test/5.jpg')).toBe('test');
    expect(splitFromPath('Testing/x/6.jpg')).toBe('test');
    expect(splitFromPath('test\\cat\\7.png')).toBe('test');
  });

  it('takes the first matching segment', () => {
    expect(splitFromPath('train/test/1.png')).toBe('train');
    expect(splitFromPath('x/val/train/1.png')).toBe('val');
  });

  it('ignores file names and partial words', () => {
    expect(splitFromPath('train.png')).toBeNull();
    expect(splitFromPath('images/train_01.png')).toBeNull();
    expect(splitFromPath('trains/cat/1.png')).toBeNull();
    expect(splitFromPath('cat/1.png')).toBeNull();
  });
});

describe('splitsFromColumn', () => {
  it('normalises synonyms, keeps custom splits, nulls empties', () => {
    expect(splitsFromColumn([' Train ', 'validation', 'TEST', 'holdout', '', null, undefined, 'Valid'])).toEqual([
      'train', 'val', 'test', 'holdout', null, null, null, 'val',
    ]);
  });
});

describe('encodeSplits', () => {
  it('numbers canonical splits first, then others sorted, -1 for unknown', () => {
    const { codes, names } = encodeSplits(['zeta', 'test', null, 'train', 'alpha', 'test']);
    expect(names).toEqual(['train', 'test', 'alpha', 'zeta']);
    expect([...codes]).toEqual([3, 1, -1, 0, 2, 1]);
  });
});
