import { ApiError } from '../../shared/api/errors.js';
import type { LayoutMethod } from '../../shared/model/dataset.js';
import { runProjection } from '../project/run-projection.js';
import { projectSubset } from '../project/transform/project-subset.js';
import { transformLayout } from '../project/transform/transform-layout.js';
import type { StoredEmbeddings } from '../store/project-store.js';
import type { JobContext } from '../jobs/job-registry.js';
import type { ProjectStore } from '../store/project-store.js';

export interface ProjectStageOptions {
  embedderId: string;
  method: LayoutMethod;
  seed: number;
  /** Intermediate layouts, scattered to image order (2 per image, NaN where an image has no vector). */
  onPreview?: (xy: Float32Array) => void;
}

export const DEFAULT_LAYOUT_PARAMS = { nNeighbors: 15, minDist: 0.1 } as const;

/** Up to this share of new images (or MIN_NEW_FOR_REFIT of them), new points are placed into the existing map. */
const TRANSFORM_MAX_NEW_SHARE = 0.1;
const MIN_NEW_FOR_REFIT = 50;

/**
 * Lays the embedder's vectors out in 2-D. A stored layout with the same key (embedder, method, params) that covers
 * every embedded image is kept; one that misses only a few new images keeps its points and places the new ones
 * next to their nearest fitted neighbours (transform), so the map the user knows does not move. Otherwise the
 * layout is fitted anew.
 */
export async function layoutEmbeddings(store: ProjectStore, options: ProjectStageOptions, ctx: JobContext): Promise<void> {
  const params = { ...DEFAULT_LAYOUT_PARAMS, seed: options.seed };
  const embedded = store.embeddedCount(options.embedderId);
  const cached = store.loadLayout(options.embedderId, options.method, params);
  if (cached && cached.pointCount === embedded) return;

  const emb = store.loadEmbeddings(options.embedderId);
  if (!emb || emb.idxs.length === 0) throw new ApiError('no-embeddings', 'No image could be embedded, so there is nothing to lay out');
  const imageCount = store.imageCount();
  if (cached && cached.pointCount > 0 && cached.xy.length === 2 * imageCount) {
    const newCount = embedded - cached.pointCount;
    if (newCount > 0 && newCount <= Math.max(MIN_NEW_FOR_REFIT, TRANSFORM_MAX_NEW_SHARE * cached.pointCount)) {
      ctx.stage(`Placing ${newCount.toLocaleString('en-US')} new images on the map`, newCount, 'project');
      const xy = placeNewPoints(cached.xy, emb);
      store.saveLayout({ embedderId: options.embedderId, method: options.method, params, xy, createdAtMs: Date.now() });
      options.onPreview?.(xy);
      return;
    }
  }
  const scatter = (compact: Float32Array): Float32Array => {
    const xy = new Float32Array(2 * imageCount).fill(Number.NaN);
    emb.idxs.forEach((idx, i) => {
      xy[2 * idx] = compact[2 * i] as number;
      xy[2 * idx + 1] = compact[2 * i + 1] as number;
    });
    return xy;
  };

  const label = options.method === 'umap' ? 'UMAP' : 't-SNE';
  ctx.stage(`Finding neighbours (${emb.idxs.length.toLocaleString('en-US')} points)`, 0, 'project');
  const compact = await runProjection({
    data: emb.data,
    rows: emb.idxs.length,
    cols: emb.dim,
    method: options.method,
    params,
    signal: ctx.signal,
    onStage: (stage) => {
      if (stage === 'layout') ctx.stage(`Laying out (${label})`, 0);
    },
    onProgress: (epoch, total) => ctx.progress(epoch, total),
    ...(options.onPreview ? { onPreview: (xy: Float32Array) => options.onPreview?.(scatter(xy)) } : {}),
  });
  const xy = scatter(compact);
  store.saveLayout({ embedderId: options.embedderId, method: options.method, params, xy, createdAtMs: Date.now() });
  options.onPreview?.(xy);
}

/** The layout with every embedded but unplaced image placed by its nearest placed neighbours. */
export function placeNewPoints(layoutXy: Float32Array, emb: StoredEmbeddings): Float32Array {
  const fittedRows: number[] = [];
  const addedRows: number[] = [];
  emb.idxs.forEach((idx, row) => (Number.isNaN(layoutXy[2 * idx] as number) ? addedRows : fittedRows).push(row));
  const gather = (rows: readonly number[]): Float32Array => {
    const out = new Float32Array(rows.length * emb.dim);
    rows.forEach((row, i) => out.set(emb.data.subarray(row * emb.dim, (row + 1) * emb.dim), i * emb.dim));
    return out;
  };
  const fittedXy = new Float32Array(fittedRows.length * 2);
  fittedRows.forEach((row, i) => {
    const idx = emb.idxs[row] as number;
    fittedXy[2 * i] = layoutXy[2 * idx] as number;
    fittedXy[2 * i + 1] = layoutXy[2 * idx + 1] as number;
  });
  const placed = transformLayout({
    fitted: { data: gather(fittedRows), rows: fittedRows.length, cols: emb.dim },
    fittedXy,
    added: { data: gather(addedRows), rows: addedRows.length, cols: emb.dim },
    metric: 'cosine',
  });
  const xy = layoutXy.slice();
  addedRows.forEach((row, i) => {
    const idx = emb.idxs[row] as number;
    xy[2 * idx] = placed[2 * i] as number;
    xy[2 * idx + 1] = placed[2 * i + 1] as number;
  });
  return xy;
}

/** Re-projects the chosen images on their own, with the embedder of the current layout. */
export async function reprojectSubset(store: ProjectStore, indices: Uint32Array, method: LayoutMethod, seed: number): Promise<Float32Array> {
  const layout = store.latestLayout();
  const emb = layout ? store.loadEmbeddings(layout.embedderId) : null;
  if (!emb) throw new ApiError('no-embeddings', 'Nothing is embedded yet: analyze the dataset first');
  const rowOf = new Map<number, number>();
  emb.idxs.forEach((idx, row) => rowOf.set(idx, row));
  const rows = Uint32Array.from(indices, (idx) => {
    const row = rowOf.get(idx);
    if (row === undefined) throw new ApiError('unknown-image', `Image #${idx} has no embedding (it is missing or could not be read)`);
    return row;
  });
  return projectSubset({ data: emb.data, rows: emb.idxs.length, cols: emb.dim, indices: rows, method, params: { ...DEFAULT_LAYOUT_PARAMS, seed } });
}
