import { describe, expect, it } from 'vitest';
import { errorRank } from './draw-order';
import { PointBuffers } from './point-buffers';
import { baseColoring } from './point-colors';
import { RIGHT_COLOR, WRONG_COLOR, categoricalColor } from './palette';

const xy = Float32Array.from([0, 0, 1, 1, NaN, NaN, 3, 3]);
const columns = {
  label: Int32Array.from([0, 1, 0, 1]),
  predicted: Int32Array.from([1, 1, 0, 1]),
  correct: Int8Array.from([0, 1, 1, 1]),
};

describe('PointBuffers', () => {
  it('draws finite points with mistakes last and maps picked instances back to images', () => {
    const buffers = new PointBuffers(xy, errorRank(columns.correct));
    expect(buffers.data.length).toBe(3);
    expect(Array.from(buffers.data.attributes.getPosition.value)).toEqual([1, 1, 3, 3, 0, 0]);
    expect(buffers.imageAt(2)).toBe(0);
    expect(buffers.imageAt(3)).toBeNull();
    expect(buffers.imageAt(-1)).toBeNull();
  });

  it('recolours by swapping the colour descriptor while data and positions keep their identity', () => {
    const buffers = new PointBuffers(xy, errorRank(columns.correct));
    const { data } = buffers;
    const positions = data.attributes.getPosition;
    const v1 = buffers.recolor(baseColoring(columns, 2, 'error'));
    const errorColors = data.attributes.getFillColor;
    expect(Array.from(errorColors.value.subarray(0, 4))).toEqual([...RIGHT_COLOR]);
    expect(Array.from(errorColors.value.subarray(8, 12))).toEqual([...WRONG_COLOR]);
    const v2 = buffers.recolor(baseColoring(columns, 2, 'label'));
    expect(v2).toBeGreaterThan(v1);
    expect(buffers.data).toBe(data);
    expect(data.attributes.getPosition).toBe(positions);
    expect(data.attributes.getFillColor).not.toBe(errorColors);
    expect(Array.from(data.attributes.getFillColor.value.subarray(0, 4))).toEqual([...categoricalColor(1)]);
  });
});
