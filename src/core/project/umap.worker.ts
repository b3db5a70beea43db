/**
 * Wiring only. One worker script with two jobs, chosen by workerData: the projection worker (runs a Projector on
 * the request it is sent and posts progress, previews and the result back), or a compute-pool thread that the
 * projection starts for its parallel kernels. One script keeps the bundle at a single worker entry.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { COMPUTE_POOL_ROLE } from './knn/compute-pool.js';
import { servePool } from './knn/pool-worker.js';
import { getProjector } from './methods.js';
import { umapKernels } from './umap/umap-kernels.js';
import type { ProjectionRequest, ProjectionWorkerMessage } from './worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('umap.worker must run in a worker thread');

if ((workerData as { role?: unknown } | null)?.role === COMPUTE_POOL_ROLE) {
  servePool(port, umapKernels);
} else {
  const post = (message: ProjectionWorkerMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);
  port.once('message', async (request: ProjectionRequest) => {
    try {
      const { data, rows, cols, method, params } = request;
      // No shouldStop: cancelling terminates this thread, and with it the compute threads it started.
      const xy = await getProjector(method).project({ data, rows, cols }, params, {
        onStage: (stage) => post({ type: 'stage', stage }),
        onProgress: (epoch, total) => post({ type: 'progress', epoch, total }),
        onPreview: (preview) => post({ type: 'preview', xy: preview }, [preview.buffer as ArrayBuffer]),
      });
      post({ type: 'done', xy }, [xy.buffer as ArrayBuffer]);
    } catch (error) {
      const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
      post({ type: 'error', name, message });
    }
  });
}
