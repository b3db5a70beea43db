import { describe, expect, it } from 'vitest';
import { legendEntries } from './legend-entries';

const columns = {
  label: Int32Array.from([0, 1, 1, -1, 5]),
  predicted: Int32Array.from([0, 0, -1, -1, 1]),
  correct: Int8Array.from([1, 0, -1, -1, 0]),
};

describe('legendEntries', () => {
  it('counts wrong, right and unknown images in error mode', () => {
    expect(legendEntries(columns, ['cat', 'dog'], 'error').map((e) => [e.key, e.count])).toEqual([
      ['wrong', 2],
      ['right', 1],
      ['unknown', 2],
    ]);
  });

  it('counts classes, folding missing and out-of-range classes into one entry', () => {
    expect(legendEntries(columns, ['cat', 'dog'], 'label').map((e) => [e.label, e.count])).toEqual([
      ['cat', 1],
      ['dog', 2],
      ['Unlabelled', 2],
    ]);
    expect(legendEntries(columns, ['cat', 'dog', 'owl'], 'predicted').map((e) => [e.label, e.count])).toEqual([
      ['cat', 2],
      ['dog', 1],
      ['No prediction', 2],
    ]);
  });
});
