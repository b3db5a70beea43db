import type { ClusterSummary } from '../../shared/model/scores.js';
import { csvField, csvNumber } from './csv-format.js';

/** The stable columns of clusters.csv, one row per cluster, weakest first. */
export const CLUSTERS_CSV_HEADER = [
  'cluster',
  'name',
  'size',
  'majority_label',
  'purity',
  'error_rate',
  'mean_loss',
  'f1',
  'weakness',
  'split_mix',
  'top_confusions',
  'representatives',
] as const;

/**
 * Writes clusters.csv. List-valued fields are packed into one field each (`train:120;val:14`,
 * `shirt>t-shirt_top:12;...`, representative image paths separated by `;`) so the file stays one row per cluster.
 */
export function clustersCsv(clusters: readonly ClusterSummary[], pathOf: (index: number) => string): string {
  const lines = [CLUSTERS_CSV_HEADER.join(',')];
  for (const c of clusters) {
    lines.push(
      [
        String(c.id),
        csvField(c.name ?? ''),
        String(c.size),
        csvField(c.majorityLabel ?? ''),
        csvNumber(c.purity),
        csvNumber(c.errorRate),
        csvNumber(c.meanLoss),
        csvNumber(c.f1),
        csvNumber(c.weakness),
        csvField(Object.entries(c.splitMix).map(([split, n]) => `${split}:${n}`).join(';')),
        csvField(c.topConfusions.map((t) => `${t.label}>${t.predicted}:${t.count}`).join(';')),
        csvField(c.representatives.map(pathOf).join(';')),
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
