/** The UMAP projector: our own multi-threaded implementation (see umap/compute-umap.ts) behind the Projector seam. */
import type { Projector } from './types.js';
import { computeUmap } from './umap/compute-umap.js';

export { computeUmap, MIN_UMAP_ROWS } from './umap/compute-umap.js';
export { PARALLEL_MIN_ROWS } from './knn/knn-graph.js';
export { resolveUmapParams, type ResolvedUmapParams } from './umap/resolve-params.js';

export const umapProjector: Projector = {
  method: 'umap',
  project: (input, params, hooks) => computeUmap(input, params, hooks),
};
