import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assignLabels, classList, folderLabels, parseLabelsCsv } from './labels.js';
import { FMNIST_10K_DIR, HAS_FMNIST_10K } from '../../../test/fixtures/shared-datasets.js';

const images = ['a.png', 'images/cat/1.png', 'images/cat/2.png', 'images/dog/3.png', 'images/dog/4.png'];

describe('folderLabels', () => {
  it('uses the immediate parent folder; root files are unlabelled', () => {
    expect(folderLabels(images)).toEqual([null, 'cat', 'cat', 'dog', 'dog']);
  });
});

describe('classList', () => {
  it('sorts unique labels in code-unit order', () => {
    expect(classList(['b', null, 'B', 'a', 'b', 'é'])).toEqual(['B', 'a', 'b', 'é']);
  });
});

describe('parseLabelsCsv', () => {
  it('assigns labels and labels-file rows, accepting ./ and backslashes', () => {
    const csv = 'path,label\n./images/dog/3.png,dog\nimages\\cat\\1.png,cat\nimages/cat/2.png,kitten\n';
    const result = parseLabelsCsv(csv, 'labels.csv', images);
    if (!result.ok) throw new Error('expected labels');
    expect(result.assignment.labels).toEqual([null, 'cat', 'kitten', 'dog', null]);
    expect(result.assignment.labelsRows).toEqual([null, 1, 2, 0, null]);
    expect(result.assignment.classes).toEqual(['cat', 'dog', 'kitten']);
    expect(result.assignment.problems).toEqual([
      expect.objectContaining({ file: 'labels.csv', kind: 'unlabelled-images', message: expect.stringMatching(/^2 image\(s\) have no row in labels.csv.*a\.png, images\/dog\/4\.png/) }),
    ]);
  });

  it('reports unknown paths, duplicate rows, conflicting and empty labels with file and line; the first row wins', () => {
    const csv = [
      'path,label,notes',
      'images/cat/1.png,cat,first', // line 2
      'images/cat/nope.png,cat,', // line 3: unknown
      'images/cat/1.png,cat,again', // line 4: duplicate
      'images/cat/1.png,dog,', // line 5: conflicting
      'images/dog/3.png,  ,', // line 6: empty label
      ',dog,', // line 7: empty path
      'images/dog/4.png', // line 8: label field missing
      'a.png,none', // line 9
    ].join('\n');
    const result = parseLabelsCsv(csv, 'my labels.csv', images);
    if (!result.ok) throw new Error('expected labels');
    const { labels, labelsRows, problems } = result.assignment;
    expect(labels).toEqual(['none', 'cat', null, null, null]);
    expect(labelsRows).toEqual([7, 0, null, null, null]);
    expect(problems.filter((p) => p.kind !== 'unlabelled-images')).toEqual([
      { file: 'my labels.csv', line: 3, kind: 'unknown-path', message: 'my labels.csv line 3: images/cat/nope.png is not an image in the dataset; the row is ignored.' },
      { file: 'my labels.csv', line: 4, kind: 'duplicate-row', message: 'my labels.csv line 4: images/cat/1.png is listed again (first on line 2); the first row is used.' },
      {
        file: 'my labels.csv',
        line: 5,
        kind: 'conflicting-label',
        message: "my labels.csv line 5: images/cat/1.png is labelled 'dog' here but 'cat' on line 2; the first label is used.",
      },
      { file: 'my labels.csv', line: 6, kind: 'empty-label', message: 'my labels.csv line 6: the label is empty; the row is ignored.' },
      { file: 'my labels.csv', line: 7, kind: 'empty-path', message: 'my labels.csv line 7: the path is empty; the row is ignored.' },
      { file: 'my labels.csv', line: 8, kind: 'empty-label', message: 'my labels.csv line 8: the label field is missing; the row is ignored.' },
    ]);
  });

  it('lists the first unknown paths and summarises the rest', () => {
    const rows = Array.from({ length: 25 }, (_, i) => `missing/${i}.png,x`);
    const result = parseLabelsCsv(['path,label', ...rows].join('\n'), 'labels.csv', images);
    if (!result.ok) throw new Error('expected labels');
    const unknown = result.assignment.problems.filter((p) => p.kind === 'unknown-path');
    expect(unknown).toHaveLength(11);
    expect(unknown[9]).toMatchObject({ line: 11 });
    expect(unknown[10]?.message).toMatch(/^15 more 'unknown-path' problems in labels.csv/);
  });

  it('rejects a file without a path or label column, naming the missing column', () => {
    expect(parseLabelsCsv('file,class\na.png,cat\n', 'labels.csv', images)).toEqual({
      ok: false,
      problems: [{ file: 'labels.csv', line: 1, kind: 'missing-column', message: "labels.csv line 1: the header has no 'path' and 'label' column (found: file, class)." }],
    });
    const noLabel = parseLabelsCsv('path\na.png\n', 'labels.csv', images);
    expect(noLabel.ok).toBe(false);
    expect(!noLabel.ok && noLabel.problems[0]?.message).toMatch(/no 'label' column/);
  });
});

describe('splits', () => {
  it('take the labels file split column where given, else a train/val/test folder in the path', () => {
    const paths = ['train/cat/1.png', 'val/cat/2.png', 'x/dog/3.png', 'x/dog/4.png'];
    const text = 'path,label,split\ntrain/cat/1.png,cat,\nval/cat/2.png,cat,Test\nx/dog/3.png,dog,validation\nx/dog/4.png,dog,\n';
    const result = parseLabelsCsv(text, 'labels.csv', paths);
    if (!result.ok) throw new Error('expected the file to parse');
    expect(result.assignment.splits).toEqual(['train', 'test', 'val', null]);
  });

  it('come from folders when labels do', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'dh-splits-'));
    try {
      const result = await assignLabels(root, ['train/cat/1.png', 'testing/dog/2.png', 'dog/3.png']);
      expect(result.labels).toEqual(['cat', 'dog', 'dog']);
      expect(result.splits).toEqual(['train', 'test', null]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('assignLabels', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'dh-labels-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('uses labels.csv in the root when present', async () => {
    writeFileSync(path.join(root, 'labels.csv'), 'path,label\nimages/cat/1.png,tabby\n');
    const result = await assignLabels(root, images);
    expect(result).toMatchObject({ source: 'csv', labelsFile: 'labels.csv', classes: ['tabby'] });
    expect(result.labels).toEqual([null, 'tabby', null, null, null]);
  });

  it('uses an explicit labels file, relative to the root or absolute', async () => {
    writeFileSync(path.join(root, 'other.csv'), 'path,label\na.png,thing\n');
    const relative = await assignLabels(root, images, { labelsPath: 'other.csv' });
    expect(relative).toMatchObject({ source: 'csv', labelsFile: 'other.csv', classes: ['thing'] });
    const absolute = await assignLabels(root, images, { labelsPath: path.join(root, 'other.csv') });
    expect(absolute.labels[0]).toBe('thing');
  });

  it('falls back to folder labels when labels.csv lacks its columns, and says so', async () => {
    writeFileSync(path.join(root, 'labels.csv'), 'file,label\n');
    const result = await assignLabels(root, images);
    expect(result).toMatchObject({ source: 'folders', labelsFile: null, classes: ['cat', 'dog'] });
    expect(result.labelsRows).toEqual([null, null, null, null, null]);
    expect(result.problems.map((p) => p.kind)).toEqual(['missing-column', 'labels-file-ignored']);
  });

  it('reports an explicit labels file that does not exist and uses folders', async () => {
    const result = await assignLabels(root, images, { labelsPath: 'nope.csv' });
    expect(result.source).toBe('folders');
    expect(result.problems).toEqual([expect.objectContaining({ file: 'nope.csv', kind: 'unreadable-file' })]);
  });

  it("says 'none' when no image sits in a folder and there is no labels file", async () => {
    const result = await assignLabels(root, ['a.png', 'b.png']);
    expect(result).toMatchObject({ source: 'none', classes: [], labels: [null, null], problems: [] });
  });

  it.skipIf(!HAS_FMNIST_10K)('reads the Fashion-MNIST labels.csv: 10 classes, row order kept', async () => {
    const fmnist = FMNIST_10K_DIR;
    const { readFileSync } = await import('node:fs');
    const rows = readFileSync(path.join(fmnist, 'labels.csv'), 'utf8').trim().split(/\r?\n/).slice(1);
    const paths = rows.map((r) => r.split(',')[0] as string).sort();
    const result = await assignLabels(fmnist, paths);
    expect(result.source).toBe('csv');
    expect(result.problems).toEqual([]);
    expect(result.classes).toEqual(['ankle_boot', 'bag', 'coat', 'dress', 'pullover', 'sandal', 'shirt', 'sneaker', 't-shirt_top', 'trouser']);
    const firstRowPath = rows[0]?.split(',')[0] as string;
    expect(result.labelsRows[paths.indexOf(firstRowPath)]).toBe(0);
    // The folder and the CSV agree on every image in this dataset.
    expect(result.labels).toEqual(folderLabels(paths));
  });
});
