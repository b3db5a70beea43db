/**
 * What CLIP's text tower adds to a dataset: zero-shot label columns (stored, served with the scores, written into
 * points.csv) and cluster names. Both use the image embeddings the current layout was made from.
 */
import { createHash } from 'node:crypto';
import { decodeFrame, encodeFrame } from '../../shared/api/codec.js';
import { ApiError } from '../../shared/api/errors.js';
import type { EmbedderInfo } from '../../shared/model/dataset.js';
import type { CategoryColumn, ClusterSummary, NumberColumn, ScoreColumn } from '../../shared/model/scores.js';
import type { TextEmbedder } from '../search/text-embedder.js';
import type { VectorIndex } from '../search/vector-index.js';
import type { ProjectStore } from '../store/project-store.js';
import { nameClusters } from '../zero-shot/cluster-names.js';
import { checkTemplates, classEmbeddings, DEFAULT_TEMPLATES } from '../zero-shot/prompts.js';
import { zeroShotClassify } from '../zero-shot/zero-shot.js';
import { HEALTH_RESULT_NAME, loadHealth } from './health-stage.js';

const ZERO_SHOT_RESULT_NAME = 'zero-shot';
const CLUSTER_NAMES_RESULT_NAME = 'cluster-names';

export interface ZeroShotRequest {
  /** Class names; default the dataset's label vocabulary. */
  classes?: readonly string[];
  /** Prompt templates with `{}` for the class name; default `DEFAULT_TEMPLATES`. */
  templates?: readonly string[];
}

interface StoredZeroShot {
  embedderId: string;
  classes: string[];
  templates: string[];
  /** The classes came from the user, not the labels: a re-analysis keeps them. */
  userClasses: boolean;
  columns: ScoreColumn[];
}

interface StoredClusterNames {
  /** The health result the cluster ids belong to. */
  healthKey: string;
  words: string[];
  userWords: boolean;
  names: [number, string][];
}

/** The embedder whose vectors the app shows: the current layout's, else the first one with vectors. */
export function datasetEmbedder(store: ProjectStore): EmbedderInfo {
  const layout = store.latestLayout();
  const embedder = layout ? store.getEmbedder(layout.embedderId) : (store.listEmbedders().find((e) => store.embeddedCount(e.id) > 0) ?? null);
  if (!embedder) throw new ApiError('not-embedded', 'This dataset has no embeddings yet; run the analysis first');
  return embedder;
}

/**
 * The zero-shot result when it was computed from exactly the dataset's current images (same order, files and
 * labels) and the embedder the app shows now; else null. A rescan renumbers images and an analysis with another
 * model changes the embedder, and the stored columns, indexed by image, would then describe other images.
 */
export function loadZeroShot(store: ProjectStore): StoredZeroShot | null {
  const saved = store.loadResult(ZERO_SHOT_RESULT_NAME);
  if (!saved) return null;
  let embedderId: string;
  try {
    embedderId = datasetEmbedder(store).id;
  } catch (err) {
    if (err instanceof ApiError && err.code === 'not-embedded') return null;
    throw err;
  }
  if (saved.inputKey !== zeroShotInputKey(store, embedderId, store.embeddedIdxs(embedderId))) return null;
  return decodeFrame(saved.data) as StoredZeroShot;
}

/** The classes and templates a re-run uses: the user's own when they gave some before, else the labels. */
export function rememberedZeroShotRequest(store: ProjectStore): ZeroShotRequest {
  // Stale or not: a rescan must not forget the user's class list, only the columns computed with it.
  const saved = store.loadResult(ZERO_SHOT_RESULT_NAME);
  if (!saved) return {};
  const { userClasses, classes, templates } = decodeFrame(saved.data) as StoredZeroShot;
  return { ...(userClasses ? { classes } : {}), templates };
}

/** Classifies every embedded image against the classes and stores the columns; returns them. */
export async function runZeroShot(store: ProjectStore, text: TextEmbedder, index: VectorIndex, embedderId: string, request: ZeroShotRequest = {}): Promise<ScoreColumn[]> {
  const classes = vocabulary(store, request.classes, 'zero-shot labels');
  const templates = [...(request.templates ?? DEFAULT_TEMPLATES)];
  const templateProblem = checkTemplates(templates);
  if (templateProblem) throw new ApiError('bad-request', `Zero-shot: ${templateProblem}`);

  const classVectors = await classEmbeddings(text, classes, templates);
  const { label, confidence } = zeroShotClassify(index.embeddings.data, classVectors, index.dim);
  const n = store.imageCount();
  const codes = new Int32Array(n).fill(-1);
  const probability = new Float32Array(n).fill(Number.NaN);
  index.embeddings.idxs.forEach((idx, row) => {
    codes[idx] = label[row] as number;
    probability[idx] = confidence[row] as number;
  });
  const columns: ScoreColumn[] = [
    {
      kind: 'category',
      name: 'zero_shot_label',
      label: 'Zero-shot label',
      description: `The class CLIP's text tower finds nearest to the image, over ${classes.length} class names with ${templates.length} prompt templates each.`,
      codes,
      categories: classes,
    } satisfies CategoryColumn,
    {
      kind: 'number',
      name: 'zero_shot_confidence',
      label: 'Zero-shot confidence',
      description: "Softmax probability of the zero-shot label over the class names, at CLIP's logit scale of 100.",
      values: probability,
      higherIsWorse: false,
    } satisfies NumberColumn,
  ];
  const images = store.listImages();
  if (images.some((r) => r.label !== null)) {
    const agrees = new Float32Array(n).fill(Number.NaN);
    images.forEach((r) => {
      const code = codes[r.idx] as number;
      if (r.label !== null && code >= 0) agrees[r.idx] = classes[code] === r.label ? 1 : 0;
    });
    columns.push({
      kind: 'number',
      name: 'zero_shot_agrees',
      label: 'Zero-shot agrees',
      description: '1 when the zero-shot label equals the given label, 0 when it differs (blank when unlabelled).',
      values: agrees,
      higherIsWorse: false,
    });
  }
  const stored: StoredZeroShot = { embedderId, classes, templates, userClasses: request.classes !== undefined, columns };
  // Keyed by the rows the index held: an index older than the store never passes as current.
  store.saveResult(ZERO_SHOT_RESULT_NAME, zeroShotInputKey(store, embedderId, index.embeddings.idxs), encodeFrame(stored));
  return columns;
}

/** Names every cluster of the current health result and stores the names. */
export async function runClusterNames(store: ProjectStore, text: TextEmbedder, index: VectorIndex, words?: readonly string[]): Promise<ClusterSummary[]> {
  const vocab = vocabulary(store, words, 'cluster names');
  const health = store.loadResult(HEALTH_RESULT_NAME);
  const clusterColumn = loadHealth(store)?.columns.find((c) => c.name === 'cluster');
  if (!health || clusterColumn?.kind !== 'category') throw new ApiError('no-clusters', 'This dataset has no clusters yet; run the analysis first');
  const clusterOfRow = Int32Array.from(index.embeddings.idxs, (idx) => clusterColumn.codes[idx] ?? -1);
  const wordVectors = await classEmbeddings(text, vocab);
  const names = nameClusters(clusterOfRow, index.embeddings.data, index.dim, wordVectors, vocab);
  const stored: StoredClusterNames = { healthKey: health.inputKey, words: vocab, userWords: words !== undefined, names: [...names] };
  store.saveResult(CLUSTER_NAMES_RESULT_NAME, health.inputKey, encodeFrame(stored));
  return namedClusters(store);
}

/** The word list a re-run uses: the user's own when given before, else the labels. */
export function rememberedClusterWords(store: ProjectStore): readonly string[] | undefined {
  const saved = store.loadResult(CLUSTER_NAMES_RESULT_NAME);
  if (!saved) return undefined;
  const stored = decodeFrame(saved.data) as StoredClusterNames;
  return stored.userWords ? stored.words : undefined;
}

/** The health result's clusters, named when names were computed for exactly these clusters. */
export function namedClusters(store: ProjectStore): ClusterSummary[] {
  const clusters = loadHealth(store)?.clusters ?? [];
  const saved = store.loadResult(CLUSTER_NAMES_RESULT_NAME);
  const healthKey = store.loadResult(HEALTH_RESULT_NAME)?.inputKey;
  if (!saved || saved.inputKey !== healthKey) return clusters;
  const names = new Map((decodeFrame(saved.data) as StoredClusterNames).names);
  return clusters.map((c) => ({ ...c, name: names.get(c.id) ?? c.name }));
}

/** What the zero-shot columns depend on: the embedder, the images in idx order with their labels, and which have a vector. */
function zeroShotInputKey(store: ProjectStore, embedderId: string, embeddedIdxs: ArrayLike<number>): string {
  const hash = createHash('sha1');
  hash.update(JSON.stringify({ embedderId, images: store.imageListKey() }));
  hash.update('\nembedded');
  const idxs = Int32Array.from(embeddedIdxs);
  hash.update(new Uint8Array(idxs.buffer, idxs.byteOffset, idxs.byteLength));
  return hash.digest('hex');
}

function vocabulary(store: ProjectStore, given: readonly string[] | undefined, what: string): string[] {
  const words = [...new Set((given ?? store.getMeta().classes).map((w) => w.trim()).filter((w) => w !== ''))];
  if (words.length === 0) {
    throw new ApiError('no-classes', `This dataset has no labels, so ${what} need a list of class names or words`);
  }
  return words;
}
