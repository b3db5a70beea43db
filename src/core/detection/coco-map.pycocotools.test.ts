import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../project/prng.js';
import { cocoMeanAveragePrecision } from './coco-map.js';
import { cocoResultsTarget, parseCocoGroundTruth, parseCocoResults } from './coco.js';

/** Debian's python, which sees Debian's python3-pycocotools; the `python3` on PATH may not. */
const PYTHON = '/usr/bin/python3';
const hasPycocotools = spawnSync(PYTHON, ['-c', 'import pycocotools.cocoeval'], { stdio: 'ignore' }).status === 0;

const EVAL_SCRIPT = `
import contextlib, io, json, sys
import numpy as np
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval
with contextlib.redirect_stdout(io.StringIO()):
    gt = COCO(sys.argv[1])
    dt = gt.loadRes(sys.argv[2])
    ev = COCOeval(gt, dt, 'bbox')
    ev.evaluate(); ev.accumulate(); ev.summarize()
precision = ev.eval['precision']  # [iou, recall, class, area, maxDets]
per_class = {}
for k, cat in enumerate(ev.params.catIds):
    p = precision[:, :, k, 0, 2]
    per_class[str(cat)] = float(np.mean(p[p > -1])) if (p > -1).any() else None
print(json.dumps({'stats': [float(s) for s in ev.stats[:3]], 'perClass': per_class}))
`;

/**
 * A random scene: integer boxes and scores that are multiples of 1/1024, so float32 columns hold them exactly and
 * both sides compute the same IoUs; some scores tie on purpose; a category without annotations, crowd regions,
 * class flips, loose boxes, false alarms, an image without predictions and one without ground truth.
 */
function randomScene(seed: number) {
  const random = mulberry32(seed);
  const int = (n: number) => Math.floor(random() * n);
  const categories = [1, 2, 5, 7].map((id) => ({ id, name: `c${id}` }));
  const annotated = [1, 2, 5];
  const images = Array.from({ length: 24 }, (_, i) => ({ id: i + 1, file_name: `img_${i}.jpg`, width: 640, height: 480 }));
  const annotations: object[] = [];
  const results: object[] = [];
  for (const image of images) {
    const objectCount = image.id === 24 ? 0 : 1 + int(6);
    for (let o = 0; o < objectCount; o += 1) {
      const w = 20 + int(120);
      const h = 20 + int(120);
      const x = int(640 - w);
      const y = int(480 - h);
      const category = annotated[int(annotated.length)] as number;
      const crowd = random() < 0.08 ? 1 : 0;
      annotations.push({ id: annotations.length + 1, image_id: image.id, category_id: category, bbox: [x, y, w, h], area: w * h, iscrowd: crowd });
      if (image.id === 23) continue;
      const copies = random() < 0.2 ? 2 : random() < 0.85 ? 1 : 0;
      for (let c = 0; c < copies; c += 1) {
        const jitter = () => int(2 + w / 4) - Math.floor(w / 8);
        const dx = jitter();
        const dy = jitter();
        const dw = jitter();
        const dh = jitter();
        const predicted = random() < 0.15 ? (categories[int(categories.length)]?.id as number) : category;
        // Kept inside the image: our readers clip boxes to it, pycocotools does not.
        const px = Math.min(Math.max(0, x + dx), 600);
        const py = Math.min(Math.max(0, y + dy), 440);
        const pw = Math.min(Math.max(4, w + dw), 640 - px);
        const ph = Math.min(Math.max(4, h + dh), 480 - py);
        results.push({ image_id: image.id, category_id: predicted, bbox: [px, py, pw, ph], score: (1 + int(40) * 25) / 1024 });
      }
    }
    if (image.id === 23) continue;
    for (let f = int(4); f > 0; f -= 1) {
      results.push({ image_id: image.id, category_id: categories[int(categories.length)]?.id, bbox: [int(560), int(400), 10 + int(70), 10 + int(70)], score: (1 + int(40) * 25) / 1024 });
    }
  }
  return { instances: { images, annotations, categories }, results };
}

describe.skipIf(!hasPycocotools)('COCO mAP against pycocotools', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'det-pycoco-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([1, 2, 3])('agrees on random scene %i', (seed) => {
    const { instances, results } = randomScene(seed);
    const gtFile = path.join(dir, `instances-${seed}.json`);
    const resultsFile = path.join(dir, `results-${seed}.json`);
    writeFileSync(gtFile, JSON.stringify(instances));
    writeFileSync(resultsFile, JSON.stringify(results));
    const run = spawnSync(PYTHON, ['-c', EVAL_SCRIPT, gtFile, resultsFile], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const reference = JSON.parse(run.stdout) as { stats: number[]; perClass: Record<string, number | null> };

    // Dataset order = COCO image id order, so ties across images rank alike on both sides.
    const imagePaths = instances.images.map((image) => `images/${image.file_name}`);
    const gt = parseCocoGroundTruth(JSON.stringify(instances), 'instances.json', imagePaths);
    if (!gt.ok) throw new Error('ground truth refused');
    const predictions = parseCocoResults(JSON.stringify(results), 'results.json', cocoResultsTarget(gt, imagePaths));
    if (!predictions.ok) throw new Error('results refused');
    const ours = cocoMeanAveragePrecision(gt.set.boxes, predictions.boxes, gt.set.covered, gt.set.classNames.length);

    expect(ours.map).toBeCloseTo(reference.stats[0] as number, 9);
    expect(ours.map50).toBeCloseTo(reference.stats[1] as number, 9);
    expect(ours.map75).toBeCloseTo(reference.stats[2] as number, 9);
    gt.categoryIds.forEach((id, k) => {
      const expected = reference.perClass[String(id)] ?? null;
      if (expected === null) expect(ours.apPerClass[k]).toBeNaN();
      else expect(ours.apPerClass[k]).toBeCloseTo(expected, 9);
    });
  });
});

describe('the random scene used against pycocotools', () => {
  it.each([1, 2, 3])('exercises ties, crowds, a class without ground truth and images without predictions or ground truth (%i)', (seed) => {
    // Runs everywhere so the fixture itself is checked even where pycocotools is absent.
    const { instances, results } = randomScene(seed);
    const scores = results.map((r) => (r as { score: number }).score);
    expect(new Set(scores).size).toBeLessThan(scores.length);
    expect(instances.annotations.some((a) => (a as { iscrowd: number }).iscrowd === 1)).toBe(true);
    const imagePaths = instances.images.map((image) => `images/${image.file_name}`);
    const gt = parseCocoGroundTruth(JSON.stringify(instances), 'instances.json', imagePaths);
    if (!gt.ok) throw new Error('ground truth refused');
    expect(gt.problems).toEqual([]);
    const predictions = parseCocoResults(JSON.stringify(results), 'results.json', cocoResultsTarget(gt, imagePaths));
    if (!predictions.ok) throw new Error('results refused');
    // Nothing clipped or dropped (pycocotools would keep such boxes as they are); image 23 has no prediction.
    expect(predictions.problems.map((p) => p.kind)).toEqual(['missing-prediction']);
    const ours = cocoMeanAveragePrecision(gt.set.boxes, predictions.boxes, gt.set.covered, gt.set.classNames.length);
    expect(ours.apPerClass[3]).toBeNaN();
    expect(ours.map).toBeGreaterThan(0);
    expect(ours.map).toBeLessThan(1);
  });
});
