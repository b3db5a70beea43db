import { describe, expect, it } from 'vitest';
import { describePoint } from './describe-point';

const columns = {
  count: 3,
  xy: new Float32Array(6),
  label: Int32Array.from([0, 1, -1]),
  predicted: Int32Array.from([1, 1, -1]),
  correct: Int8Array.from([0, 1, -1]),
  confidence: Float32Array.from([0.75, 0.5, NaN]),
  loss: Float32Array.from([1.5, NaN, NaN]),
  usable: Uint8Array.from([1, 1, 1]),
};

describe('describePoint', () => {
  it('resolves class names and scores', () => {
    expect(describePoint(columns, ['cat', 'dog'], 0)).toEqual({
      label: 'cat',
      predicted: 'dog',
      confidence: 0.75,
      loss: 1.5,
      verdict: 'wrong',
    });
  });

  it('turns missing values into null', () => {
    expect(describePoint(columns, ['cat', 'dog'], 2)).toEqual({
      label: null,
      predicted: null,
      confidence: null,
      loss: null,
      verdict: 'unknown',
    });
    expect(describePoint(columns, ['cat', 'dog'], 1).loss).toBeNull();
  });
});
