/**
 * Image-quality flags and scores from stored stats rows (quality-stats.ts), with CleanVision's default thresholds
 * (image_property_issue_manager.py, get_default_params). Scores keep CleanVision's direction, low = problem, so
 * their columns are higherIsWorse: false; flags are 1 for a problem. Rows of an image that could not be decoded
 * are NaN and give NaN everywhere.
 */
import type { NumberColumn } from '../../shared/model/scores.js';
import { flagColumn, numberColumn, quantiles } from './columns.js';
import { QUALITY_STATS_DIM, QualityStat } from './quality-stats.js';

export interface QualityThresholds {
  /** dark when the 99th brightness percentile is below this. */
  dark: number;
  /** light when 1 − the 5th brightness percentile is below this. */
  light: number;
  /** low information when min(1, entropyFactor · entropy) is below this. */
  lowInformation: number;
  entropyFactor: number;
  /** blurry when the blur score is below this. */
  blurry: number;
  blurFactor: number;
  /** Histogram-spread scores at or below this are ignored in the blur score. */
  blurColorThreshold: number;
  /** odd aspect ratio when min(w/h, h/w) is below this. */
  oddAspectRatio: number;
  /** odd size outside Q1 − f·IQR .. Q3 + f·IQR of sqrt(w·h). */
  oddSizeIqrFactor: number;
  /** grayscale when the 99th percentile of the channel spread is at most this (0..255). */
  grayscaleTolerance: number;
}

export const CLEANVISION_THRESHOLDS: QualityThresholds = {
  dark: 0.32,
  light: 0.05,
  lowInformation: 0.3,
  entropyFactor: 0.1,
  blurry: 0.29,
  blurFactor: 0.01,
  blurColorThreshold: 0.18,
  oddAspectRatio: 0.35,
  oddSizeIqrFactor: 3,
  grayscaleTolerance: 2,
};

/** CleanVision's blur score from the two blur stats: low = blurry. */
export function blurScore(edgeStd: number, grayHistStd: number, t: QualityThresholds = CLEANVISION_THRESHOLDS): number {
  const edgeScore = 1 - Math.exp(-edgeStd * t.blurFactor);
  const histScore = 1 - Math.exp(-grayHistStd * t.blurFactor);
  return Math.min(1, edgeScore + (histScore > t.blurColorThreshold ? histScore : 0));
}

/**
 * Flags and scores for `rows` images from their stats (rows × QUALITY_STATS_DIM, row-major). Odd size compares each
 * image with the others, so pass every image of the dataset at once.
 */
export function qualityFlags(stats: Float32Array, rows: number, thresholds: Partial<QualityThresholds> = {}): NumberColumn[] {
  if (stats.length !== rows * QUALITY_STATS_DIM) throw new RangeError(`stats has ${stats.length} values, expected ${rows} × ${QUALITY_STATS_DIM}`);
  const t = { ...CLEANVISION_THRESHOLDS, ...thresholds };
  const col = (): Float32Array => new Float32Array(rows);
  const darkScore = col();
  const lightScore = col();
  const lowInfoScore = col();
  const blurryScore = col();
  const aspect = col();
  const sizePx = col();
  const grayscale = col();
  const at = (i: number, stat: number): number => stats[i * QUALITY_STATS_DIM + stat] as number;
  for (let i = 0; i < rows; i++) {
    darkScore[i] = Math.min(1, at(i, QualityStat.brightnessP99));
    lightScore[i] = 1 - Math.min(1, at(i, QualityStat.brightnessP5));
    lowInfoScore[i] = Math.min(1, t.entropyFactor * at(i, QualityStat.entropyBits));
    blurryScore[i] = blurScore(at(i, QualityStat.blurEdgeStd), at(i, QualityStat.blurGrayHistStd), t);
    const w = at(i, QualityStat.widthPx);
    const h = at(i, QualityStat.heightPx);
    aspect[i] = Math.min(w / h, h / w);
    sizePx[i] = Math.sqrt(w * h);
    const spread = at(i, QualityStat.channelSpreadP99);
    grayscale[i] = Number.isNaN(spread) ? NaN : spread <= t.grayscaleTolerance ? 1 : 0;
  }
  const [q1, q3] = quantiles(sizePx, [0.25, 0.75]) as [number, number];
  const lowSize = q1 - t.oddSizeIqrFactor * (q3 - q1);
  const highSize = q3 + t.oddSizeIqrFactor * (q3 - q1);
  const oddSize = col();
  for (let i = 0; i < rows; i++) {
    const s = sizePx[i] as number;
    oddSize[i] = Number.isNaN(s) ? NaN : s < lowSize || s > highSize ? 1 : 0;
  }
  const below = (scores: Float32Array, threshold: number): Float32Array => scores.map((s) => (Number.isNaN(s) ? NaN : s < threshold ? 1 : 0));

  return [
    flagColumn('dark', 'Dark', `1 when the 99th percentile of pixel brightness is below ${t.dark} (CleanVision).`, below(darkScore, t.dark)),
    numberColumn('dark_score', 'Darkness score', '99th percentile of pixel brightness sqrt(0.241R² + 0.691G² + 0.068B²)/255; low = dark.', darkScore, false),
    flagColumn('light', 'Light', `1 when 1 − the 5th percentile of pixel brightness is below ${t.light} (CleanVision).`, below(lightScore, t.light)),
    numberColumn('light_score', 'Lightness score', '1 − the 5th percentile of pixel brightness; low = washed out.', lightScore, false),
    flagColumn('blurry', 'Blurry', `1 when the blur score is below ${t.blurry} (CleanVision).`, below(blurryScore, t.blurry)),
    numberColumn('blurry_score', 'Blur score', 'Edge strength and histogram spread of a 64-px grayscale copy (CleanVision); low = blurry.', blurryScore, false),
    flagColumn('low_information', 'Low information', `1 when min(1, ${t.entropyFactor} × entropy) is below ${t.lowInformation} (CleanVision).`, below(lowInfoScore, t.lowInformation)),
    numberColumn('low_information_score', 'Information score', `min(1, ${t.entropyFactor} × pixel entropy in bits); low = nearly uniform.`, lowInfoScore, false),
    flagColumn('odd_size', 'Odd size', `1 when sqrt(width × height) is outside Q1 − ${t.oddSizeIqrFactor}·IQR .. Q3 + ${t.oddSizeIqrFactor}·IQR over the dataset (CleanVision).`, oddSize),
    flagColumn('odd_aspect_ratio', 'Odd aspect ratio', `1 when min(w/h, h/w) is below ${t.oddAspectRatio} (CleanVision).`, below(aspect, t.oddAspectRatio)),
    numberColumn('aspect_ratio_score', 'Aspect ratio', 'min(width/height, height/width); low = extreme shape.', aspect, false),
    flagColumn('grayscale', 'Grayscale', `1 when 99% of pixels have R, G and B within ${t.grayscaleTolerance} levels of each other.`, grayscale),
  ];
}
