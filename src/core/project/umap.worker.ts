/** Wiring only: runs a Projector on the request it is sent, and posts progress, previews and the result back. */
import { parentPort } from 'node:worker_threads';
import { getProjector } from './methods.js';
import type { ProjectionRequest, ProjectionWorkerMessage } from './worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('umap.worker must run in a worker thread');

function post(message: ProjectionWorkerMessage, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

port.once('message', async (request: ProjectionRequest) => {
  try {
    const { data, rows, cols, method, params } = request;
    // No shouldStop: cancelling terminates this thread, which also stops the synchronous neighbour search.
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
