/**
 * Installs a catalogue model into the cache: downloads the files one precision needs into `<cache>/<id>/`
 * (Hugging Face layout), each verified before it takes its final name, then (re)writes the manifest listing them.
 */
import { join } from 'node:path';
import type { ModelPrecision } from '../../shared/model/models.js';
import { catalogPrecisions, filesForPrecision, type CatalogEntry } from './catalog.js';
import { downloadFile, type WriteChunk } from './download-file.js';
import { presentFiles, readManifest, writeManifest, type ManifestFile, type ModelManifest } from './manifest.js';

export const DEFAULT_HF_ENDPOINT = 'https://huggingface.co';
export const HF_ENDPOINT_ENV = 'HF_ENDPOINT';

/** The option, else `HF_ENDPOINT` (as huggingface_hub reads it, e.g. for a mirror), else huggingface.co. */
export function resolveEndpoint(option?: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  const chosen = option ?? env[HF_ENDPOINT_ENV] ?? DEFAULT_HF_ENDPOINT;
  return chosen.replace(/\/+$/, '');
}

/** `${endpoint}/${repo}/resolve/${revision}/${path}`, path segments escaped. */
export function fileUrl(endpoint: string, repo: string, revision: string, path: string): string {
  return `${endpoint}/${repo}/resolve/${encodeURIComponent(revision)}/${path.split('/').map(encodeURIComponent).join('/')}`;
}

export function modelDirFor(cacheDir: string, id: string): string {
  return join(cacheDir, id);
}

export interface InstallProgress {
  /** The file being fetched. */
  file: string;
  /** Bytes of this precision's files on disk so far, files already installed included. */
  doneBytes: number;
  /** Their total: the server's sizes where known, else the catalogue's approximate ones. */
  totalBytes: number;
}

export interface InstallOptions {
  cacheDir: string;
  endpoint?: string;
  signal?: AbortSignal;
  onProgress?: (progress: InstallProgress) => void;
  fetch?: typeof fetch;
  writeChunk?: WriteChunk;
  retries?: number;
  backoffMs?: number;
}

export async function installCatalogModel(entry: CatalogEntry, precision: ModelPrecision, options: InstallOptions): Promise<ModelManifest> {
  if (!catalogPrecisions(entry).includes(precision)) {
    throw new Error(`${entry.name} has no ${precision} files in the catalogue; choose ${catalogPrecisions(entry).join(' or ')}`);
  }
  const endpoint = resolveEndpoint(options.endpoint);
  const modelDir = modelDirFor(options.cacheDir, entry.id);
  const previous = await readManifest(modelDir);
  // Files of an earlier install stay listed while they are still on disk; missing ones are fetched again.
  // Files of another revision (the catalogue moved on) are fetched again.
  const sameSource = (m: ModelManifest): boolean => 'repo' in m.source && m.source.repo === entry.source.repo && m.source.revision === entry.source.revision;
  const earlier = previous.state === 'ok' && previous.manifest.kind === 'catalogue' && sameSource(previous.manifest) ? previous.manifest : null;
  const present = earlier ? await presentFiles(modelDir, earlier) : new Set<string>();
  const listed = new Map<string, ManifestFile>((earlier?.files ?? []).filter((f) => present.has(f.path)).map((f) => [f.path, f]));
  const wanted = filesForPrecision(entry, precision);

  const sizes = new Map(wanted.map((f) => [f.path, listed.get(f.path)?.bytes ?? f.approxBytes]));
  const doneByFile = new Map(wanted.map((f) => [f.path, listed.has(f.path) ? (sizes.get(f.path) ?? 0) : 0]));
  const sum = (values: Iterable<number>): number => [...values].reduce((a, b) => a + b, 0);
  const report = (file: string): void => options.onProgress?.({ file, doneBytes: sum(doneByFile.values()), totalBytes: sum(sizes.values()) });

  for (const file of wanted) {
    if (listed.has(file.path)) continue;
    report(file.path);
    const downloaded = await downloadFile({
      url: fileUrl(endpoint, entry.source.repo, entry.source.revision, file.path),
      destPath: join(modelDir, ...file.path.split('/')),
      ...(file.sha256 ? { expectedSha256: file.sha256 } : {}),
      cacheDir: options.cacheDir,
      onBytes: (bytes, total) => {
        if (total !== null) sizes.set(file.path, total);
        doneByFile.set(file.path, bytes);
        report(file.path);
      },
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.writeChunk ? { writeChunk: options.writeChunk } : {}),
      ...(options.retries !== undefined ? { retries: options.retries } : {}),
      ...(options.backoffMs !== undefined ? { backoffMs: options.backoffMs } : {}),
    });
    listed.set(file.path, { path: file.path, role: file.role, ...(file.precision ? { precision: file.precision } : {}), bytes: downloaded.bytes, sha256: downloaded.sha256 });
    // Listed as soon as it is verified: an install that fails later keeps it, and a precision counts only once all
    // of its files are listed.
    await writeManifest(modelDir, manifestOf(entry, listed));
  }
  const manifest = manifestOf(entry, listed);
  await writeManifest(modelDir, manifest);
  return manifest;
}

function manifestOf(entry: CatalogEntry, listed: Map<string, ManifestFile>): ModelManifest {
  const order = new Map(entry.files.map((f, i) => [f.path, i]));
  return {
    format: 1,
    id: entry.id,
    name: entry.name,
    kind: 'catalogue',
    source: { repo: entry.source.repo, revision: entry.source.revision },
    files: [...listed.values()].sort((a, b) => (order.get(a.path) ?? 0) - (order.get(b.path) ?? 0)),
    notes: [],
  };
}
