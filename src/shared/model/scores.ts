/** Per-image scores and per-cluster summaries: what the UI colours, sorts and filters by, and points.csv writes. */

interface ColumnBase {
  /** Stable column name, used in points.csv and the API, e.g. 'mislabel_score'. */
  name: string;
  /** What the UI shows, e.g. 'Mislabel score'. */
  label: string;
  /** One sentence on what the score means and how it is computed. */
  description: string;
}

/** A numeric score per image in image order; NaN where it does not apply. */
export interface NumberColumn extends ColumnBase {
  kind: 'number';
  values: Float32Array;
  /** True when a high value means a likely problem (colour scales and default sort use it). */
  higherIsWorse: boolean;
}

/** A categorical value per image: an index into `categories`, or -1 for none. */
export interface CategoryColumn extends ColumnBase {
  kind: 'category';
  codes: Int32Array;
  categories: string[];
}

export type ScoreColumn = NumberColumn | CategoryColumn;

export interface ClusterSummary {
  /** Cluster id as in the `cluster` column; -1 is noise and gets no summary. */
  id: number;
  /** CLIP zero-shot name when a CLIP model is available, else null. */
  name: string | null;
  size: number;
  /** Most common label and its share of the cluster's labelled images. */
  majorityLabel: string | null;
  purity: number;
  /** Share of images with a wrong prediction; NaN without predictions. */
  errorRate: number;
  /** Mean loss; NaN without probabilities. */
  meanLoss: number;
  /** Mean per-image detection F1; NaN for classification datasets. */
  f1: number;
  /** Images per split (e.g. { train: 120, val: 14 }); empty when splits are unknown. */
  splitMix: Record<string, number>;
  /** The most common (label → predicted) confusions, most frequent first. */
  topConfusions: { label: string; predicted: string; count: number }[];
  /** Image indices that represent the cluster (closest to its centre first). */
  representatives: number[];
  /** Ranking score: higher is weaker (error rate, or 1 - purity without predictions); clusters come weakest first. */
  weakness: number;
}
