/**
 * A layout of only some images, spread to the full point count: the selected images at their new positions, every
 * other image NaN (the scatter skips NaN points), so the map, colours and selection keep working unchanged.
 */
export function spreadSubsetLayout(count: number, indices: Uint32Array, subsetXy: Float32Array): Float32Array {
  if (subsetXy.length !== 2 * indices.length) throw new RangeError(`subset layout has ${subsetXy.length} values for ${indices.length} points`);
  const xy = new Float32Array(2 * count).fill(Number.NaN);
  indices.forEach((index, i) => {
    if (index >= count) return;
    xy[2 * index] = subsetXy[2 * i] as number;
    xy[2 * index + 1] = subsetXy[2 * i + 1] as number;
  });
  return xy;
}

/** Re-projecting fewer points than this says nothing a map can show. */
export const MIN_SUBSET_POINTS = 4;
