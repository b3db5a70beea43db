import { ApiError } from '../../shared/api/errors.js';
import type { LayoutMethod } from '../../shared/model/dataset.js';
import { runProjection } from '../project/run-projection.js';
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

/**
 * Lays the embedder's vectors out in 2-D, unless a layout with the same key (embedder, method, params) already
 * covers every embedded image, in which case the stored one is kept.
 */
export async function layoutEmbeddings(store: ProjectStore, options: ProjectStageOptions, ctx: JobContext): Promise<void> {
  const params = { ...DEFAULT_LAYOUT_PARAMS, seed: options.seed };
  const embedded = store.embeddedCount(options.embedderId);
  const cached = store.loadLayout(options.embedderId, options.method, params);
  if (cached && cached.pointCount === embedded) return;

  const emb = store.loadEmbeddings(options.embedderId);
  if (!emb || emb.idxs.length === 0) throw new ApiError('no-embeddings', 'No image could be embedded, so there is nothing to lay out');
  const imageCount = store.imageCount();
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
