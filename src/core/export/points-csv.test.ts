import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvField, csvNumber } from './csv-format.js';
import { pathsList } from './paths-list.js';
import { pointsCsv, type PointsCsvColumns } from './points-csv.js';

const columns: PointsCsvColumns = {
  path: ['a/1.png', 'b,"odd"\nname.png', 'c/3.png'],
  label: { codes: Int32Array.from([0, 1, -1]), names: ['cat', 'dog, big'] },
  predictedLabel: ['cat', null, 'wolf'],
  confidence: Float32Array.from([0.821629, 0.5, NaN]),
  correct: Int8Array.from([1, 0, -1]),
  xy: Float32Array.from([1.25, -3.5, 0.1, 2, NaN, NaN]),
};

describe('pointsCsv', () => {
  it('writes the stable columns with empty cells for missing values and RFC 4180 quoting', () => {
    expect(pointsCsv(columns)).toBe(
      [
        'path,label,predicted_label,confidence,correct,x,y',
        'a/1.png,cat,cat,0.821629,1,1.25,-3.5',
        '"b,""odd""\nname.png","dog, big",,0.5,0,0.1,2',
        'c/3.png,,wolf,,,,',
        '',
      ].join('\n'),
    );
  });

  it('reads back with a CSV parser to the same values', () => {
    const rows = parse(pointsCsv(columns), { columns: true }) as Record<string, string>[];
    expect(rows[1]).toEqual({ path: 'b,"odd"\nname.png', label: 'dog, big', predicted_label: '', confidence: '0.5', correct: '0', x: '0.1', y: '2' });
  });

  it('writes only the selected rows, in selection order, with extra columns after the stable ones', () => {
    const csv = pointsCsv(
      {
        ...columns,
        extra: [
          { name: 'loss', numbers: Float32Array.from([0.1, 2.5, NaN]) },
          { name: 'cluster name', text: ['x', 'y', null] },
        ],
      },
      Uint32Array.from([2, 0]),
    );
    expect(csv).toBe(['path,label,predicted_label,confidence,correct,x,y,loss,cluster name', 'c/3.png,,wolf,,,,,,', 'a/1.png,cat,cat,0.821629,1,1.25,-3.5,0.1,x', ''].join('\n'));
  });

  it('refuses an index outside the images', () => {
    expect(() => pointsCsv(columns, [3])).toThrow(RangeError);
  });
});

describe('csvNumber and csvField', () => {
  it('writes float32 values with the fewest digits that read back the same', () => {
    expect(csvNumber(Math.fround(0.1))).toBe('0.1');
    expect(csvNumber(Math.fround(1 / 3))).toBe('0.33333334');
    expect(csvNumber(1 / 3)).toBe('0.3333333333333333');
    expect(csvNumber(Math.fround(1e-7))).toBe('1e-7');
    expect(csvNumber(42)).toBe('42');
    expect(csvNumber(NaN)).toBe('');
    expect(csvNumber(-Infinity)).toBe('-inf');
  });

  it('quotes only what needs quoting', () => {
    expect(csvField('plain/path.png')).toBe('plain/path.png');
    expect(csvField('with space.png')).toBe('with space.png');
    expect(csvField(' lead')).toBe('" lead"');
    expect(csvField('cr\rlf')).toBe('"cr\rlf"');
  });
});

describe('pathsList', () => {
  it('writes one path per line, all or selected', () => {
    expect(pathsList(['a.png', 'b/c.png'])).toBe('a.png\nb/c.png\n');
    expect(pathsList(['a.png', 'b/c.png'], [1])).toBe('b/c.png\n');
    expect(pathsList(['a.png'], [])).toBe('');
    expect(() => pathsList(['a.png'], [5])).toThrow(RangeError);
  });
});
