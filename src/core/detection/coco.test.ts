import { describe, expect, it } from 'vitest';
import { cocoResultsTarget, cocoResultsTargetByStem, parseCocoGroundTruth, parseCocoResults } from './coco.js';

const imagePaths = ['images/val/1.jpg', 'images/val/2.jpg', 'images/train/3.jpg', 'images/train/dup.jpg', 'images/val/dup.jpg'];
const sizes: Record<string, { width: number; height: number }> = { 'images/val/2.jpg': { width: 50, height: 40 } };
const sizeOf = (p: string) => sizes[p] ?? null;

const instances = {
  images: [
    { id: 1, file_name: '1.jpg', width: 100, height: 80 },
    { id: 2, file_name: 'val/2.jpg' },
    { id: 7, file_name: 'missing.jpg', width: 10, height: 10 },
    { id: 8, file_name: 'dup.jpg', width: 10, height: 10 },
    { id: 9, file_name: '/data/coco/images/train/3.jpg', width: 30, height: 30 },
  ],
  annotations: [
    { id: 1, image_id: 1, category_id: 3, bbox: [10, 10, 20, 20], area: 400, iscrowd: 0 },
    { id: 2, image_id: 1, category_id: 1, bbox: [90, 70, 20, 20], iscrowd: 1 },
    { id: 3, image_id: 2, category_id: 1, bbox: [0, 0, 0, 5] },
    { id: 4, image_id: 2, category_id: 42, bbox: [0, 0, 5, 5] },
    { id: 5, image_id: 2, category_id: 1, bbox: [0, 0, 5] },
    { id: 6, image_id: 99, category_id: 1, bbox: [0, 0, 5, 5] },
    { id: 7, image_id: 7, category_id: 1, bbox: [0, 0, 5, 5] },
  ],
  categories: [
    { id: 3, name: 'dog' },
    { id: 1, name: 'cat' },
  ],
};

describe('parseCocoGroundTruth', () => {
  const parsed = parseCocoGroundTruth(JSON.stringify(instances), 'instances.json', imagePaths, sizeOf);
  if (!parsed.ok) throw new Error('expected the file to parse');
  const kinds = parsed.problems.map((p) => p.kind);

  it('orders classes by category id and joins file names by trailing path segments', () => {
    expect(parsed.set.classNames).toEqual(['cat', 'dog']);
    expect(parsed.categoryIds).toEqual([1, 3]);
    // 1.jpg by file name, val/2.jpg by two segments, an absolute path by its tail; dup.jpg is ambiguous.
    expect([...parsed.imageIndexById]).toEqual([
      [1, 0],
      [2, 1],
      [9, 2],
    ]);
    expect(Array.from(parsed.set.covered)).toEqual([1, 1, 1, 0, 0]);
  });

  it('converts boxes to corners, keeps crowd flags and clips to the image', () => {
    const { boxes } = parsed.set;
    expect(Array.from(boxes.imageIndex)).toEqual([0, 0]);
    expect(Array.from(boxes.classIndex)).toEqual([1, 0]);
    expect(Array.from(boxes.crowd)).toEqual([0, 1]);
    // The crowd [90,70,20,20] reaches past the 100 × 80 image: clipped to [90,70,100,80].
    expect(Array.from(boxes.xyxy)).toEqual([10, 10, 30, 30, 90, 70, 100, 80]);
    expect(Array.from(boxes.score).every(Number.isNaN)).toBe(true);
    expect(parsed.problems.find((p) => p.kind === 'box-clipped')?.message).toContain('1 box reached outside');
  });

  it('reports every annotation it cannot use without stopping', () => {
    expect(kinds).toEqual(expect.arrayContaining(['ambiguous-image', 'unknown-image', 'empty-box', 'bad-entry', 'unknown-image-id', 'unknown-class']));
    expect(parsed.problems.find((p) => p.kind === 'bad-entry')?.message).toBe(
      'instances.json: annotations[4]: bbox must be [x, y, width, height] numbers; the annotation is ignored.',
    );
    expect(parsed.problems.find((p) => p.kind === 'ambiguous-image')?.message).toContain('images/train/dup.jpg, images/val/dup.jpg');
    expect(parsed.problems.find((p) => p.kind === 'unknown-class')?.message).toContain('1 (1 annotations): 42');
    // The annotation of image 7 (listed but not in the dataset) is dropped silently: the image was reported once.
    expect(kinds.filter((k) => k === 'unknown-image')).toHaveLength(1);
  });

  it('refuses a file that is not JSON or not COCO, naming the line', () => {
    // V8 names the position for this error (Node 20: "at position 17"; later: "line 4 column 2").
    const broken = parseCocoGroundTruth('{\n"images": [1\n\n x]}', 'bad.json', imagePaths);
    expect(broken.ok).toBe(false);
    expect(broken.problems[0]).toMatchObject({ file: 'bad.json', kind: 'malformed-json', line: 4 });
    const notCoco = parseCocoGroundTruth('{"images": []}', 'x.json', imagePaths);
    expect(notCoco.problems[0]?.message).toContain("needs a 'categories' array");
  });
});

describe('parseCocoResults', () => {
  const gt = parseCocoGroundTruth(JSON.stringify(instances), 'instances.json', imagePaths, sizeOf);
  if (!gt.ok) throw new Error('expected the file to parse');
  const target = cocoResultsTarget(gt, imagePaths, sizeOf);

  it('joins detections by image id and category id and reports the rest', () => {
    const results = [
      { image_id: 1, category_id: 3, bbox: [10, 10, 20, 20], score: 0.9 },
      { image_id: 1, category_id: 1, bbox: [-5, 0, 10, 10], score: 0.5 },
      { image_id: 1, category_id: 42, bbox: [0, 0, 5, 5], score: 0.5 },
      { image_id: 123, category_id: 1, bbox: [0, 0, 5, 5], score: 0.5 },
      { image_id: 1, category_id: 1, bbox: [0, 0, -1, 5], score: 0.5 },
      { image_id: 1, category_id: 1, bbox: [0, 0, 5, 5] },
    ];
    const parsed = parseCocoResults(JSON.stringify(results), 'results.json', target);
    if (!parsed.ok) throw new Error('expected the file to parse');
    expect(Array.from(parsed.boxes.classIndex)).toEqual([1, 0]);
    expect(Array.from(parsed.boxes.score)).toEqual([Math.fround(0.9), 0.5]);
    // [-5,0,10,10] starts left of the image: clipped to x1 = 0.
    expect(Array.from(parsed.boxes.xyxy.subarray(4))).toEqual([0, 0, 5, 10]);
    const byKind = new Map(parsed.problems.map((p) => [p.kind, p.message]));
    expect(byKind.get('unknown-image')).toContain('image_id 123');
    expect(byKind.get('unknown-class')).toContain('42');
    expect(byKind.get('empty-box')).toContain('results.json: [4]: the box [0, 0, -1, 5] has zero or negative size');
    expect(byKind.get('bad-entry')).toBe('results.json: [5]: score must be a number; the detection is ignored.');
    // Images 2 and 3 (covered by the labels) got no detection.
    expect(byKind.get('missing-prediction')).toContain('2 labelled images have no detection');
    expect(byKind.get('box-clipped')).toContain('1 box');
  });

  it('joins Ultralytics-style results by file stem and class index', () => {
    const byStem = cocoResultsTargetByStem(imagePaths, 2, Uint8Array.from([1, 1, 1, 1, 1]));
    const parsed = parseCocoResults(
      JSON.stringify([
        { image_id: 3, category_id: 1, bbox: [1, 1, 2, 2], score: 0.3 },
        { image_id: 'dup', category_id: 0, bbox: [1, 1, 2, 2], score: 0.3 },
        { image_id: 2, category_id: 5, bbox: [1, 1, 2, 2], score: 0.3 },
      ]),
      'predictions.json',
      byStem,
    );
    if (!parsed.ok) throw new Error('expected the file to parse');
    expect(Array.from(parsed.boxes.imageIndex)).toEqual([2]);
    expect(parsed.problems.map((p) => p.kind)).toEqual(['unknown-image', 'unknown-class', 'missing-prediction']);
  });

  it('refuses a results file that is not an array', () => {
    const parsed = parseCocoResults('{"annotations": []}', 'r.json', target);
    expect(parsed).toMatchObject({ ok: false, problems: [{ file: 'r.json', kind: 'not-coco-results' }] });
  });
});
