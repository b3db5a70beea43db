/**
 * How long recolouring the map takes at 1M points: a score colouring (robust range, colours, draw order, filter)
 * against the built-in error colouring, measured in the same run:
 *   npx tsx src/renderer/src/features/scores/score-colors.bench.ts
 */
import type { NumberColumn } from '../../../../shared/model/scores';
import { drawOrderByRank, errorRank, gatherPositions, maskedRank } from '../scatter/draw-order';
import { baseColoring, fillColors } from '../scatter/point-colors';
import { scoreColoring } from './score-coloring';
import { defaultFilter, filterMask } from './score-filter';
import { robustRange } from './score-range';

const n = 1_000_000;
/** A seeded LCG: the same data every run, without importing the engine's PRNG into the renderer. */
let seed = 1;
const random = (): number => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 2 ** 32;
};
const xy = Float32Array.from({ length: 2 * n }, () => random() * 100);
const columns = {
  label: Int32Array.from({ length: n }, () => Math.floor(random() * 10)),
  predicted: Int32Array.from({ length: n }, () => Math.floor(random() * 10)),
  correct: Int8Array.from({ length: n }, () => (random() < 0.15 ? 0 : 1)),
};
const score: NumberColumn = {
  kind: 'number',
  name: 'mislabel_score',
  label: 'Mislabel score',
  description: '',
  values: Float32Array.from({ length: n }, () => (random() < 0.05 ? NaN : random() ** 3)),
  higherIsWorse: true,
};

function time(name: string, fn: () => unknown, runs = 5): number {
  fn();
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  const median = samples.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
  console.log(`${name.padEnd(46)} ${median.toFixed(1).padStart(8)} ms (median of ${runs})`);
  return median;
}

console.log(`${n.toLocaleString('en-US')} points`);
const base = time('error colouring: colours + order + positions', () => {
  const order = drawOrderByRank(xy, errorRank(columns.correct));
  gatherPositions(xy, order);
  fillColors(baseColoring(columns, 10, 'error'), order, new Uint8Array(order.length * 4));
});
const scored = time('score colouring: range + colours + order + pos', () => {
  const { coloring, rank } = scoreColoring(score, robustRange(score.values));
  const order = drawOrderByRank(xy, rank);
  gatherPositions(xy, order);
  fillColors(coloring, order, new Uint8Array(order.length * 4));
});
const range = time('  of which the robust range (a sort)', () => robustRange(score.values));
const { coloring, rank } = scoreColoring(score, robustRange(score.values));
time('a fresh default threshold (a sampled sort)', () => defaultFilter(score));
const threshold = defaultFilter(score);
const filtered = time('threshold change: mask + order + pos + colours', () => {
  const { mask } = filterMask(score, threshold);
  const order = drawOrderByRank(xy, maskedRank(rank, mask));
  gatherPositions(xy, order);
  fillColors(coloring, order, new Uint8Array(order.length * 4), mask);
});
console.log(
  `ratios to the error colouring: score ${(scored / base).toFixed(2)}× (range ${(range / base).toFixed(2)}×), threshold change ${(filtered / base).toFixed(2)}×`,
);
