import { describe, expect, it } from 'vitest';
import { averagePrecision, precisionAt } from './ranking-metrics.js';

describe('averagePrecision', () => {
  it('matches a hand-computed case', () => {
    // Ranked: 0.9 (+), 0.8 (−), 0.7 (+), 0.6 (−), 0.5 (+). AP = (1/1 + 2/3 + 3/5) / 3.
    const scores = [0.5, 0.9, 0.6, 0.8, 0.7];
    const positive = [true, true, false, false, true];
    expect(averagePrecision(scores, positive)).toBeCloseTo((1 + 2 / 3 + 3 / 5) / 3, 12);
    expect(precisionAt(scores, positive, 2)).toBe(0.5);
  });

  it('enters tied scores together and ranks NaN last, like scikit-learn', () => {
    // Tie at 0.9 between a positive and a negative: one threshold with precision 1/2, recall 1/2; then 0.1 (+): 2/3.
    expect(averagePrecision([0.9, 0.9, 0.1, NaN], [1, 0, 1, 0])).toBeCloseTo(0.5 * 0.5 + 0.5 * (2 / 3), 12);
    expect(averagePrecision([NaN, 0.1], [1, 0])).toBeCloseTo(0.5, 12);
    expect(averagePrecision([0.3], [0])).toBeNaN();
  });
});
