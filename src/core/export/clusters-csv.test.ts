import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame } from '../../shared/api/codec.js';
import type { ClusterSummary } from '../../shared/model/scores.js';
import { clustersCsv } from './clusters-csv.js';
import { scoreExtraColumns } from './score-columns.js';
import { pointsCsv } from './points-csv.js';

const cluster = (over: Partial<ClusterSummary>): ClusterSummary => ({
  id: 0,
  name: null,
  size: 10,
  majorityLabel: 'shirt',
  purity: 0.6,
  errorRate: 0.4,
  meanLoss: 1.25,
  f1: Number.NaN,
  splitMix: {},
  topConfusions: [],
  representatives: [],
  weakness: 0.4,
  ...over,
});

describe('clustersCsv', () => {
  it('writes one row per cluster with packed list fields and empty NaNs', () => {
    const csv = clustersCsv(
      [
        cluster({ id: 3, name: 'shirts, mostly', splitMix: { train: 8, val: 2 }, topConfusions: [{ label: 'shirt', predicted: 't-shirt_top', count: 3 }], representatives: [1, 0] }),
        cluster({ id: 1, majorityLabel: null, errorRate: Number.NaN }),
      ],
      (i) => ['a.png', 'b.png'][i] ?? '?',
    );
    expect(csv.split('\n')).toEqual([
      'cluster,name,size,majority_label,purity,error_rate,mean_loss,f1,weakness,split_mix,top_confusions,representatives',
      '3,"shirts, mostly",10,shirt,0.6,0.4,1.25,,0.4,train:8;val:2,shirt>t-shirt_top:3,b.png;a.png',
      '1,,10,,0.6,,1.25,,0.4,,,',
      '',
    ]);
  });

  it('writes NaNs empty after the clusters went through a stored frame, where NaN becomes null', () => {
    const [stored] = decodeFrame(encodeFrame([cluster({ id: 2, meanLoss: Number.NaN })])) as ClusterSummary[];
    expect(clustersCsv([stored as ClusterSummary], () => 'a.png').split('\n')[1]).toBe('2,,10,shirt,0.6,0.4,,,0.4,,,');
  });
});

describe('scoreExtraColumns', () => {
  it('appends number scores as numbers and category scores by name to points.csv', () => {
    const extra = scoreExtraColumns([
      { kind: 'number', name: 'mislabel_score', label: 'Mislabel score', description: '', higherIsWorse: true, values: Float32Array.from([0.5, Number.NaN]) },
      { kind: 'category', name: 'suggested_label', label: 'Suggested label', description: '', codes: Int32Array.from([1, -1]), categories: ['cat', 'dog'] },
    ]);
    const csv = pointsCsv({
      path: ['x.png', 'y.png'],
      label: ['cat', 'dog'],
      predictedLabel: [null, null],
      confidence: [Number.NaN, Number.NaN],
      correct: [-1, -1],
      xy: [0, 0, 1, 1],
      extra,
    });
    expect(csv.split('\n').slice(0, 3)).toEqual([
      'path,label,predicted_label,confidence,correct,x,y,mislabel_score,suggested_label',
      'x.png,cat,,,,0,0,0.5,dog',
      'y.png,dog,,,,1,1,,',
    ]);
  });
});
