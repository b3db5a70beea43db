import { describe, expect, it } from 'vitest';
import { gridGeometry } from './grid-geometry';

const spacing = { minCellPx: 100, gapPx: 10, paddingPx: 5, captionPx: 30 };

describe('gridGeometry', () => {
  it('fits as many minimum-size cells as the width allows and stretches them to fill it', () => {
    // Inner 410 px: a fourth 100-px cell would need 430, so three cells of 130 px and two 10-px gaps.
    const g = gridGeometry(420, spacing);
    expect(g.columns).toBe(3);
    expect(g.cellWidthPx).toBeCloseTo(130, 6);
    expect(gridGeometry(440, spacing).columns).toBe(4);
    expect(g.rowHeightPx).toBeCloseTo(g.cellWidthPx + 40, 6);
  });

  it('keeps one column of the minimum size when the panel is narrow or not laid out yet', () => {
    expect(gridGeometry(0, spacing)).toEqual({ columns: 1, cellWidthPx: 100, rowHeightPx: 140 });
  });
});
