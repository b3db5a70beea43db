import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseVocXml, readVocAnnotations } from './voc.js';

const voc = (filename: string, objects: string, size = '<size><width>100</width><height>50</height><depth>3</depth></size>') =>
  `<annotation>\n  <folder>VOC2007</folder>\n  <filename>${filename}</filename>\n  ${size}\n${objects}</annotation>\n`;
const object = (name: string, [xmin, ymin, xmax, ymax]: number[], difficult = 0) =>
  `  <object><name>${name}</name><difficult>${difficult}</difficult><bndbox><xmin>${xmin}</xmin><ymin>${ymin}</ymin><xmax>${xmax}</xmax><ymax>${ymax}</ymax></bndbox></object>\n`;

describe('parseVocXml', () => {
  it('reads filename, size and objects, keeping names that look like numbers as text', () => {
    const parsed = parseVocXml(voc('007.jpg', object('dog', [1, 1, 10, 20]) + object('cat', [5, 5, 6, 6], 1)), 'Annotations/007.xml');
    expect(parsed).toMatchObject({
      ok: true,
      annotation: {
        filename: '007.jpg',
        size: { width: 100, height: 50 },
        objects: [
          { name: 'dog', xmin: 1, ymin: 1, xmax: 10, ymax: 20, difficult: false },
          { name: 'cat', difficult: true },
        ],
      },
    });
  });

  it('refuses invalid XML with its line, and reports a bad object without dropping the file', () => {
    const broken = parseVocXml('<annotation>\n<filename>a.jpg</filename>\n<object>\n</annotation>', 'Annotations/a.xml');
    expect(broken).toMatchObject({ ok: false, problems: [{ file: 'Annotations/a.xml', kind: 'malformed-xml', line: 4 }] });
    const badObject = parseVocXml(voc('a.jpg', '<object><name>dog</name><bndbox><xmin>x</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object>'), 'a.xml');
    expect(badObject.problems[0]?.message).toBe('a.xml: object 1: bndbox.xmin is not a number; the object is ignored.');
    expect(parseVocXml('<root/>', 'r.xml').problems[0]?.message).toBe('r.xml: annotation is missing (not a Pascal VOC annotation); the file is ignored.');
  });
});

describe('readVocAnnotations', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'det-voc-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(path.join(root, 'Annotations', 'sub'), { recursive: true });
  const write = (rel: string, text: string) => writeFileSync(path.join(root, 'Annotations', rel), text);
  write('a.xml', voc('a.jpg', object('dog', [1, 1, 10, 20]) + object('cat', [90, 40, 120, 60], 1) + object('dog', [5, 5, 4, 9])));
  write('sub/b.xml', voc('b.jpg', object('bird', [1, 1, 2, 2]), ''));
  write('c.xml', voc('ghost.jpg', object('dog', [1, 1, 2, 2])));
  write('d.xml', '<annotation><filename>d.jpg</filename>');
  const imagePaths = ['JPEGImages/a.jpg', 'JPEGImages/b.jpg', 'JPEGImages/d.jpg'];

  it('reads the folder into boxes in continuous pixel coordinates and reports what it drops', async () => {
    const result = await readVocAnnotations(root, imagePaths, { sizeOf: () => ({ width: 64, height: 64 }) });
    if (!result.ok) throw new Error('expected annotations');
    const { set, problems } = result;
    expect(set.classNames).toEqual(['bird', 'cat', 'dog']);
    // dog pixels 1..10 × 1..20 → [0,0,10,20]; the difficult cat [89,39,120,60] is clipped to the 100 × 50 image and
    // kept as an ignore region; the inverted dog (columns 5..4 → [4, 4]) is dropped. b.xml has no <size>: sizeOf gives 64 × 64.
    expect(Array.from(set.boxes.xyxy)).toEqual([0, 0, 10, 20, 89, 39, 100, 50, 0, 0, 2, 2]);
    expect(Array.from(set.boxes.classIndex)).toEqual([2, 1, 0]);
    expect(Array.from(set.boxes.crowd)).toEqual([0, 1, 0]);
    expect(Array.from(set.covered)).toEqual([1, 1, 0]);
    const byKind = new Map(problems.map((p) => [p.kind, p]));
    expect(byKind.get('malformed-xml')).toMatchObject({ file: 'Annotations/d.xml' });
    expect(byKind.get('empty-box')?.message).toBe('Annotations/a.xml: object 3 (dog): the box has zero or negative size (0 × 5 px); it is dropped.');
    expect(byKind.get('unknown-image')?.message).toContain('Annotations/c.xml');
    expect(byKind.get('box-clipped')?.file).toBe('Annotations/a.xml');
  });

  it('keeps to a given class list and reports other names', async () => {
    const result = await readVocAnnotations(root, imagePaths, { classNames: ['dog'] });
    if (!result.ok) throw new Error('expected annotations');
    expect(Array.from(result.set.boxes.classIndex)).toEqual([0]);
    expect(result.problems.find((p) => p.kind === 'unknown-class')?.message).toContain('2 (2 objects): cat, bird');
  });

  it('reports a missing annotations folder', async () => {
    const result = await readVocAnnotations(root, imagePaths, { annotationsDir: 'Nope' });
    expect(result).toMatchObject({ ok: false, problems: [{ file: 'Nope', kind: 'unreadable-folder' }] });
  });
});
