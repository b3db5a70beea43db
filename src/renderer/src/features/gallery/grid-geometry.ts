/** How many thumbnail cells fit a row and how big they are. Pure, so resizing is testable without a DOM. */

export interface GridGeometry {
  columns: number;
  cellWidthPx: number;
  rowHeightPx: number;
}

export interface GridSpacing {
  minCellPx: number;
  gapPx: number;
  paddingPx: number;
  captionPx: number;
}

export function gridGeometry(widthPx: number, spacing: GridSpacing): GridGeometry {
  const { minCellPx, gapPx, paddingPx, captionPx } = spacing;
  const inner = Math.max(0, widthPx - 2 * paddingPx);
  const columns = Math.max(1, Math.floor((inner + gapPx) / (minCellPx + gapPx)));
  const cellWidthPx = Math.max(minCellPx, (inner - gapPx * (columns - 1)) / columns);
  return { columns, cellWidthPx, rowHeightPx: cellWidthPx + captionPx + gapPx };
}
