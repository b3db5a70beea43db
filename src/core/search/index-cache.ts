/**
 * Search indexes kept per dataset store and embedder, so a query never reloads or rebuilds: loaded once, and built
 * again when the store's `embeddingsVersion` moved since (a rescan renumbered the images, vectors were saved or
 * dropped), even when the job that changed them failed or was cancelled before it could call `invalidate`. Graphs over large sets are also saved beside
 * the store (`<dataset dir>/search/<embedder>-<fingerprint>.usearch`), named by a hash of the vectors they index, so
 * a restarted app loads instead of rebuilding, and changed embeddings never find a stale graph.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../shared/api/errors.js';
import type { ProjectStore } from '../store/project-store.js';
import { AnnIndex, ANN_PARAMS, loadUsearch } from './ann-index.js';
import { EXACT_SEARCH_MAX_POINTS, normalizeRows, VectorIndex } from './vector-index.js';

/** Progress of a graph build, for a job that wants to show it; the build stops when `signal` aborts. */
export interface BuildProgress {
  signal?: AbortSignal;
  onProgress?: (doneRows: number, totalRows: number) => void;
}

export interface IndexCacheOptions {
  /** Above this many points, search uses the graph (tests lower it). */
  exactMaxPoints?: number;
}

interface CachedIndex {
  /** The store's `embeddingsVersion` when the embeddings were loaded. */
  version: string;
  index: Promise<VectorIndex>;
}

export class SearchIndexCache {
  private readonly byStore = new WeakMap<ProjectStore, Map<string, CachedIndex>>();

  constructor(private readonly options: IndexCacheOptions = {}) {}

  /**
   * The index of this embedder's vectors in this store; built (or loaded from disk) on first use and whenever the
   * store's embeddings changed since. `progress` is used only by the call that starts the build.
   */
  get(store: ProjectStore, embedderId: string, progress: BuildProgress = {}): Promise<VectorIndex> {
    let perStore = this.byStore.get(store);
    if (!perStore) {
      perStore = new Map();
      this.byStore.set(store, perStore);
    }
    // Read before the build loads the embeddings (synchronously, in its first step), so it names what was loaded.
    const version = store.embeddingsVersion();
    const cached = perStore.get(embedderId);
    if (cached?.version === version) return cached.index;
    const entry: CachedIndex = { version, index: this.build(store, embedderId, progress) };
    perStore.set(embedderId, entry);
    // A failed build is not cached: the next call tries again.
    entry.index.catch(() => {
      if (perStore.get(embedderId) === entry) perStore.delete(embedderId);
    });
    return entry.index;
  }

  /** Forgets every index of this store, releasing their memory (`get` already rebuilds a stale one). */
  invalidate(store: ProjectStore): void {
    this.byStore.delete(store);
  }

  private async build(store: ProjectStore, embedderId: string, progress: BuildProgress): Promise<VectorIndex> {
    const embeddings = store.loadEmbeddings(embedderId);
    if (!embeddings || embeddings.idxs.length === 0) throw new ApiError('not-embedded', 'This dataset has no embeddings yet; run the analysis first');
    normalizeRows(embeddings.data, embeddings.dim);
    if (embeddings.idxs.length <= (this.options.exactMaxPoints ?? EXACT_SEARCH_MAX_POINTS)) return new VectorIndex(embeddings, null);
    const usearch = await loadUsearch();
    if (usearch instanceof Error) return new VectorIndex(embeddings, null, `the ANN library could not load (${usearch.message}); searching exactly`);

    const rows = embeddings.idxs.length;
    const dir = path.join(path.dirname(store.db.name), 'search');
    const prefix = `${embedderId.replace(/[^A-Za-z0-9._-]/g, '_')}-`;
    const file = path.join(dir, `${prefix}${fingerprint(embeddings.idxs, embeddings.data)}.usearch`);
    try {
      return new VectorIndex(embeddings, AnnIndex.load(usearch, file, rows, embeddings.dim));
    } catch {
      // Not saved yet, or unreadable: build it.
    }
    const ann = await AnnIndex.build(usearch, embeddings.data, embeddings.dim, progress);
    try {
      mkdirSync(dir, { recursive: true });
      for (const old of readdirSync(dir)) if (old.startsWith(prefix)) rmSync(path.join(dir, old), { force: true });
      // Written under a temporary name and renamed, so a crash never leaves a half-written graph under the real one.
      const partial = `${file}.partial`;
      ann.save(partial);
      renameSync(partial, file);
    } catch {
      // A read-only or full disk only costs a rebuild next session; the index in memory works.
    }
    return new VectorIndex(embeddings, ann);
  }
}

/** Names a graph by the vectors and parameters it was built from. */
function fingerprint(idxs: Int32Array, data: Float32Array): string {
  const hash = createHash('sha1');
  hash.update(JSON.stringify(ANN_PARAMS));
  hash.update(new Uint8Array(idxs.buffer, idxs.byteOffset, idxs.byteLength));
  hash.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return hash.digest('hex').slice(0, 16);
}
