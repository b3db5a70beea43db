/**
 * Selections are ascending, duplicate-free Uint32Arrays of image indices. These combine them in one merge pass.
 */

export type SelectionMode = 'replace' | 'add' | 'subtract';

export const EMPTY_SELECTION = new Uint32Array(0);

/** Union of two ascending index lists. */
export function unionSorted(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x < y) {
      out[n++] = x;
      i++;
    } else if (y < x) {
      out[n++] = y;
      j++;
    } else {
      out[n++] = x;
      i++;
      j++;
    }
  }
  while (i < a.length) out[n++] = a[i++]!;
  while (j < b.length) out[n++] = b[j++]!;
  return out.slice(0, n);
}

/** The entries of ascending `a` that are not in ascending `b`. */
export function differenceSorted(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(a.length);
  let j = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    while (j < b.length && b[j]! < x) j++;
    if (j < b.length && b[j] === x) continue;
    out[n++] = x;
  }
  return out.slice(0, n);
}

/** The selection after applying a lasso's hits with `mode`. */
export function combineSelection(current: Uint32Array, hits: Uint32Array, mode: SelectionMode): Uint32Array {
  if (mode === 'add') return unionSorted(current, hits);
  if (mode === 'subtract') return differenceSorted(current, hits);
  return hits;
}

/** Keyboard modifiers override the toolbar mode: shift adds, alt subtracts. */
export function modeFromModifiers(toolbarMode: SelectionMode, modifiers: { shiftKey: boolean; altKey: boolean }): SelectionMode {
  if (modifiers.altKey) return 'subtract';
  if (modifiers.shiftKey) return 'add';
  return toolbarMode;
}
