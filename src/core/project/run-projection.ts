/**
 * Runs a projection in a worker thread so the engine's event loop stays responsive; forwards progress and
 * previews, and cancels by terminating the thread (a kernel in progress cannot be interrupted otherwise; the
 * compute threads the projection starts end with it).
 */
import type { LayoutMethod } from '../../shared/model/dataset.js';
import { createAbortError } from './errors.js';
import { assertFiniteRows, assertInputShape } from './input-checks.js';
import { getProjector } from './methods.js';
import type { ProjectionInput, ProjectionParams, ProjectionStage } from './types.js';
import type { ProjectionRequest, ProjectionWorkerMessage } from './worker-protocol.js';
import { spawnWorker } from './spawn-worker.js';

export interface RunProjectionOptions extends ProjectionInput {
  /** Default 'umap'; a method with no implementation rejects with an ApiError 'method-unavailable'. */
  method?: LayoutMethod;
  params?: ProjectionParams;
  /** Aborting terminates the worker and rejects with a DOMException named 'AbortError'. */
  signal?: AbortSignal;
  onStage?(stage: ProjectionStage): void;
  onProgress?(epoch: number, totalEpochs: number): void;
  /** About every 10% of the epochs; the array is the receiver's to keep. */
  onPreview?(xy: Float32Array): void;
}

/**
 * Resolves with interleaved x,y (length 2*rows, normalised into [-1, 1]).
 *
 * The input is transferred to the worker, not copied: when `data` spans its whole ArrayBuffer, that buffer is
 * detached and `data` is empty afterwards. Pass `data.slice()` if you still need the values. A view on part of a
 * larger buffer is copied (the rest of the buffer stays usable); a SharedArrayBuffer is shared, not moved.
 * Shape errors, NaN/±Infinity rows (NonFiniteRowsError) and unavailable methods reject before any worker starts
 * and before the input is transferred.
 */
export async function runProjection(options: RunProjectionOptions): Promise<Float32Array> {
  const { data, rows, cols, method = 'umap', params = {}, signal } = options;
  if (signal?.aborted) throw createAbortError(signal.reason);
  getProjector(method);
  assertInputShape({ data, rows, cols });
  assertFiniteRows({ data, rows, cols });

  const { payload, transfer } = prepareTransfer(data);
  const worker = spawnWorker();
  const request: ProjectionRequest = { data: payload, rows, cols, method, params };

  return new Promise<Float32Array>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    // Reject only once the thread is gone, so a cancelled run never keeps computing behind the caller's back.
    const stopWith = (error: unknown): void => {
      if (settled) return;
      settle(() => {
        void worker.terminate().finally(() => reject(error));
      });
    };
    const onAbort = (): void => stopWith(createAbortError(signal?.reason));
    signal?.addEventListener('abort', onAbort, { once: true });

    worker.on('message', (message: ProjectionWorkerMessage) => {
      if (settled) return;
      try {
        dispatch(message);
      } catch (callbackError) {
        // A throwing onProgress/onPreview ends the run instead of becoming an uncaught exception.
        stopWith(callbackError);
      }
    });
    const dispatch = (message: ProjectionWorkerMessage): void => {
      switch (message.type) {
        case 'stage':
          options.onStage?.(message.stage);
          break;
        case 'progress':
          options.onProgress?.(message.epoch, message.total);
          break;
        case 'preview':
          options.onPreview?.(message.xy);
          break;
        case 'done':
          settle(() => resolve(message.xy));
          void worker.terminate();
          break;
        case 'error':
          stopWith(Object.assign(new Error(message.message), { name: message.name }));
          break;
      }
    };
    worker.on('error', (error) => stopWith(error));
    worker.on('messageerror', (error) => stopWith(error));
    worker.on('exit', (code) => {
      settle(() => reject(new Error(`projection worker exited with code ${code} before sending a result`)));
    });
    worker.postMessage(request, transfer);
  });
}

function prepareTransfer(data: Float32Array): { payload: Float32Array; transfer: ArrayBuffer[] } {
  const buffer = data.buffer;
  if (!(buffer instanceof ArrayBuffer)) return { payload: data, transfer: [] };
  if (data.byteOffset === 0 && data.byteLength === buffer.byteLength) return { payload: data, transfer: [buffer] };
  const copy = data.slice();
  return { payload: copy, transfer: [copy.buffer] };
}
