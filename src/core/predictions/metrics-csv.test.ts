import { describe, expect, it } from 'vitest';
import { parseMetricsCsv } from './metrics-csv.js';

const images = ['a.png', 'b.png', 'c.png'];

describe('parseMetricsCsv', () => {
  it('joins every numeric column by path, NaN where an image has no row or no value', () => {
    const { columns, problems } = parseMetricsCsv('path,iou,review\r\n./b.png,0.5,3\r\na.png,,1\r\n', 'metrics.csv', images);
    expect(problems).toEqual([]);
    expect(columns.map((c) => c.name)).toEqual(['iou', 'review']);
    expect(Array.from(columns[0]?.values ?? [])).toEqual([NaN, 0.5, NaN]);
    expect(Array.from(columns[1]?.values ?? [])).toEqual([1, 3, NaN]);
  });

  it('leaves out a column with a non-numeric value, and reports unknown paths and duplicates with their lines', () => {
    const text = 'path,score,note\na.png,1,ok\nz.png,2,x\na.png,3,y\n';
    const { columns, problems } = parseMetricsCsv(text, 'm.csv', images);
    expect(columns.map((c) => c.name)).toEqual(['score']);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: 'm.csv', line: 2, kind: 'non-numeric-column' }),
        expect.objectContaining({ file: 'm.csv', line: 3, kind: 'unknown-path' }),
        expect.objectContaining({ file: 'm.csv', line: 4, kind: 'duplicate-row' }),
      ]),
    );
  });

  it('prefixes names the app already uses, and refuses a file without a path column', () => {
    expect(parseMetricsCsv('path,loss\na.png,1\n', 'm.csv', images, new Set(['loss'])).columns[0]?.name).toBe('metric_loss');
    const missing = parseMetricsCsv('file,loss\na.png,1\n', 'm.csv', images);
    expect(missing.columns).toEqual([]);
    expect(missing.problems[0]).toMatchObject({ file: 'm.csv', line: 1, kind: 'missing-column' });
  });
});
