import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseYoloDataYaml, yoloSplitOfImage } from './yolo-data-yaml.js';
import { parseYoloTxt, yoloLabelPath } from './yolo-txt.js';
import { readYoloGroundTruth, readYoloPredictions } from './yolo.js';

describe('parseYoloDataYaml', () => {
  it('reads names as a list or a map, and the split folders', () => {
    const list = parseYoloDataYaml('path: ../datasets/x\ntrain: images/train\nval: [images/val, images/val2]\nnames: [person, car]\n', 'data.yaml');
    expect(list).toMatchObject({ ok: true, data: { classNames: ['person', 'car'], root: '../datasets/x', splits: { train: ['images/train'], val: ['images/val', 'images/val2'] } } });
    const map = parseYoloDataYaml('nc: 3\nnames:\n  0: person\n  2: dog\n', 'data.yaml');
    if (!map.ok) throw new Error('expected the yaml to parse');
    expect(map.data.classNames).toEqual(['person', 'class_1', 'dog']);
    expect(map.problems.map((p) => p.kind)).toEqual(['missing-class-name']);
  });

  it('reports bad YAML with its line and yaml that is not a YOLO data file', () => {
    const broken = parseYoloDataYaml('names: [a, b\nval: x\n', 'data.yaml');
    expect(broken).toMatchObject({ ok: false, problems: [{ file: 'data.yaml', kind: 'malformed-yaml', line: 2 }] });
    const wrong = parseYoloDataYaml('names: 12\n', 'data.yaml');
    expect(wrong.problems[0]?.message).toBe('data.yaml: names must be a list of names or a map from class index to name; the file is ignored.');
    expect(parseYoloDataYaml('names:\n  a: person\n', 'data.yaml').problems[0]?.message).toContain("names key 'a' is not a class index");
  });

  it('finds an image split from the split folders', () => {
    const yaml = parseYoloDataYaml('train: ../train/images\nval: /data/ds/images/val\nnames: [a]\n', 'data.yaml');
    if (!yaml.ok) throw new Error('expected the yaml to parse');
    expect(yoloSplitOfImage('train/images/1.jpg', yaml.data)).toBe('train');
    expect(yoloSplitOfImage('images/val/2.jpg', yaml.data)).toBe('val');
    expect(yoloSplitOfImage('images/test/3.jpg', yaml.data)).toBeNull();
  });
});

describe('parseYoloTxt', () => {
  it('reads boxes, polygons and confidences and names each malformed line', () => {
    const gt = parseYoloTxt('0 0.5 0.5 0.2 0.4\n\n1 0.1 0.1 0.3 0.1 0.2 0.3\nx 0.5 0.5 0.1 0.1\n0 0.5 abc 0.1 0.1\n0 0.5 0.5 0.1\n', 'labels/a.txt', 'ground-truth');
    expect(gt.rows).toEqual([
      { classIndex: 0, cx: 0.5, cy: 0.5, w: 0.2, h: 0.4, score: Number.NaN, line: 1 },
      // The triangle (0.1,0.1) (0.3,0.1) (0.2,0.3) has bounding box x 0.1–0.3, y 0.1–0.3.
      { classIndex: 1, cx: 0.2, cy: 0.2, w: expect.closeTo(0.2, 12), h: expect.closeTo(0.2, 12), score: Number.NaN, line: 3 },
    ]);
    expect(gt.problems.map((p) => [p.line, p.kind])).toEqual([
      [4, 'malformed-line'],
      [5, 'malformed-line'],
      [6, 'malformed-line'],
    ]);
    expect(gt.problems[1]?.message).toBe("labels/a.txt line 5: field 3 'abc' is not a number, expected 'class cx cy w h' (or a polygon); the line is ignored.");
    const pred = parseYoloTxt('2 0.5 0.5 0.2 0.2 0.87\n2 0.5 0.5 0.2 0.2\n', 'p.txt', 'predictions');
    expect(pred.rows).toEqual([{ classIndex: 2, cx: 0.5, cy: 0.5, w: 0.2, h: 0.2, score: 0.87, line: 1 }]);
    expect(pred.problems).toHaveLength(1);
  });

  it('swaps the last images folder for labels', () => {
    expect(yoloLabelPath('images/val/a.jpg')).toBe('labels/val/a.txt');
    expect(yoloLabelPath('ds/images/x/images/b.v2.png')).toBe('ds/images/x/labels/b.v2.txt');
    expect(yoloLabelPath('loose/c.jpg')).toBe('loose/c.txt');
  });
});

describe('readYoloGroundTruth and readYoloPredictions', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'det-yolo-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  };
  const imagePaths = ['images/val/a.jpg', 'images/val/b.jpg', 'images/val/c.jpg', 'images/train/d.jpg', 'loose/e.jpg', 'images/val/nosize.jpg'];
  const sizeOf = (p: string) => (p.includes('nosize') ? null : { width: 200, height: 100 });
  write('labels/val/a.txt', '0 0.5 0.5 0.5 0.5\n1 0.95 0.5 0.2 0.2\n7 0.5 0.5 0.1 0.1\n0 0.5 0.5 0 0.3\n');
  write('labels/val/b.txt', '');
  write('labels/val/nosize.txt', '0 0.5 0.5 0.1 0.1\n');
  write('labels/train/d.txt', 'oops\n');
  write('preds/labels/a.txt', '0 0.5 0.5 0.5 0.5 0.9\n1 0.5 0.5 0.1 0.1 0.3 extra\n');
  write('preds/labels/zzz.txt', '0 0.5 0.5 0.5 0.5 0.9\n');
  write('preds/labels/val/b.txt', '0 0.1 0.1 0.1 0.1 0.4\n');

  it('denormalises, clips, drops and reports, and covers images without a label file as background', async () => {
    const { set, problems } = await readYoloGroundTruth(root, imagePaths, ['cat', 'dog'], sizeOf);
    // a: the cat [0.25..0.75]·200 × [0.25..0.75]·100 → [50,25,150,75]; the dog at cx .95, w .2 → x 170..210,
    // clipped to 200. Class 7 is unknown; the zero-width box is dropped.
    expect(Array.from(set.boxes.xyxy)).toEqual([50, 25, 150, 75, 170, 40, 200, 60]);
    expect(Array.from(set.boxes.classIndex)).toEqual([0, 1]);
    // a, b (empty file), c (no file, under images/), d (only a malformed line) are covered; loose/e.jpg has no file
    // and sits outside any images/ folder; nosize's box cannot be placed.
    expect(Array.from(set.covered)).toEqual([1, 1, 1, 1, 0, 0]);
    const byKind = new Map(problems.map((p) => [p.kind, p]));
    expect(byKind.get('malformed-line')).toMatchObject({ file: 'labels/train/d.txt', line: 1 });
    expect(byKind.get('empty-box')).toMatchObject({ file: 'labels/val/a.txt', line: 4 });
    expect(byKind.get('unknown-class')?.message).toContain('1 (1 boxes): 7');
    expect(byKind.get('box-clipped')?.message).toBe('labels/val/a.txt: 1 box reached outside the image and was clipped to it.');
    expect(byKind.get('unknown-image-size')?.message).toContain('labels/val/nosize.txt');
    expect(byKind.get('no-label-file')?.message).toContain('1 images have no label file');
  });

  it('joins prediction files by path or by unique stem and reports the rest', async () => {
    // b is not labelled here, so its predictions are read but reported as not scored.
    const covered = Uint8Array.from([1, 0, 1, 0, 0, 0]);
    const result = await readYoloPredictions(path.join(root, 'preds'), 'preds', imagePaths, 2, covered, sizeOf);
    if (!result.ok) throw new Error('expected predictions');
    // labels/a.txt joins images/val/a.jpg by stem; labels/val/b.txt by path; zzz.txt matches no image.
    expect(Array.from(result.boxes.imageIndex)).toEqual([0, 1]);
    expect(Array.from(result.boxes.score)).toEqual([Math.fround(0.9), Math.fround(0.4)]);
    const byKind = new Map(result.problems.map((p) => [p.kind, p]));
    expect(byKind.get('malformed-line')).toMatchObject({ file: 'preds/labels/a.txt', line: 2 });
    expect(byKind.get('unknown-image')?.message).toContain('labels/zzz.txt');
    expect(byKind.get('missing-prediction')?.message).toBe('preds: 1 labelled images have no prediction file and count as predicted empty (images/val/c.jpg).');
    expect(byKind.get('unlabelled-image')?.message).toContain('preds/labels/val/b.txt');
  });

  it('reports a predictions folder that cannot be read', async () => {
    const result = await readYoloPredictions(path.join(root, 'nope'), 'nope', imagePaths, 2, new Uint8Array(6), sizeOf);
    expect(result).toMatchObject({ ok: false, problems: [{ file: 'nope', kind: 'unreadable-folder' }] });
  });
});
