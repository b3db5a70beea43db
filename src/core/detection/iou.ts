/**
 * Intersection over union of box `a` in `aXyxy` and box `b` in `bXyxy`. When `bIsCrowd`, the union is the area of
 * `a` alone, as COCO does for crowd regions: a prediction inside a crowd counts as covered however big the crowd is.
 */
export function boxIou(aXyxy: Float32Array, a: number, bXyxy: Float32Array, b: number, bIsCrowd: boolean): number {
  const ax1 = aXyxy[a * 4] as number;
  const ay1 = aXyxy[a * 4 + 1] as number;
  const ax2 = aXyxy[a * 4 + 2] as number;
  const ay2 = aXyxy[a * 4 + 3] as number;
  const bx1 = bXyxy[b * 4] as number;
  const by1 = bXyxy[b * 4 + 1] as number;
  const bx2 = bXyxy[b * 4 + 2] as number;
  const by2 = bXyxy[b * 4 + 3] as number;
  const interW = Math.min(ax2, bx2) - Math.max(ax1, bx1);
  const interH = Math.min(ay2, by2) - Math.max(ay1, by1);
  if (interW <= 0 || interH <= 0) return 0;
  const intersection = interW * interH;
  const areaA = (ax2 - ax1) * (ay2 - ay1);
  const union = bIsCrowd ? areaA : areaA + (bx2 - bx1) * (by2 - by1) - intersection;
  return union > 0 ? intersection / union : 0;
}
