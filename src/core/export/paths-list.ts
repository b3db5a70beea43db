/** One path per line (newline-terminated), for the images in `rows` (image indices, in order; default all). */
export function pathsList(paths: readonly string[], rows?: ArrayLike<number>): string {
  const selected = rows === undefined ? paths : Array.from(rows, (i) => {
    const path = paths[i];
    if (path === undefined) throw new RangeError(`pathsList: no image with index ${i} (${paths.length} images)`);
    return path;
  });
  return selected.length === 0 ? '' : `${selected.join('\n')}\n`;
}
