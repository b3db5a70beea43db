import type { LayoutMethod } from '../../shared/model/dataset.js';
import { methodUnavailableError } from './errors.js';
import type { Projector } from './types.js';
import { tsneProjector } from './tsne/tsne.js';
import { umapProjector } from './umap.js';

/** Every method the contract names; null until an implementation exists. */
const projectors: Record<LayoutMethod, Projector | null> = {
  umap: umapProjector,
  tsne: tsneProjector,
};

/** The methods that can run now: what AppInfo.capabilities.projectionMethods reports. */
export const projectionMethods: readonly LayoutMethod[] = (Object.keys(projectors) as LayoutMethod[]).filter(
  (method) => projectors[method] !== null,
);

/** Throws an ApiError with code 'method-unavailable' for a method the contract names but nothing implements yet. */
export function getProjector(method: LayoutMethod): Projector {
  const projector = projectors[method] ?? null;
  if (projector === null) throw methodUnavailableError(method, projectionMethods);
  return projector;
}
