import { describe, expect, it } from 'vitest';
import { formatPercent, formatScore } from './format-score';

describe('formatScore', () => {
  it('scales digits with magnitude', () => {
    expect(formatScore(0.12345)).toBe('0.123');
    expect(formatScore(2.345)).toBe('2.35');
    expect(formatScore(23.45)).toBe('23.4');
    expect(formatScore(234.5)).toBe('235');
    expect(formatScore(0.00001)).toBe('1.00e-5');
    expect(formatScore(0)).toBe('0.000');
    expect(formatScore(NaN)).toBe('—');
  });

  it('formats shares as percentages, NaN as null', () => {
    expect(formatPercent(0.314)).toBe('31%');
    expect(formatPercent(NaN)).toBeNull();
  });
});
