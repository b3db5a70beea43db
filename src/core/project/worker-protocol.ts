/** Messages between runProjection (parent) and umap.worker.ts. Typed arrays travel as transferred buffers. */
import type { LayoutMethod } from '../../shared/model/dataset.js';
import type { ProjectionParams, ProjectionStage } from './types.js';

export interface ProjectionRequest {
  data: Float32Array;
  rows: number;
  cols: number;
  method: LayoutMethod;
  params: ProjectionParams;
}

export type ProjectionWorkerMessage =
  | { type: 'stage'; stage: ProjectionStage }
  | { type: 'progress'; epoch: number; total: number }
  | { type: 'preview'; xy: Float32Array }
  | { type: 'done'; xy: Float32Array }
  | { type: 'error'; name: string; message: string };
