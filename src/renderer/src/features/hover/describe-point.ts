import type { PointColumns } from '../../../../shared/model/dataset';

export interface PointDescription {
  label: string | null;
  predicted: string | null;
  confidence: number | null;
  loss: number | null;
  verdict: 'right' | 'wrong' | 'unknown';
}

const finiteOrNull = (v: number | undefined): number | null => (v !== undefined && Number.isFinite(v) ? v : null);

/** What the columns say about one image, with class names resolved: enough for a card without a round trip. */
export function describePoint(columns: PointColumns, classes: readonly string[], index: number): PointDescription {
  const className = (c: number | undefined): string | null => (c !== undefined && c >= 0 ? (classes[c] ?? null) : null);
  const correct = columns.correct[index];
  return {
    label: className(columns.label[index]),
    predicted: className(columns.predicted[index]),
    confidence: finiteOrNull(columns.confidence[index]),
    loss: finiteOrNull(columns.loss[index]),
    verdict: correct === 1 ? 'right' : correct === 0 ? 'wrong' : 'unknown',
  };
}
