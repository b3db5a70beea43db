/**
 * The `analyze` command on a YOLO detection dataset (data.yaml, labels/*.txt, predictions/*.txt with confidences):
 * points.csv carries the per-image det_* columns and summary.json the detection report and every bad line.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { makeYoloDetectionDataset } from '../fixtures/make-detection-dataset.js';

interface Summary {
  task: string;
  annotations: { format: string; annotations: string; predictions: string | null; predictionsFormat: string | null } | null;
  classification: unknown;
  detection: { map50: number; classes: string[]; confusion: number[]; perClass: { name: string; tp: number; fp: number; fn: number }[] } | null;
  problems: { file: string; line?: number; kind: string }[];
}

describe('dataset-health analyze on a YOLO detection dataset', () => {
  let fixture: Awaited<ReturnType<typeof makeYoloDetectionDataset>>;
  let work: string;

  beforeAll(async () => {
    fixture = await makeYoloDetectionDataset();
    work = mkdtempSync(path.join(tmpdir(), 'dh-cli-det-'));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });

  afterAll(() => {
    vi.restoreAllMocks();
    rmSync(fixture.root, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('writes det_* columns per image and the detection report', async () => {
    const out = path.join(work, 'out');
    const code = await main(['analyze', fixture.root, '--model', 'pixels', '--out', out, '--data-dir', path.join(work, 'data')]);
    expect(code).toBe(0);

    const [header, ...rows] = readFileSync(path.join(out, 'points.csv'), 'utf8').trimEnd().split('\n');
    const columns = header?.split(',') ?? [];
    const cells = rows.map((row) => row.split(','));
    const column = (name: string) => cells.map((row) => row[columns.indexOf(name)]);
    expect(column('path')).toEqual(fixture.images);
    expect(column('label')).toEqual(['cat', 'dog', 'cat', 'dog', 'cat', 'dog']);
    expect(column('det_tp').map(Number)).toEqual(fixture.expected.tp);
    expect(column('det_fp').map(Number)).toEqual(fixture.expected.fp);
    expect(column('det_fn').map(Number)).toEqual(fixture.expected.fn);
    expect(column('correct')).toEqual(['1', '1', '1', '1', '0', '0']);
    // Image 4's box was found with the wrong class at 0.8: FiftyOne mistakenness (0.8 + 1) / 2.
    expect(Number(column('mistakenness')[4])).toBeCloseTo(0.9, 5);

    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as Summary;
    expect(summary.task).toBe('detection');
    expect(summary.annotations).toMatchObject({ format: 'yolo', annotations: 'data.yaml', predictions: 'predictions', predictionsFormat: 'yolo-txt' });
    expect(summary.classification).toBeNull();
    expect(summary.detection?.classes).toEqual(['cat', 'dog']);
    expect(summary.detection?.perClass.map((c) => [c.name, c.tp, c.fp, c.fn])).toEqual([
      ['cat', 2, 0, 1],
      ['dog', 2, 1, 1],
    ]);
    expect(Array.isArray(summary.detection?.confusion)).toBe(true);
    // cat: TP .9, TP .9 of 3 boxes (image 4's was missed); dog: TP .9, TP .9, FP .8 of 3 boxes (image 5's was
    // missed). Both: precision 1 up to recall 2/3, then none → AP50 67/101.
    expect(summary.detection?.map50).toBeCloseTo(67 / 101, 10);
    expect(summary.problems.some((p) => p.file === 'labels/i2.txt' && p.line === 2)).toBe(true);
    expect(summary.problems.some((p) => p.file === 'predictions' && p.kind === 'missing-prediction')).toBe(true);
  });
});
