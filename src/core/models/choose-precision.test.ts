import { describe, expect, it } from 'vitest';
import { choosePrecision } from './choose-precision.js';

describe('choosePrecision', () => {
  it('takes fp16 for a GPU provider when it is installed, fp32 otherwise', () => {
    expect(choosePrecision(['fp32', 'fp16'], ['webgpu', 'cpu'])).toBe('fp16');
    expect(choosePrecision(['fp32', 'fp16'], ['cuda'])).toBe('fp16');
    expect(choosePrecision(['fp32', 'fp16'], ['cpu'])).toBe('fp32');
    expect(choosePrecision(['fp32'], ['webgpu'])).toBe('fp32');
    expect(choosePrecision(['fp32', 'fp16'])).toBe('fp32');
  });

  it('falls back to whatever is installed, and to nothing', () => {
    expect(choosePrecision(['fp16'], ['cpu'])).toBe('fp16');
    expect(choosePrecision([], ['cpu'])).toBeNull();
  });
});
