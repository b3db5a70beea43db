import { describe, expect, it } from 'vitest';
import { findColumns, normalizeDatasetPath, readCsvTable } from './csv.js';

describe('readCsvTable', () => {
  it('gives each record the line it starts on, across empty lines, CRLF and quoted line breaks', () => {
    const text = '\uFEFFpath, label\r\na.png,cat\r\n\r\n"b\nc.png","multi\nline"\r\nd.png,dog\r\n';
    const read = readCsvTable(text, 'labels.csv');
    if (!('table' in read)) throw new Error('expected a table');
    expect(read.table.header).toEqual(['path', 'label']);
    expect(read.table.records.map((r) => [r.fields[0], r.line])).toEqual([
      ['a.png', 2],
      ['b\nc.png', 4],
      ['d.png', 7],
    ]);
  });

  it('turns invalid CSV into one problem with its line', () => {
    const read = readCsvTable('path,label\na.png,"unclosed\n', 'labels.csv');
    expect(read).toEqual({ problem: expect.objectContaining({ file: 'labels.csv', kind: 'malformed-csv', line: 2 }) });
    expect(readCsvTable('', 'x.csv')).toEqual({ problem: expect.objectContaining({ file: 'x.csv', kind: 'empty-file' }) });
  });
});

describe('normalizeDatasetPath', () => {
  it.each([
    ['./a/b.png', 'a/b.png'],
    ['a\\b\\c.png', 'a/b/c.png'],
    ['.\\a\\b.png', 'a/b.png'],
    [' a//b/./c.png ', 'a/b/c.png'],
    ['a/x/../b.png', 'a/b.png'],
    ['../outside.png', '../outside.png'],
    ['/abs/a.png', '/abs/a.png'],
  ])('%s -> %s', (raw, normalized) => {
    expect(normalizeDatasetPath(raw)).toBe(normalized);
  });
});

describe('findColumns', () => {
  it('finds columns ignoring case and lists the missing ones', () => {
    expect(findColumns(['Path', 'x', 'LABEL'], ['path', 'label'])).toEqual({ index: { path: 0, label: 2 }, missing: [] });
    expect(findColumns(['path'], ['path', 'label', 'score'])).toEqual({ index: { path: 0 }, missing: ['label', 'score'] });
  });
});
