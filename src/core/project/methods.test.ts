import { describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api/errors.js';
import { getProjector, projectionMethods } from './methods.js';

describe('projection methods', () => {
  it('offers umap only for now', () => {
    expect(projectionMethods).toEqual(['umap']);
    expect(getProjector('umap').method).toBe('umap');
  });

  it('refuses tsne (and unknown names) with a clear not-available error', () => {
    expect(() => getProjector('tsne')).toThrow(ApiError);
    expect(() => getProjector('tsne')).toThrow('Projection method "tsne" is not available yet; available: umap');
    expect(() => getProjector('pca' as never)).toThrow(/"pca" is not available yet/);
  });

  it('runs the umap projector through the Projector interface', async () => {
    const data = new Float32Array(20 * 2).map((_, i) => (i * 7919) % 13);
    const xy = await getProjector('umap').project({ data, rows: 20, cols: 2 }, { nEpochs: 10 }, {});
    expect(xy.length).toBe(40);
  });
});
