import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { boxColumnsOf, type BoxInput, type DetectionSet } from '../detection/index.js';
import { locateAnnotations, locateDetectionPredictions } from './detection-sources.js';
import { DISPLAY_MIN_SCORE, detectionHealth, dominantClassLabels, NO_OBJECT_LABEL, readDetectionGroundTruth, summarizeImagePredictions } from './detection-stage.js';

const roots: string[] = [];
function tempRoot(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'dh-det-stage-'));
  roots.push(root);
  return root;
}
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

const box = (imageIndex: number, classIndex: number, x: number, score = Number.NaN): BoxInput => ({ x1: x, y1: 0, x2: x + 10, y2: 10, imageIndex, classIndex, score, crowd: false });

function set(boxes: BoxInput[], covered: number[], classNames = ['cat', 'dog']): DetectionSet {
  return { boxes: boxColumnsOf(boxes), classNames, covered: Uint8Array.from(covered) };
}

describe('locating detection files', () => {
  it('prefers data.yaml, then annotations/instances*.json, annotations.json, Annotations/; none means classification', () => {
    const root = tempRoot();
    expect(locateAnnotations(root, undefined, null)).toEqual({ found: null });
    mkdirSync(path.join(root, 'Annotations'));
    writeFileSync(path.join(root, 'Annotations', 'a.xml'), '<annotation/>');
    expect(locateAnnotations(root, undefined, null).found).toMatchObject({ format: 'voc', shown: 'Annotations' });
    writeFileSync(path.join(root, 'annotations.json'), '{}');
    expect(locateAnnotations(root, undefined, null).found).toMatchObject({ format: 'coco', shown: 'annotations.json' });
    mkdirSync(path.join(root, 'annotations'));
    writeFileSync(path.join(root, 'annotations', 'instances_val.json'), '{}');
    writeFileSync(path.join(root, 'annotations', 'instances_train.json'), '{}');
    expect(locateAnnotations(root, undefined, null).found).toMatchObject({ format: 'coco', shown: 'annotations/instances_train.json' });
    writeFileSync(path.join(root, 'data.yaml'), 'names: [a]\n');
    expect(locateAnnotations(root, undefined, null).found).toMatchObject({ format: 'yolo', shown: 'data.yaml' });
  });

  it('reports a given path that is missing or of no known format', () => {
    const root = tempRoot();
    writeFileSync(path.join(root, 'boxes.txt'), '');
    expect(locateAnnotations(root, 'nope.json', null)).toMatchObject({ found: null, problem: { kind: 'missing-file', file: 'nope.json' } });
    expect(locateAnnotations(root, 'boxes.txt', null)).toMatchObject({ found: null, problem: { kind: 'unknown-annotations-format' } });
    expect(locateDetectionPredictions(root, 'boxes.txt', null)).toMatchObject({ found: null, problem: { kind: 'unknown-predictions-format' } });
    mkdirSync(path.join(root, 'predictions'));
    expect(locateDetectionPredictions(root, undefined, null).found).toMatchObject({ format: 'yolo-txt', shown: 'predictions' });
  });
});

describe('reading ground truth', () => {
  it('reads VOC and reports an invalid XML file with its line, keeping the others', async () => {
    const root = tempRoot();
    mkdirSync(path.join(root, 'Annotations'));
    writeFileSync(
      path.join(root, 'Annotations', 'a.xml'),
      '<annotation><filename>a.jpg</filename><object><name>dog</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>10</xmax><ymax>10</ymax></bndbox></object></annotation>',
    );
    writeFileSync(path.join(root, 'Annotations', 'b.xml'), '<annotation>\n<filename>b.jpg</filename>\n<object>\n</annotation>');
    const images = ['JPEGImages/a.jpg', 'JPEGImages/b.jpg'].map((p) => ({ path: p, width: 20, height: 20 }));
    const read = await readDetectionGroundTruth(root, undefined, null, images, new AbortController().signal);
    expect(read.detection?.annotations.format).toBe('voc');
    expect(read.detection?.gt.set.classNames).toEqual(['dog']);
    expect(Array.from(read.detection?.gt.set.covered ?? [])).toEqual([1, 0]);
    expect(read.problems).toEqual([expect.objectContaining({ file: 'Annotations/b.xml', kind: 'malformed-xml', line: expect.any(Number) })]);
  });

  it('falls back to classification when the annotations cannot be read at all', async () => {
    const root = tempRoot();
    writeFileSync(path.join(root, 'annotations.json'), '{ not json');
    const read = await readDetectionGroundTruth(root, undefined, null, [], new AbortController().signal);
    expect(read.detection).toBeNull();
    expect(read.problems).toEqual([expect.objectContaining({ file: 'annotations.json', kind: 'malformed-json' })]);
  });
});

describe('per-image summaries', () => {
  it('labels an image by its most frequent class, the lowest class index on a tie', () => {
    const gt = set([box(0, 1, 0), box(0, 0, 20), box(1, 1, 0), box(1, 1, 20), box(1, 0, 40)], [1, 1, 1]);
    expect(dominantClassLabels(gt, 3)).toEqual(['cat', 'dog', null]);
  });

  it('summarises predictions above the display score, and calls an image right only with no false alarm and no miss', () => {
    const gt = set([box(0, 0, 0), box(1, 1, 0)], [1, 1, 1, 0]);
    const low = DISPLAY_MIN_SCORE / 2;
    const pred = boxColumnsOf([box(0, 0, 0, 0.9), box(0, 1, 50, low), box(1, 0, 0, 0.6), box(2, 0, 0, low), box(3, 0, 0, 0.9)]);
    const { predictions, info } = summarizeImagePredictions(gt, pred, 'p.json');
    expect(predictions).toEqual([
      { predictedLabel: 'cat', confidence: expect.closeTo(0.9, 6), correct: true, loss: null },
      { predictedLabel: 'cat', confidence: expect.closeTo(0.6, 6), correct: false, loss: null },
      { predictedLabel: NO_OBJECT_LABEL, confidence: null, correct: true, loss: null },
      null,
    ]);
    expect(info).toEqual({ file: 'p.json', matched: 3, missing: 0, hasProbabilities: false, accuracy: 2 / 3 });
  });

  it('scores nothing without predictions, and turns undefined report figures into null', () => {
    const gt = set([box(0, 0, 0)], [1]);
    expect(detectionHealth({ gt, pred: null })).toBeNull();
    const health = detectionHealth({ gt, pred: boxColumnsOf([box(0, 0, 0, 0.9)]) });
    expect(health?.report.map50).toBeCloseTo(1, 10);
    // dog has no box and no prediction: no AP, precision, recall or F1.
    expect(health?.report.perClass[1]).toMatchObject({ ap: null, precision: null, recall: null, f1: null, support: 0 });
    expect(health?.columns.map((c) => c.name)).toContain('det_f1');
  });
});
