/**
 * The threads t-SNE's force passes run on. They are part A's compute-pool threads (src/core/project/knn), which
 * serve the kernel registry umap.worker.ts gives them; a probe checks that it includes tsneKernels and otherwise
 * falls back to running the passes on the calling thread, so t-SNE never fails for want of a registered kernel.
 */
import { createComputePool, type ComputePool } from '../knn/compute-pool.js';
import { TSNE_FORCES_KERNEL, tsneKernels } from './tsne-kernels.js';

export async function openForcePool(threads: number): Promise<ComputePool> {
  const inline = (): ComputePool => createComputePool({ threads: 1, kernels: tsneKernels });
  if (threads <= 1) return inline();
  const pool = createComputePool({ threads, kernels: tsneKernels });
  try {
    await pool.run(Array.from({ length: threads }, () => ({ kernel: TSNE_FORCES_KERNEL, args: { probe: true } })));
    return pool;
  } catch {
    await pool.close();
    return inline();
  }
}
