/**
 * A COCO detection dataset through the real engine, over the in-process and the WebSocket transport: boxes become
 * per-image labels, right/wrong and det_* scores, the report carries COCO mAP, and every bad box or join reaches the
 * summary.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../src/shared/api/client.js';
import type { EngineHost } from '../../src/shared/api/engine.js';
import { createEngine } from '../../src/core/engine.js';
import { connect, finalStatus, TRANSPORT_NAMES, type Harness } from './transports.js';
import { type CocoFixture, makeCocoDetectionDataset } from '../fixtures/make-detection-dataset.js';

/** NaN-aware comparison: the columns hold NaN where a value does not apply. */
const shown = (values: ArrayLike<number>) => Array.from(values, (v) => (Number.isNaN(v) ? 'NaN' : Number(v.toFixed(4))));

describe.each(TRANSPORT_NAMES)('a COCO detection dataset through the engine over %s', (transportName) => {
  let fixture: CocoFixture;
  let dataDir: string;
  let engine: EngineHost;
  let harness: Harness;
  let client: ApiClient;
  let datasetId: string;

  beforeAll(async () => {
    fixture = await makeCocoDetectionDataset();
    dataDir = mkdtempSync(path.join(tmpdir(), 'dh-data-'));
    engine = await createEngine({ dataDir });
    harness = await connect(transportName, engine);
    client = harness.client;
  });

  afterAll(async () => {
    await harness.close();
    await engine.close();
    rmSync(fixture.root, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('dataset.open finds the annotations and predictions, labels images by their dominant class and reports bad input', async () => {
    const summary = await client.call('dataset.open', { root: fixture.root });
    datasetId = summary.id;
    expect(summary.task).toBe('detection');
    expect(summary.detection).toMatchObject({ format: 'coco', annotations: 'annotations/instances.json', predictions: 'predictions.json', predictionsFormat: 'coco-results', gtBoxes: 5 });
    expect(summary.classes).toEqual(['cat', 'dog']);
    const kinds = (file: string) => summary.problems.filter((p) => p.file === file).map((p) => p.kind).sort();
    // The negative-width annotation; the box outside the image, the unknown image id and category, image e without any.
    expect(kinds('annotations/instances.json')).toEqual(['empty-box']);
    expect(kinds('predictions.json')).toEqual(['empty-box', 'missing-prediction', 'unknown-class', 'unknown-image']);
    expect(summary.problems.find((p) => p.file === 'predictions.json' && p.kind === 'unknown-image')?.message).toMatch(/image_id 99/);
    // c's only box lay outside the image and was dropped: a, b and d have boxes, c and e none.
    expect(summary.predictions).toMatchObject({ file: 'predictions.json', matched: 3, missing: 2, hasProbabilities: false });
    expect(summary.predictions?.accuracy).toBeCloseTo(2 / 5, 6);
  });

  it('dataset.points has each image’s dominant class, summarised prediction and right/wrong', async () => {
    const points = await client.call('dataset.points', { datasetId });
    expect(Array.from(points.label)).toEqual([0, 0, 1, -1, 0, -1]);
    // a: cat and dog tie (lowest class wins); b: one cat, one dog above 0.25; c, d, e: nothing above 0.25.
    expect(Array.from(points.predicted)).toEqual([0, 0, -1, -1, -1, -1]);
    expect(Array.from(points.correct)).toEqual([1, 0, 0, 1, 0, -1]);
    expect(shown(points.confidence)).toEqual([0.85, 0.65, 'NaN', 'NaN', 'NaN', 'NaN']);
    const record = await client.call('image.record', { datasetId, index: 3 });
    expect(record).toMatchObject({ path: 'images/d.png', label: null, predictedLabel: 'background', correct: true, loss: null });
  });

  it('job.analyze adds the det_* columns with the expected values and the report has the hand-computed mAP', async () => {
    const started = await client.call('job.analyze', { datasetId, model: 'pixels' });
    const done = await finalStatus(client, started.jobId);
    expect(done.state, done.error).toBe('done');

    const scores = await client.call('dataset.scores', { datasetId });
    const column = (name: string) => {
      const c = scores.find((s) => s.name === name);
      if (c?.kind !== 'number') throw new Error(`${name} must be a number column`);
      return c;
    };
    expect(shown(column('det_tp').values)).toEqual([2, 1, 0, 0, 0, 'NaN']);
    expect(shown(column('det_fp').values)).toEqual([0, 1, 0, 0, 0, 'NaN']);
    expect(shown(column('det_fn').values)).toEqual([0, 0, 1, 0, 1, 'NaN']);
    expect(shown(column('det_f1').values)).toEqual([1, 0.6667, 0, 'NaN', 0, 'NaN']);
    expect(shown(column('det_mean_iou').values)).toEqual([1, 1, 'NaN', 'NaN', 'NaN', 'NaN']);
    // Class-agnostic matching at IoU 0.5: a's and b's boxes agree with their predictions, so (1 - conf) / 2, the
    // largest of the image's boxes (a: dog at 0.8).
    expect(shown(column('mistakenness').values)).toEqual([0.1, 0.15, 'NaN', 'NaN', 'NaN', 'NaN']);
    expect(shown(column('possibly_spurious').values)).toEqual([0, 0, 1, 0, 1, 'NaN']);
    expect(column('det_fp').higherIsWorse).toBe(true);
    expect(column('det_f1').higherIsWorse).toBe(false);
    expect(scores.some((s) => s.name === 'loss')).toBe(false);

    const { classification, detection } = await client.call('dataset.report', { datasetId });
    expect(classification).toBeNull();
    expect(detection?.map50).toBeCloseTo(59 / 101, 10);
    expect(detection?.map).toBeCloseTo(59 / 101, 10);
    expect(detection?.evaluated).toBe(5);
    expect(detection?.perClass.map((c) => [c.name, c.tp, c.fp, c.fn, c.support])).toEqual([
      ['cat', 2, 0, 1, 3],
      ['dog', 1, 1, 1, 2],
    ]);
    expect(detection?.perClass[0]?.ap50).toBeCloseTo(67 / 101, 10);
    // Rows gt cat, dog, background; columns predicted cat, dog, background.
    expect(detection?.confusion).toBeInstanceOf(Int32Array);
    expect(Array.from(detection?.confusion ?? [])).toEqual([2, 0, 1, 0, 1, 1, 0, 1, 0]);

    const csv = await client.call('export.selection', { datasetId, indices: Uint32Array.from([0, 1]), format: 'csv' });
    const header = csv.content.split('\n')[0]?.split(',') ?? [];
    for (const name of ['det_tp', 'det_fp', 'det_fn', 'det_precision', 'det_recall', 'det_f1', 'det_mean_iou', 'mistakenness', 'possibly_missing', 'possibly_spurious']) {
      expect(header).toContain(name);
    }
  });

  it('reopening remembers the files; importing other predictions rescores the boxes', async () => {
    const again = await client.call('dataset.open', { root: fixture.root });
    expect(again.detection?.annotations).toBe('annotations/instances.json');
    const better = path.join(fixture.root, 'better.json');
    writeFileSync(better, JSON.stringify([{ image_id: 3, category_id: 2, bbox: [5, 5, 30, 30], score: 0.95 }]));
    const imported = await client.call('predictions.import', { datasetId, path: better });
    expect(imported.detection?.predictions).toBe('better.json');
    const points = await client.call('dataset.points', { datasetId });
    // Only c is found now: a and b miss their boxes, d and e have none.
    expect(Array.from(points.correct)).toEqual([0, 0, 1, 1, 0, -1]);

    // The saved scores depend on the boxes: analysing again recomputes them from the new predictions.
    const started = await client.call('job.analyze', { datasetId, model: 'pixels' });
    expect((await finalStatus(client, started.jobId)).state).toBe('done');
    const tp = (await client.call('dataset.scores', { datasetId })).find((s) => s.name === 'det_tp');
    expect(tp?.kind === 'number' && shown(tp.values)).toEqual([0, 0, 1, 0, 0, 'NaN']);
    const { detection } = await client.call('dataset.report', { datasetId });
    expect(detection?.perClass.map((c) => c.tp)).toEqual([0, 1]);
  });
});
