/**
 * Search, find similar, zero-shot labels and cluster names for the engine: one search index per dataset store and
 * embedder (kept until the embeddings change), one text tower per model folder (kept open until the engine closes).
 */
import { ApiError } from '../../shared/api/errors.js';
import type { InputProblem } from '../../shared/model/dataset.js';
import type { ClusterSummary, ScoreColumn } from '../../shared/model/scores.js';
import { SearchIndexCache } from '../search/index-cache.js';
import { TextTowers, type TextTowerLoader } from '../search/text-embedder.js';
import { EXACT_SEARCH_MAX_POINTS, type SearchHits } from '../search/vector-index.js';
import type { JobContext } from '../jobs/job-registry.js';
import type { ProjectStore } from '../store/project-store.js';
import {
  datasetEmbedder,
  rememberedClusterWords,
  rememberedZeroShotRequest,
  runClusterNames,
  runZeroShot,
  type ZeroShotRequest,
} from './text-features.js';

export const DEFAULT_TOP_K = 50;
const MAX_TOP_K = 10_000;

export interface TextFeatureOptions {
  textTowerLoader: TextTowerLoader;
  /** Above this many points, search uses the ANN graph; default 200,000. */
  exactSearchMaxPoints?: number;
}

export class TextFeatureService {
  private readonly indexes: SearchIndexCache;
  private readonly towers: TextTowers;

  private readonly exactMaxPoints: number;

  constructor(options: TextFeatureOptions) {
    this.exactMaxPoints = options.exactSearchMaxPoints ?? EXACT_SEARCH_MAX_POINTS;
    this.indexes = new SearchIndexCache({ exactMaxPoints: this.exactMaxPoints });
    this.towers = new TextTowers(options.textTowerLoader);
  }

  /** The store's embeddings may have changed: the next search reloads them. */
  invalidate(store: ProjectStore): void {
    this.indexes.invalidate(store);
  }

  async searchText(store: ProjectStore, text: string, topK: number | undefined): Promise<SearchHits> {
    const k = checkTopK(topK);
    if (text.trim() === '') throw new ApiError('bad-request', 'Type something to search for');
    const embedder = datasetEmbedder(store);
    const tower = await this.towers.forEmbedder(embedder);
    const index = await this.indexes.get(store, embedder.id);
    const query = await tower.encode([text]);
    return index.search(query, k);
  }

  async searchSimilar(store: ProjectStore, images: readonly number[], topK: number | undefined, excludeQuery: boolean): Promise<SearchHits> {
    const k = checkTopK(topK);
    const index = await this.indexes.get(store, datasetEmbedder(store).id);
    return index.search(index.queryForImages(images), k, excludeQuery ? images : []);
  }

  async zeroShot(store: ProjectStore, request: ZeroShotRequest): Promise<ScoreColumn[]> {
    const embedder = datasetEmbedder(store);
    const tower = await this.towers.forEmbedder(embedder);
    return runZeroShot(store, tower, await this.indexes.get(store, embedder.id), embedder.id, request);
  }

  async nameClusters(store: ProjectStore, words: readonly string[] | undefined): Promise<ClusterSummary[]> {
    const embedder = datasetEmbedder(store);
    const tower = await this.towers.forEmbedder(embedder);
    return runClusterNames(store, tower, await this.indexes.get(store, embedder.id), words);
  }

  /**
   * The end of an analysis: the search graph when there are more points than exact search takes (so the first
   * search does not wait for it), then zero-shot labels and cluster names when the model has a text tower and
   * there are classes (or a list the user gave before). Returns what could not be done, as problems; never throws
   * for that (except on cancel).
   */
  async afterAnalyze(store: ProjectStore, ctx: JobContext): Promise<InputProblem[]> {
    this.invalidate(store);
    const embedder = datasetEmbedder(store);
    const problems: InputProblem[] = [];
    const attempt = async (what: string, run: () => Promise<unknown>): Promise<void> => {
      try {
        await run();
      } catch (err) {
        ctx.signal.throwIfAborted();
        problems.push({ file: embedder.modelDir ?? embedder.name, kind: 'text-features-failed', message: `${what}: ${err instanceof Error ? err.message : String(err)}` });
      }
    };
    if (store.embeddedCount(embedder.id) > this.exactMaxPoints) {
      ctx.stage('Building the search index', 0, 'search-index');
      await attempt('Search index', () => this.indexes.get(store, embedder.id, { signal: ctx.signal, onProgress: (done, total) => ctx.progress(done, total) }));
    }
    if (embedder.modelDir === undefined) return problems;
    ctx.stage('Zero-shot labels and cluster names', 0, 'text');
    const zeroShot = rememberedZeroShotRequest(store);
    const words = rememberedClusterWords(store);
    const hasClasses = store.getMeta().classes.length > 0;
    if (hasClasses || zeroShot.classes) await attempt('Zero-shot labels', () => this.zeroShot(store, zeroShot));
    if (hasClasses || words) await attempt('Cluster names', () => this.nameClusters(store, words));
    return problems;
  }

  async close(): Promise<void> {
    await this.towers.closeAll();
  }
}

function checkTopK(topK: number | undefined): number {
  if (topK === undefined) return DEFAULT_TOP_K;
  if (!Number.isInteger(topK) || topK < 1 || topK > MAX_TOP_K) throw new ApiError('bad-request', `topK must be an integer from 1 to ${MAX_TOP_K}, got ${topK}`);
  return topK;
}
