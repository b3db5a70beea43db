import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseClassificationCsv } from './classification-csv.js';
import { parseClassificationJson, parseClassificationJsonl } from './classification-json.js';
import { readClassificationPredictions } from './read-predictions.js';
import { accuracy, crossEntropy, PROBABILITY_FLOOR } from './metrics.js';
import type { ClassificationPredictionsResult } from './types.js';
import { FMNIST_10K_DIR, HAS_FMNIST_10K } from '../../../test/fixtures/shared-datasets.js';

const images = [
  { path: 'cat/1.png', label: 'cat' },
  { path: 'cat/2.png', label: 'cat' },
  { path: 'dog/3.png', label: 'dog' },
  { path: 'loose.png', label: null },
];
const classes = ['cat', 'dog'];

function joined(result: ClassificationPredictionsResult) {
  if (!result.ok) throw new Error(`rejected: ${JSON.stringify(result.problems)}`);
  return result;
}

describe('parseClassificationCsv', () => {
  it('joins predictions with probabilities: correct, confidence, loss and accuracy', () => {
    const csv = [
      'path,predicted_label,confidence,prob_cat,prob_dog',
      'cat/1.png,cat,0.9,0.9,0.1',
      './cat/2.png,dog,0.7,0.3,0.7',
      'dog\\3.png,dog,0.6,0.4,0.6',
      'loose.png,cat,0.5,0.5,0.5',
    ].join('\n');
    const result = joined(parseClassificationCsv(csv, 'preds.csv', images, classes));
    expect(result.predictions).toEqual([
      { predictedLabel: 'cat', confidence: 0.9, correct: true, loss: -Math.log(0.9) },
      { predictedLabel: 'dog', confidence: 0.7, correct: false, loss: -Math.log(0.3) },
      { predictedLabel: 'dog', confidence: 0.6, correct: true, loss: -Math.log(0.6) },
      { predictedLabel: 'cat', confidence: 0.5, correct: null, loss: null },
    ]);
    expect(result.info).toEqual({ file: 'preds.csv', matched: 4, missing: 0, hasProbabilities: true, accuracy: 2 / 3 });
    expect(result.problems).toEqual([]);
    expect(result.probs?.classes).toEqual(['cat', 'dog']);
    expect(Array.from(result.probs?.values ?? [])).toEqual(Array.from(Float32Array.from([0.9, 0.1, 0.3, 0.7, 0.4, 0.6, 0.5, 0.5])));
    expect(result.probsFromLogits).toBe(false);
  });

  it('works without probability columns: no loss', () => {
    const result = joined(parseClassificationCsv('path,predicted_label,confidence\ncat/1.png,dog,0.8\n', 'p.csv', images, classes));
    expect(result.predictions[0]).toEqual({ predictedLabel: 'dog', confidence: 0.8, correct: false, loss: null });
    expect(result.probs).toBeNull();
    expect(result.info).toMatchObject({ matched: 1, missing: 3, hasProbabilities: false, accuracy: 0 });
    expect(result.problems).toEqual([
      expect.objectContaining({ kind: 'missing-prediction', message: 'p.csv: 3 images have no prediction, e.g. cat/2.png, dog/3.png, loose.png.' }),
    ]);
  });

  it('rejects a file with a missing column: one problem naming file and column, no crash', () => {
    const result = parseClassificationCsv('path,confidence\ncat/1.png,0.5\n', 'preds.csv', images, classes);
    expect(result).toEqual({
      ok: false,
      problems: [
        {
          file: 'preds.csv',
          line: 1,
          kind: 'missing-column',
          message: "preds.csv line 1: the header has no 'predicted_label' column (found: path, confidence); the file is ignored.",
        },
      ],
    });
  });

  it('reports bad rows with file and line and keeps going', () => {
    const csv = [
      'path,predicted_label,confidence,prob_cat,prob_dog',
      'cat/1.png,cat,high,0.9,0.1', // 2: non-numeric confidence
      'cat/1.png,dog,0.9,0.1,0.9', // 3: duplicate
      'nowhere.png,cat,0.9,0.9,0.1', // 4: unknown path
      'cat/2.png,cat,1.5,0.8,0.3', // 5: confidence out of range, probabilities sum to 1.1
      'dog/3.png,wolf,0.9,abc,0.1', // 6: bad probability, unknown class
      'loose.png,,0.5,0.5,0.5', // 7: empty prediction
    ].join('\n');
    const result = joined(parseClassificationCsv(csv, 'preds.csv', images, classes));
    expect(result.problems.map(({ line, kind }) => `${line ?? '-'} ${kind}`)).toEqual([
      '2 bad-confidence',
      '3 duplicate-row',
      '4 unknown-path',
      '5 bad-confidence',
      '5 probabilities-not-normalized',
      '6 bad-probability',
      '7 empty-prediction',
      '- unknown-class',
      '- missing-prediction',
    ]);
    const message = (kind: string) => result.problems.find((p) => p.kind === kind)?.message;
    expect(message('bad-confidence')).toBe("preds.csv line 2: confidence 'high' of cat/1.png is not a number (must be a number in [0, 1]); it is left empty.");
    expect(message('unknown-path')).toBe('preds.csv line 4: nowhere.png is not an image in the dataset; the record is ignored.');
    expect(message('bad-probability')).toBe('preds.csv line 6: prob_cat of dog/3.png is not a number (must be a number in [0, 1]); its scores are ignored.');
    expect(message('probabilities-not-normalized')).toBe('preds.csv line 5: the probabilities of cat/2.png sum to 1.1000, not 1; they are renormalised.');
    expect(message('unknown-class')).toBe("preds.csv: 1 rows predict classes no image is labelled with: 'wolf' (1 rows).");
    expect(result.unknownClasses).toEqual(['wolf']);
    expect(result.predictions).toEqual([
      { predictedLabel: 'cat', confidence: null, correct: true, loss: -Math.log(0.9) },
      // Renormalised: 0.8 / (0.8 + 0.3).
      { predictedLabel: 'cat', confidence: null, correct: true, loss: -Math.log(0.8 / 1.1) },
      { predictedLabel: 'wolf', confidence: 0.9, correct: false, loss: null },
      null,
    ]);
  });

  it('counts labelled images whose class has no probability column', () => {
    const csv = 'path,predicted_label,confidence,prob_cat\ndog/3.png,cat,0.9,0.9\n';
    const result = joined(parseClassificationCsv(csv, 'p.csv', images, classes));
    expect(result.predictions[2]?.loss).toBeNull();
    expect(result.problems.map((p) => p.kind)).toContain('missing-probability-column');
  });

  it.skipIf(!HAS_FMNIST_10K)('reproduces the documented accuracy of the Fashion-MNIST logistic regression (0.8456)', () => {
    const fmnist = FMNIST_10K_DIR;
    const labelRows = readFileSync(path.join(fmnist, 'labels.csv'), 'utf8').trim().split(/\r?\n/).slice(1);
    const fmnistImages = labelRows.map((row) => {
      const [imagePath, label] = row.split(',') as [string, string];
      return { path: imagePath, label };
    });
    const fmnistClasses = [...new Set(fmnistImages.map((im) => im.label))].sort();
    const text = readFileSync(path.join(fmnist, 'predictions/logreg.csv'), 'utf8');

    const result = joined(parseClassificationCsv(text, 'predictions/logreg.csv', fmnistImages, fmnistClasses));

    expect(result.info).toEqual({ file: 'predictions/logreg.csv', matched: 10_000, missing: 0, hasProbabilities: true, accuracy: 0.8456 });
    expect(result.problems).toEqual([]);
    expect(result.predictions[0]).toEqual({ predictedLabel: 'ankle_boot', confidence: 0.821629, correct: true, loss: -Math.log(0.821629) });
    const losses = result.predictions.map((p) => p?.loss ?? Number.NaN);
    expect(losses.every((l) => l >= 0 && l <= -Math.log(PROBABILITY_FLOOR))).toBe(true);
  });
  it('softmaxes logit columns and derives predicted_label and confidence from them; images without scores get NaN rows', () => {
    const csv = ['path,logit_cat,logit_dog', `cat/1.png,${Math.log(3)},0`, 'dog/3.png,1000,1000', 'cat/2.png,abc,1'].join('\n');
    const result = joined(parseClassificationCsv(csv, 'l.csv', images, classes));
    expect(result.probsFromLogits).toBe(true);
    expect(result.predictions[0]).toEqual({ predictedLabel: 'cat', confidence: expect.closeTo(0.75, 12), correct: true, loss: expect.closeTo(-Math.log(0.75), 12) });
    // Huge logits do not overflow: the max is subtracted before exp.
    expect(result.predictions[2]).toMatchObject({ predictedLabel: 'cat', confidence: 0.5, correct: false, loss: expect.closeTo(Math.LN2, 12) });
    const values = Array.from(result.probs?.values ?? []);
    expect(values.slice(0, 2)).toEqual([expect.closeTo(0.75, 6), expect.closeTo(0.25, 6)]);
    expect(values.slice(2, 4)).toEqual([NaN, NaN]);
    expect(values.slice(6, 8)).toEqual([NaN, NaN]);
    expect(result.predictions[1]).toBeNull();
    expect(result.problems.map((p) => `${p.line ?? '-'} ${p.kind}`)).toEqual(['4 bad-probability', '4 empty-prediction', '- missing-prediction']);
    expect(result.problems[0]?.message).toBe('l.csv line 4: logit_cat of cat/2.png is not a number (must be a finite number); its scores are ignored.');
  });

  it('refuses a header mixing prob_ and logit_ columns', () => {
    const result = parseClassificationCsv('path,prob_cat,logit_dog\ncat/1.png,1,0\n', 'm.csv', images, classes);
    expect(result.ok).toBe(false);
    expect(result.problems[0]?.message).toMatch(/^m\.csv line 1: the header has both prob_\* and logit_\* columns/);
  });

  it('reports negative probabilities, all-zero rows and score columns of unknown classes', () => {
    const csv = ['path,predicted_label,confidence,prob_cat,prob_dog,prob_wolf', 'cat/1.png,cat,0.9,-0.1,0.5,0.6', 'cat/2.png,cat,0.9,0,0,0', 'dog/3.png,dog,0.9,0.2,0.6,0.2'].join('\n');
    const result = joined(parseClassificationCsv(csv, 'p.csv', images, classes));
    expect(result.problems.map((p) => `${p.line ?? '-'} ${p.kind}`)).toEqual(['2 bad-probability', '3 bad-probability', '- unknown-score-class', '- missing-prediction']);
    expect(result.problems[0]?.message).toBe('p.csv line 2: prob_cat of cat/1.png is below 0 (must be a number in [0, 1]); its scores are ignored.');
    expect(result.unknownClasses).toEqual(['wolf']);
    expect(result.predictions.map((p) => p?.loss ?? null)).toEqual([null, null, -Math.log(0.6), null]);
    expect(result.probs?.classes).toEqual(['cat', 'dog', 'wolf']);
  });
});

describe('parseClassificationJson and parseClassificationJsonl', () => {
  const expectedPredictions = [
    { predictedLabel: 'cat', confidence: 0.8, correct: true, loss: expect.closeTo(-Math.log(0.8), 12) },
    { predictedLabel: 'dog', confidence: 0.6, correct: false, loss: expect.closeTo(-Math.log(0.4), 12) },
    null,
    null,
  ];

  it('reads an array of records with probability maps; a missing class counts as 0', () => {
    const json = JSON.stringify([
      { path: 'cat/1.png', probabilities: { cat: 0.8, dog: 0.2 } },
      { path: 'cat/2.png', predicted_label: 'dog', confidence: 0.6, probabilities: { dog: 0.6, cat: 0.4 } },
      { path: 'dog/3.png', probabilities: { dog: 1 } },
    ]);
    const result = joined(parseClassificationJson(json, 'p.json', images, classes));
    expect(result.predictions.slice(0, 2)).toEqual(expectedPredictions.slice(0, 2));
    expect(result.predictions[2]).toEqual({ predictedLabel: 'dog', confidence: 1, correct: true, loss: -0 });
    expect(result.probs?.classes).toEqual(['cat', 'dog']);
    expect(Array.from(result.probs?.values.subarray(0, 6) ?? [])).toEqual(Array.from(Float32Array.from([0.8, 0.2, 0.4, 0.6, 0, 1])));
    expect(result.problems.map((p) => p.kind)).toEqual(['missing-prediction']);
  });

  it('reads { classes, predictions } with logit arrays and reports bad records by number', () => {
    const json = JSON.stringify({
      classes: ['cat', 'dog'],
      predictions: [{ path: 'cat/1.png', logits: [Math.log(4), 0] }, 'oops', { path: 'cat/2.png', logits: [1, 2, 3] }, { path: 'nowhere.png', logits: [0, 0] }],
    });
    const result = joined(parseClassificationJson(json, 'p.json', images, classes));
    expect(result.probsFromLogits).toBe(true);
    expect(result.predictions[0]).toEqual({ predictedLabel: 'cat', confidence: expect.closeTo(0.8, 12), correct: true, loss: expect.closeTo(-Math.log(0.8), 12) });
    expect(result.problems.map((p) => `${p.kind}: ${p.message}`)).toEqual([
      'bad-record: p.json record 2: is not an object; the record is ignored.',
      'bad-probability: p.json record 3: the logits of cat/2.png cannot be matched to classes (3 values for 2 classes); its scores are ignored.',
      'empty-prediction: p.json record 3: cat/2.png has no predicted label and no usable scores; the record is ignored.',
      'unknown-path: p.json record 4: nowhere.png is not an image in the dataset; the record is ignored.',
      'missing-prediction: p.json: 3 images have no prediction, e.g. cat/2.png, dog/3.png, loose.png.',
    ]);
  });

  it('refuses text that is not JSON or has the wrong shape', () => {
    expect(parseClassificationJson('{', 'p.json', images, classes)).toMatchObject({ ok: false, problems: [{ file: 'p.json', kind: 'malformed-json' }] });
    expect(parseClassificationJson('{"predictions": 3}', 'p.json', images, classes)).toMatchObject({ ok: false, problems: [{ kind: 'bad-json-shape' }] });
  });

  it('reads JSONL with a classes header line, naming lines in problems', () => {
    const jsonl = [
      JSON.stringify({ classes: ['cat', 'dog'] }),
      JSON.stringify({ path: 'cat/1.png', probabilities: [0.8, 0.2] }),
      '',
      '{not json',
      JSON.stringify({ path: 'cat/2.png', predicted_label: 'dog', confidence: 0.6, probabilities: [0.4, 0.6] }),
      JSON.stringify({ path: 'dog/3.png', probabilities: [0.5, 0.7] }),
      JSON.stringify({ path: 'loose.png', confidence: 2, predicted_label: 'cat' }),
    ].join('\n');
    const result = joined(parseClassificationJsonl(jsonl, 'p.jsonl', images, classes));
    expect(result.predictions.slice(0, 2)).toEqual(expectedPredictions.slice(0, 2));
    expect(result.predictions[2]).toMatchObject({ predictedLabel: 'dog', confidence: expect.closeTo(0.7 / 1.2, 6) });
    expect(result.predictions[3]).toEqual({ predictedLabel: 'cat', confidence: null, correct: null, loss: null });
    expect(result.problems.map((p) => `${p.line ?? '-'} ${p.kind}`)).toEqual(['4 malformed-json', '6 probabilities-not-normalized', '7 bad-confidence']);
  });

  it('reads files by extension', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dh-preds-'));
    try {
      writeFileSync(path.join(dir, 'p.jsonl'), JSON.stringify({ path: 'cat/1.png', predicted_label: 'cat', confidence: 0.5 }));
      const result = joined(await readClassificationPredictions(path.join(dir, 'p.jsonl'), 'p.jsonl', images, classes));
      expect(result.predictions[0]).toEqual({ predictedLabel: 'cat', confidence: 0.5, correct: true, loss: null });
      const missing = await readClassificationPredictions(path.join(dir, 'none.json'), 'none.json', images, classes);
      expect(missing).toMatchObject({ ok: false, problems: [{ file: 'none.json', kind: 'unreadable-file' }] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('metrics', () => {
  it('crossEntropy clips at the floor and at 1', () => {
    expect(crossEntropy(0.5)).toBeCloseTo(Math.LN2, 12);
    expect(crossEntropy(0)).toBeCloseTo(-Math.log(1e-7), 12);
    expect(crossEntropy(1.2)).toBe(-0);
  });

  it('accuracy ignores unknown outcomes and is null with none known', () => {
    expect(accuracy([true, false, null, true])).toBeCloseTo(2 / 3, 12);
    expect(accuracy([null, null])).toBeNull();
    expect(accuracy([])).toBeNull();
  });
});
