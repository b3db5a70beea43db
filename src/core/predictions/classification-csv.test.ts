import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseClassificationCsv, type ClassificationCsvResult } from './classification-csv.js';
import { accuracy, crossEntropy, PROBABILITY_FLOOR } from './metrics.js';

const images = [
  { path: 'cat/1.png', label: 'cat' },
  { path: 'cat/2.png', label: 'cat' },
  { path: 'dog/3.png', label: 'dog' },
  { path: 'loose.png', label: null },
];
const classes = ['cat', 'dog'];

function joined(result: ClassificationCsvResult) {
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
  });

  it('works without probability columns: no loss', () => {
    const result = joined(parseClassificationCsv('path,predicted_label,confidence\ncat/1.png,dog,0.8\n', 'p.csv', images, classes));
    expect(result.predictions[0]).toEqual({ predictedLabel: 'dog', confidence: 0.8, correct: false, loss: null });
    expect(result.info).toMatchObject({ matched: 1, missing: 3, hasProbabilities: false, accuracy: 0 });
    expect(result.problems).toEqual([
      expect.objectContaining({ kind: 'missing-prediction', message: 'p.csv: 3 images have no prediction row, e.g. cat/2.png, dog/3.png, loose.png.' }),
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
    expect(message('unknown-path')).toBe('preds.csv line 4: nowhere.png is not an image in the dataset; the row is ignored.');
    expect(message('bad-probability')).toBe('preds.csv line 6: prob_cat of dog/3.png is not a number (must be a number in [0, 1]); no loss for this image.');
    expect(message('probabilities-not-normalized')).toBe('preds.csv line 5: the probabilities of cat/2.png sum to 1.1000, not 1.');
    expect(message('unknown-class')).toBe("preds.csv: 1 rows predict classes no image is labelled with: 'wolf' (1 rows).");
    expect(result.unknownClasses).toEqual(['wolf']);
    expect(result.predictions).toEqual([
      { predictedLabel: 'cat', confidence: null, correct: true, loss: -Math.log(0.9) },
      { predictedLabel: 'cat', confidence: null, correct: true, loss: -Math.log(0.8) },
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

  it('reproduces the documented accuracy of the Fashion-MNIST logistic regression (0.8456)', () => {
    const fmnist = path.resolve('../shared/datasets/fmnist-10k');
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
