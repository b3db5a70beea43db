/** Every kernel a compute-pool thread may run: the kNN ones, the UMAP epoch and the t-SNE forces. */
import type { KernelRegistry } from '../knn/compute-pool.js';
import { knnKernels } from '../knn/knn-kernels.js';
import { tsneKernels } from '../tsne/tsne-kernels.js';
import { type SgdEpochArgs, sgdEpoch } from './sgd-epoch.js';

export const umapKernels: KernelRegistry = {
  ...knnKernels,
  ...tsneKernels,
  'umap-sgd-epoch': (args) => sgdEpoch(args as unknown as SgdEpochArgs),
};
