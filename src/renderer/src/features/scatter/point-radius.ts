/**
 * Point radius in screen pixels for `count` points: big enough to hover at 1k points, small enough that
 * 1M points still show structure instead of a solid blob. About 4 px at 1k, 1 px at 1M.
 */
export function basePointRadiusPx(count: number): number {
  if (count <= 1) return 4;
  const radius = 4 - (Math.log10(count) - 3);
  return Math.min(4, Math.max(1, radius));
}

/**
 * Extra scale when the user zooms in past the fitted view: points grow slowly (√2 per zoom level, up to 4×)
 * so dense clusters separate without the points turning into discs.
 */
export function zoomRadiusScale(zoom: number, fittedZoom: number): number {
  const levels = zoom - fittedZoom;
  if (!Number.isFinite(levels) || levels <= 0) return 1;
  return Math.min(4, Math.SQRT2 ** levels);
}
