/**
 * The generic per-image metrics CSV: read on every open (it is small and may have changed), remembered so a reopen
 * finds it again, and served beside the computed scores.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeFrame, encodeFrame } from '../../shared/api/codec.js';
import type { NumberColumn } from '../../shared/model/scores.js';
import { POINTS_CSV_HEADER } from '../export/points-csv.js';
import type { JobContext } from '../jobs/job-registry.js';
import { DEFAULT_METRICS_FILE_NAME, parseMetricsCsv } from '../predictions/metrics-csv.js';
import type { ProjectStore } from '../store/project-store.js';
import { loadHealth } from './health-stage.js';

const METRICS_RESULT_NAME = 'metrics';

interface StoredMetrics {
  /** Absolute path of the metrics file. */
  file: string;
  columns: NumberColumn[];
}

export function loadMetrics(store: ProjectStore): StoredMetrics | null {
  const saved = store.loadResult(METRICS_RESULT_NAME);
  return saved ? (decodeFrame(saved.data) as StoredMetrics) : null;
}

/** Joins the metrics file given, else the one remembered, else `metrics.csv` in the root (when there is one). */
export function joinMetrics(store: ProjectStore, root: string, metricsPath: string | undefined, ctx: JobContext): void {
  const remembered = loadMetrics(store)?.file ?? null;
  const fallback = path.join(root, DEFAULT_METRICS_FILE_NAME);
  const file = metricsPath !== undefined ? path.resolve(root, metricsPath) : (remembered ?? (existsSync(fallback) ? fallback : null));
  if (file === null) return;
  ctx.stage('Reading metrics', 0, 'metrics');
  const displayName = path.relative(root, file).startsWith('..') ? file : path.relative(root, file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    store.replaceProblems('metrics', [{ file: displayName, kind: 'unreadable-file', message: `${displayName} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)}).` }]);
    return;
  }
  const reserved = new Set<string>([...POINTS_CSV_HEADER, ...(loadHealth(store)?.columns.map((c) => c.name) ?? [])]);
  const { columns, problems } = parseMetricsCsv(text, displayName, store.listImages().map((r) => r.path), reserved);
  store.saveResult(METRICS_RESULT_NAME, file, encodeFrame({ file, columns } satisfies StoredMetrics));
  store.replaceProblems('metrics', problems);
}
