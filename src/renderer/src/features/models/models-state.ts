import type { JobStatus } from '../../../../shared/model/dataset';
import { formatBytes, type ModelListEntry, type ModelPrecision, type ModelsListResult } from '../../../../shared/model/models';

/** Download jobs by model id, as the panel started them (a job status does not name its model). */
export type DownloadsByModel = ReadonlyMap<string, { precision: ModelPrecision; job: JobStatus }>;

/** Applies a job update to the download it belongs to; unrelated jobs leave the map unchanged. */
export function applyDownloadProgress(downloads: DownloadsByModel, status: JobStatus): DownloadsByModel {
  for (const [id, download] of downloads) {
    if (download.job.jobId !== status.jobId) continue;
    // A late 'running' update must not bring back a finished download.
    if (download.job.state !== 'running' && status.state === 'running') return downloads;
    const next = new Map(downloads);
    next.set(id, { ...download, job: status });
    return next;
  }
  return downloads;
}

export type ModelRowState =
  | { kind: 'downloading'; precision: ModelPrecision; fraction: number | null; doneBytes: number; totalBytes: number; jobId: string }
  | { kind: 'idle'; failed: string | null };

/** What a model's row shows: a running download, or its installed state and the last download's failure. */
export function rowState(model: ModelListEntry, downloads: DownloadsByModel): ModelRowState {
  const download = downloads.get(model.id);
  if (download?.job.state === 'running') {
    const { done, total, jobId } = download.job;
    return { kind: 'downloading', precision: download.precision, fraction: total > 0 ? Math.min(1, done / total) : null, doneBytes: done, totalBytes: total, jobId };
  }
  return { kind: 'idle', failed: download?.job.state === 'failed' ? (download.job.error ?? 'The download failed') : null };
}

/** Precisions the user can still download for a catalogue model. */
export function downloadablePrecisions(model: ModelListEntry): ModelPrecision[] {
  return model.kind === 'catalogue' ? model.available.filter((p) => !model.installed.includes(p)) : [];
}

/**
 * The model analysis will use: the user's choice while it is installed, else the engine's default. `null` choice
 * means "the default".
 */
export function analysisModel(list: ModelsListResult, chosen: string | null): { id: string; name: string; chosen: boolean } {
  const byId = (id: string): ModelListEntry | undefined => list.models.find((m) => m.id === id && m.installed.length > 0);
  const picked = chosen === null ? undefined : byId(chosen);
  if (picked) return { id: picked.id, name: picked.name, chosen: true };
  const fallback = byId(list.defaultModel);
  return { id: list.defaultModel, name: fallback?.name ?? 'Basic pixels embedder (no model)', chosen: false };
}

/**
 * The one-line offer to get a CLIP model, shown while the map comes from the pixels embedder because nothing better
 * is installed. Models are large, so they are downloaded when the user asks, never behind their back; this is where
 * a first-time user learns that they can. Null when a model is installed or the dataset used another embedder.
 */
export function modelOffer(embedderId: string | null, list: ModelsListResult | null): string | null {
  if (embedderId !== 'pixels-v1' || list === null || list.defaultModel !== 'pixels') return null;
  const clip = list.models.find((m) => m.kind === 'catalogue');
  if (!clip) return null;
  const smallest = Math.min(...clip.available.map((p) => clip.bytesByPrecision[p] ?? Number.POSITIVE_INFINITY));
  const size = Number.isFinite(smallest) ? ` (from ${formatBytes(smallest)})` : '';
  return `This map uses the basic pixels embedder: it groups images by look, not meaning. Download ${clip.name}${size} for CLIP embeddings, text search and zero-shot labels, or import one offline.`;
}
