import { describe, expect, it } from 'vitest';
import { ProblemList } from './problems.js';

describe('ProblemList', () => {
  it('keeps the first problems of each kind and summarises the rest', () => {
    const list = new ProblemList(2);
    for (let line = 2; line < 7; line += 1) list.add({ file: 'labels.csv', line, kind: 'unknown-path', message: `line ${line}` });
    list.add({ file: 'labels.csv', line: 9, kind: 'empty-label', message: 'line 9' });

    expect(list.count('unknown-path')).toBe(5);
    expect(list.toArray()).toEqual([
      { file: 'labels.csv', line: 2, kind: 'unknown-path', message: 'line 2' },
      { file: 'labels.csv', line: 3, kind: 'unknown-path', message: 'line 3' },
      { file: 'labels.csv', line: 9, kind: 'empty-label', message: 'line 9' },
      { file: 'labels.csv', kind: 'unknown-path', message: "3 more 'unknown-path' problems in labels.csv are not listed (2 shown)." },
    ]);
  });

  it('names the dataset root in a summary over several files', () => {
    const list = new ProblemList(1);
    for (const file of ['a.png', 'b.png', 'c.png']) list.add({ file, kind: 'corrupt-image', message: file });
    expect(list.toArray()[1]).toEqual({ file: '.', kind: 'corrupt-image', message: "2 more 'corrupt-image' problems are not listed (1 shown)." });
  });
});
