import { describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api/errors.js';
import { getProjector, projectionMethods } from './methods.js';

describe('projection methods', () => {
  it('offers umap and tsne', () => {
    expect(projectionMethods).toEqual(['umap', 'tsne']);
    expect(getProjector('umap').method).toBe('umap');
    expect(getProjector('tsne').method).toBe('tsne');
  });

  it('refuses unknown names with a clear not-available error listing the methods', () => {
    expect(() => getProjector('pca' as never)).toThrow(ApiError);
    expect(() => getProjector('pca' as never)).toThrow('Projection method "pca" is not available yet; available: umap, tsne');
  });

  it('runs the umap projector through the Projector interface', async () => {
    const data = new Float32Array(20 * 2).map((_, i) => (i * 7919) % 13);
    const xy = await getProjector('umap').project({ data, rows: 20, cols: 2 }, { nEpochs: 10 }, {});
    expect(xy.length).toBe(40);
  });
});
