import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { z } from 'zod';
import type { DetectionSourceInfo, EmbedderInfo, InputProblem, LabelSource, LayoutInfo, LayoutMethod, PredictionsInfo, ProviderSkip } from '../../shared/model/dataset.js';
import type { ImageFormat } from '../dataset/format.js';
import { comparePaths } from '../dataset/scan.js';
import type { ImagePrediction } from '../predictions/types.js';
import { migrate } from './migrations.js';
import { datasetStorePath } from './paths.js';

/** Pipeline stages that report problems; each stage's list is replaced as a whole when it runs again. */
export const PROBLEM_STAGES = ['scan', 'labels', 'predictions', 'metrics', 'embed', 'project'] as const;
export type ProblemStage = (typeof PROBLEM_STAGES)[number];

export interface ImageRow {
  /** Dense 0..N-1 in path order: the point index everywhere else. */
  idx: number;
  path: string;
  sizeBytes: number;
  mtimeMs: number;
  width: number | null;
  height: number | null;
  format: ImageFormat | null;
  label: string | null;
  labelsRow: number | null;
  status: 'ok' | 'error';
  error: string | null;
  /** The dataset split ('train', 'val', ...) when known, else null. */
  split: string | null;
  /** sha1 (hex) of the file's bytes; null when not computed (rows from before schema version 4). */
  contentHash: string | null;
}

/** An image as the scan, probe and labels steps describe it; the store assigns `idx`. `split` defaults to null. */
export type ScannedImage = Omit<ImageRow, 'idx' | 'split' | 'contentHash'> & { split?: string | null; contentHash?: string | null };

export interface RescanSummary {
  /** Same path, size and mtime: keeps its embeddings and predictions. */
  unchanged: number;
  added: number;
  /** Same path but a new size or mtime: its embeddings and predictions are dropped. */
  changed: number;
  removed: number;
}

export interface DatasetMeta {
  /** Absolute dataset folder. */
  root: string | null;
  labelSource: LabelSource | null;
  /** Labels file as given, when labelSource is 'csv'. */
  labelsFile: string | null;
  /** Predictions file to join again when the dataset is reopened. */
  predictionsFile: string | null;
  /** Class names; point label indices refer to this list. */
  classes: string[];
}

export interface StoredEmbeddings {
  /** Image idx of each row of `data`, ascending. */
  idxs: Int32Array;
  dim: number;
  /** idxs.length rows of dim values. */
  data: Float32Array;
}

export interface LayoutToSave {
  embedderId: string;
  method: LayoutMethod;
  params: Record<string, number | string>;
  /** 2 values per image in idx order (length 2 * imageCount), NaN where an image has no position. */
  xy: Float32Array;
  createdAtMs: number;
}

export interface StoredLayout extends LayoutInfo {
  paramsJson: string;
  xy: Float32Array;
}

export interface StoredPredictions {
  info: PredictionsInfo;
  /** One entry per image in idx order; null where the image has no prediction. */
  predictions: (ImagePrediction | null)[];
}

/** Class probabilities to save with predictions: images × classes in idx order, NaN rows where an image has none. */
export interface ProbabilitiesToSave {
  classes: readonly string[];
  values: Float32Array;
}

export interface StoredImageStats {
  /** Image idx of each row of `data`, ascending. */
  idxs: Int32Array;
  /** Values per image; 0 when no image has stats of the version asked for. */
  dim: number;
  data: Float32Array;
}

const META_SCHEMAS = {
  root: z.string(),
  labelSource: z.enum(['folders', 'csv', 'none']),
  labelsFile: z.string(),
  predictionsFile: z.string(),
  classes: z.array(z.string()),
  /** Class order of the float32 vectors in predictions.probs. */
  predictionClasses: z.array(z.string()),
  predictionsInfo: z.object({
    file: z.string(),
    matched: z.number(),
    missing: z.number(),
    hasProbabilities: z.boolean(),
    accuracy: z.number().nullable(),
  }),
  detection: z.object({
    format: z.enum(['coco', 'yolo', 'voc']),
    annotations: z.string(),
    predictions: z.string().nullable(),
    predictionsFormat: z.enum(['coco-results', 'yolo-txt']).nullable(),
    gtBoxes: z.number(),
    predictedBoxes: z.number(),
  }),
  /** The execution providers passed over in the latest embedding run, and why (a key, not a column: no migration). */
  providerSkips: z.object({
    embedderId: z.string(),
    skipped: z.array(z.object({ provider: z.string(), stage: z.enum(['unavailable', 'create', 'warm-up']), reason: z.string() })),
  }),
};
type MetaKey = keyof typeof META_SCHEMAS;
type MetaValue<K extends MetaKey> = z.infer<(typeof META_SCHEMAS)[K]>;

export interface StoreOpenOptions {
  /** better-sqlite3's compiled addon to load instead of the installed one (the Electron-ABI build). */
  nativeBinding?: string | undefined;
}

const FLOAT32_BYTES = 4;
const BUSY_TIMEOUT_MS = 5000;

interface ImageDbRow {
  idx: number;
  path: string;
  size_bytes: number;
  mtime_ms: number;
  width: number | null;
  height: number | null;
  format: string | null;
  label: string | null;
  labels_row: number | null;
  status: 'ok' | 'error';
  error: string | null;
  split: string | null;
  content_hash: string | null;
}

/**
 * One dataset's SQLite database (better-sqlite3, synchronous). Owns everything the app computes about a dataset;
 * the dataset folder itself is never written. Open with `ProjectStore.open` or `ProjectStore.openForDataset`.
 */
export class ProjectStore {
  /** Bumped whenever this connection changes which vectors belong to which image idx (see `embeddingsVersion`). */
  private embeddingsGeneration = 0;
  /** imageListKey() as of an embeddingsVersion(): saved results check it on every read. */
  private cachedImageListKey: { version: string; key: string } | null = null;

  private constructor(readonly db: Database.Database) {}

  /** Opens (creating folders and file as needed) and migrates the database at `filePath`; ':memory:' works too. */
  static open(filePath: string, options: StoreOpenOptions = {}): ProjectStore {
    if (filePath !== ':memory:') mkdirSync(path.dirname(filePath), { recursive: true });
    const db = new Database(filePath, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
    try {
      db.pragma('journal_mode = WAL');
      // NORMAL is durable under WAL except for the last transactions before a power cut; each batch is small.
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      migrate(db);
    } catch (err) {
      db.close();
      throw err;
    }
    return new ProjectStore(db);
  }

  /** The store of the dataset at `absRoot` under `dataDir` (see `datasetStorePath`). */
  static openForDataset(dataDir: string, absRoot: string, options: StoreOpenOptions = {}): ProjectStore {
    return ProjectStore.open(datasetStorePath(dataDir, absRoot), options);
  }

  close(): void {
    this.db.close();
  }

  // ---- meta ----------------------------------------------------------------------------------------------------

  getMeta(): DatasetMeta {
    return {
      root: this.readMeta('root'),
      labelSource: this.readMeta('labelSource'),
      labelsFile: this.readMeta('labelsFile'),
      predictionsFile: this.readMeta('predictionsFile'),
      classes: this.readMeta('classes') ?? [],
    };
  }

  /** Sets the given fields; null removes one. */
  setMeta(patch: Partial<DatasetMeta>): void {
    this.db.transaction(() => {
      for (const [key, value] of Object.entries(patch) as [MetaKey, unknown][]) this.writeMeta(key, value);
    })();
  }

  /** Set for an object-detection dataset: the annotation and prediction files to read again on reopen; else null. */
  getDetectionSource(): DetectionSourceInfo | null {
    return this.readMeta('detection');
  }

  /** Null marks the dataset as classification again. */
  setDetectionSource(source: DetectionSourceInfo | null): void {
    this.writeMeta('detection', source);
  }

  private readMeta<K extends MetaKey>(key: K): MetaValue<K> | null {
    const text = this.statements.getMeta.get(key) as string | undefined;
    if (text === undefined) return null;
    const parsed = META_SCHEMAS[key].safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`${this.db.name}: meta '${key}' holds an invalid value ${text}`);
    return parsed.data as MetaValue<K>;
  }

  private writeMeta(key: MetaKey, value: unknown): void {
    if (value === null || value === undefined) this.statements.deleteMeta.run(key);
    else this.statements.setMeta.run(key, JSON.stringify(META_SCHEMAS[key].parse(value)));
  }

  // ---- images --------------------------------------------------------------------------------------------------

  /**
   * Replaces the image list with a new scan. Images are renumbered densely in path order; an image whose path,
   * size and mtime are unchanged keeps its embeddings, predictions and layout position, others lose them.
   */
  replaceScan(images: readonly ScannedImage[]): RescanSummary {
    const sorted = [...images].sort((a, b) => comparePaths(a.path, b.path));
    sorted.forEach((image, i) => {
      if (i > 0 && sorted[i - 1]?.path === image.path) throw new Error(`replaceScan: ${image.path} is listed twice`);
    });
    // Bumped even when the transaction throws: a spurious rebuild is cheap, a stale index is wrong.
    this.embeddingsGeneration += 1;
    return this.db.transaction((): RescanSummary => {
      const previous = this.db.prepare('SELECT id, idx, path, size_bytes, mtime_ms, content_hash FROM images').all() as {
        id: number;
        idx: number;
        path: string;
        size_bytes: number;
        mtime_ms: number;
        content_hash: string | null;
      }[];
      const previousByPath = new Map(previous.map((row) => [row.path, row]));
      const kept: { id: number; oldIdx: number; newIdx: number }[] = [];
      const keptIdByNewIdx = new Map<number, number>();
      const staleIds: number[] = [];
      let changed = 0;
      sorted.forEach((image, newIdx) => {
        const before = previousByPath.get(image.path);
        if (before === undefined) return;
        previousByPath.delete(image.path);
        const sameStat = before.size_bytes === image.sizeBytes && before.mtime_ms === image.mtimeMs;
        const sameContent = before.content_hash !== null && before.content_hash === (image.contentHash ?? null);
        if (sameStat || sameContent) {
          kept.push({ id: before.id, oldIdx: before.idx, newIdx });
          keptIdByNewIdx.set(newIdx, before.id);
        } else {
          changed += 1;
          staleIds.push(before.id);
        }
      });
      const removed = previousByPath.size;
      for (const gone of previousByPath.values()) staleIds.push(gone.id);

      const deleteImage = this.db.prepare('DELETE FROM images WHERE id = ?');
      for (const id of staleIds) deleteImage.run(id);
      // idx is UNIQUE: park moving rows on negative numbers first so no two rows ever share an idx.
      const moving = kept.filter((k) => k.oldIdx !== k.newIdx);
      const setIdx = this.db.prepare('UPDATE images SET idx = ? WHERE id = ?');
      for (const k of moving) setIdx.run(-1 - k.newIdx, k.id);
      for (const k of moving) setIdx.run(k.newIdx, k.id);

      const update = this.db.prepare(
        `UPDATE images SET size_bytes = @sizeBytes, mtime_ms = @mtimeMs, width = @width, height = @height, format = @format,
           label = @label, labels_row = @labelsRow, status = @status, error = @error, split = @split,
           content_hash = coalesce(@contentHash, content_hash) WHERE id = @id`,
      );
      const insert = this.db.prepare(
        `INSERT INTO images (idx, path, size_bytes, mtime_ms, width, height, format, label, labels_row, status, error, split, content_hash)
         VALUES (@idx, @path, @sizeBytes, @mtimeMs, @width, @height, @format, @label, @labelsRow, @status, @error, @split, @contentHash)`,
      );
      sorted.forEach((image, idx) => {
        const id = keptIdByNewIdx.get(idx);
        const fields = { ...image, split: image.split ?? null, contentHash: image.contentHash ?? null };
        if (id === undefined) insert.run({ ...fields, idx });
        else update.run({ ...fields, id });
      });

      const added = sorted.length - kept.length - changed;
      if (added + changed + removed + moving.length > 0) this.remapLayouts(kept, sorted.length);
      return { unchanged: kept.length, added, changed, removed };
    })();
  }

  /** Moves kept images' layout positions to their new idx; new and changed images get NaN. */
  private remapLayouts(kept: readonly { oldIdx: number; newIdx: number }[], imageCount: number): void {
    const layouts = this.db.prepare('SELECT rowid, xy FROM layouts').all() as { rowid: number; xy: Buffer }[];
    const setXy = this.db.prepare('UPDATE layouts SET xy = ? WHERE rowid = ?');
    for (const layout of layouts) {
      const before = float32FromBlob(layout.xy);
      const after = new Float32Array(2 * imageCount).fill(Number.NaN);
      for (const { oldIdx, newIdx } of kept) {
        if (2 * oldIdx + 1 >= before.length) continue;
        after[2 * newIdx] = before[2 * oldIdx] as number;
        after[2 * newIdx + 1] = before[2 * oldIdx + 1] as number;
      }
      setXy.run(blobFromFloat32(after), layout.rowid);
    }
  }

  /** All images in idx order. */
  listImages(): ImageRow[] {
    return (this.statements.listImages.all() as ImageDbRow[]).map(imageFromDb);
  }

  /** Records content hashes computed after the scan (the quality checks read every new file whole). */
  saveContentHashes(hashes: readonly { idx: number; contentHash: string }[]): void {
    if (hashes.length === 0) return;
    const update = this.db.prepare('UPDATE images SET content_hash = ? WHERE idx = ?');
    this.db.transaction(() => {
      for (const h of hashes) update.run(h.contentHash, h.idx);
    })();
  }

  getImage(idx: number): ImageRow | null {
    const row = this.statements.getImage.get(idx) as ImageDbRow | undefined;
    return row === undefined ? null : imageFromDb(row);
  }

  imageCount(): number {
    return this.statements.imageCount.get() as number;
  }

  /** Images found but unusable (status 'error'). */
  skippedCount(): number {
    return this.db.prepare("SELECT COUNT(*) FROM images WHERE status <> 'ok'").pluck().get() as number;
  }

  // ---- problems ------------------------------------------------------------------------------------------------

  replaceProblems(stage: ProblemStage, problems: readonly InputProblem[]): void {
    this.db.transaction(() => {
      this.statements.deleteProblems.run(stage);
      problems.forEach((p, seq) => this.statements.insertProblem.run(stage, seq, p.file, p.line ?? null, p.kind, p.message));
    })();
  }

  /** One stage's problems, or all of them in pipeline stage order. */
  listProblems(stage?: ProblemStage): InputProblem[] {
    const stages = stage === undefined ? PROBLEM_STAGES : [stage];
    return stages.flatMap((s) =>
      (this.statements.listProblems.all(s) as { file: string; line: number | null; kind: string; message: string }[]).map((p) =>
        p.line === null ? { file: p.file, kind: p.kind, message: p.message } : { file: p.file, line: p.line, kind: p.kind, message: p.message },
      ),
    );
  }

  // ---- embedders and embeddings --------------------------------------------------------------------------------

  /**
   * Registers or updates an embedder. A changed `dim` drops its old embeddings and layouts, which no longer fit, and
   * so does a changed `preprocessing`: vectors of other crops would sit in one map with these. Returns whether
   * embeddings were dropped for either reason, and which.
   */
  saveEmbedder(info: EmbedderInfo): { dropped: 'dim' | 'preprocessing' | null } {
    return this.db.transaction(() => {
      const before = this.getEmbedder(info.id);
      const dropped: 'dim' | 'preprocessing' | null = before === null ? null : before.dim !== info.dim ? 'dim' : before.preprocessing !== info.preprocessing ? 'preprocessing' : null;
      if (dropped !== null) {
        this.statements.deleteEmbedder.run(info.id);
        this.embeddingsGeneration += 1;
      }
      this.statements.upsertEmbedder.run(info.id, info.name, info.dim, info.executionProvider, info.modelDir ?? null, info.preprocessing ?? null);
      return { dropped };
    })();
  }

  getEmbedder(id: string): EmbedderInfo | null {
    const row = this.statements.getEmbedder.get(id) as EmbedderDbRow | undefined;
    return row === undefined ? null : embedderFromDb(row);
  }

  listEmbedders(): EmbedderInfo[] {
    return (this.statements.listEmbedders.all() as EmbedderDbRow[]).map(embedderFromDb);
  }

  /** Records the providers passed over when `embedderId` last ran (replacing what an earlier run recorded). */
  saveProviderSkips(embedderId: string, skipped: readonly ProviderSkip[]): void {
    this.writeMeta('providerSkips', { embedderId, skipped });
  }

  /** The providers passed over when `embedderId` last ran; null when its last run recorded none. */
  getProviderSkips(embedderId: string): ProviderSkip[] | null {
    const saved = this.readMeta('providerSkips');
    return saved !== null && saved.embedderId === embedderId ? saved.skipped : null;
  }

  /** Drops an embedder with its embeddings and layouts. */
  deleteEmbedder(id: string): void {
    this.embeddingsGeneration += 1;
    this.statements.deleteEmbedder.run(id);
  }

  /**
   * Changes whenever the embeddings or the images' idx numbering may have changed: through this connection
   * (rescan, saved vectors, a dropped embedder) or through another one (SQLite's data_version, e.g. the CLI
   * analyzing the same dataset). What was built from `loadEmbeddings` is stale once this differs; equal means it
   * is current. Cheap: one counter and one pragma.
   */
  embeddingsVersion(): string {
    return `${this.embeddingsGeneration}:${String(this.db.pragma('data_version', { simple: true }))}`;
  }

  /**
   * A hash of what each image is (path, size, mtime, label, split, status), in idx order: per-image results saved
   * with it are current while it is unchanged. Cached until the next rescan (embeddingsVersion moves with it), since
   * every read of a saved result checks it and listing a million images takes a second.
   */
  imageListKey(): string {
    const version = this.embeddingsVersion();
    if (this.cachedImageListKey?.version !== version) {
      const hash = createHash('sha1');
      for (const r of this.listImages()) hash.update(`\n${r.path}\t${r.sizeBytes}\t${r.mtimeMs}\t${r.label ?? ''}\t${r.split ?? ''}\t${r.status}`);
      this.cachedImageListKey = { version, key: hash.digest('hex') };
    }
    return this.cachedImageListKey.key;
  }

  /**
   * Saves one batch of vectors (row i of `vectors` belongs to image `idxs[i]`) in one transaction, so an interrupted
   * run keeps every finished batch. Existing vectors of those images are replaced.
   */
  saveEmbeddingBatch(embedderId: string, dim: number, idxs: ArrayLike<number>, vectors: Float32Array): void {
    if (vectors.length !== idxs.length * dim) {
      throw new Error(`saveEmbeddingBatch: ${idxs.length} images of dim ${dim} need ${idxs.length * dim} values, got ${vectors.length}`);
    }
    this.embeddingsGeneration += 1;
    this.db.transaction(() => {
      const embedder = this.getEmbedder(embedderId);
      if (embedder === null) throw new Error(`saveEmbeddingBatch: unknown embedder '${embedderId}'; call saveEmbedder first`);
      if (embedder.dim !== dim) throw new Error(`saveEmbeddingBatch: embedder '${embedderId}' has dim ${embedder.dim}, got ${dim}`);
      const rowBytes = dim * FLOAT32_BYTES;
      for (let i = 0; i < idxs.length; i += 1) {
        const blob = Buffer.from(vectors.buffer, vectors.byteOffset + i * rowBytes, rowBytes);
        const { changes } = this.statements.upsertEmbedding.run(embedderId, blob, idxs[i]);
        if (changes !== 1) throw new Error(`saveEmbeddingBatch: no image has idx ${idxs[i]}`);
      }
    })();
  }

  /** Images that have a vector from this embedder, ascending. */
  embeddedIdxs(embedderId: string): number[] {
    return this.statements.embeddedIdxs.all(embedderId) as number[];
  }

  embeddedCount(embedderId: string): number {
    return this.statements.embeddedCount.get(embedderId) as number;
  }

  /** Every vector of this embedder in one Float32Array, rows in ascending idx; null for an unknown embedder. */
  loadEmbeddings(embedderId: string): StoredEmbeddings | null {
    const embedder = this.getEmbedder(embedderId);
    if (embedder === null) return null;
    const { dim } = embedder;
    const rows = this.statements.loadEmbeddings.all(embedderId) as [number, Buffer][];
    const idxs = new Int32Array(rows.length);
    const data = new Float32Array(rows.length * dim);
    const dataBytes = new Uint8Array(data.buffer);
    const rowBytes = dim * FLOAT32_BYTES;
    rows.forEach(([idx, vector], i) => {
      if (vector.length !== rowBytes) throw new Error(`${this.db.name}: embedding of image ${idx} has ${vector.length} bytes, expected ${rowBytes}`);
      idxs[i] = idx;
      dataBytes.set(vector, i * rowBytes);
    });
    return { idxs, dim, data };
  }

  // ---- layouts -------------------------------------------------------------------------------------------------

  /** Saves (or replaces) the layout for this embedder, method and params. */
  saveLayout(layout: LayoutToSave): void {
    const imageCount = this.imageCount();
    if (layout.xy.length !== 2 * imageCount) {
      throw new Error(`saveLayout: xy has ${layout.xy.length} values, expected 2 per image (${2 * imageCount})`);
    }
    this.statements.upsertLayout.run(layout.embedderId, layout.method, canonicalParamsJson(layout.params), blobFromFloat32(layout.xy), layout.createdAtMs);
  }

  loadLayout(embedderId: string, method: LayoutMethod, params: Record<string, number | string>): StoredLayout | null {
    const row = this.statements.getLayout.get(embedderId, method, canonicalParamsJson(params)) as LayoutDbRow | undefined;
    return row === undefined ? null : layoutFromDb(row);
  }

  /** The most recently created layout, optionally of one embedder. */
  latestLayout(embedderId?: string): StoredLayout | null {
    const row = (embedderId === undefined ? this.statements.latestLayout.get() : this.statements.latestLayoutOf.get(embedderId)) as LayoutDbRow | undefined;
    return row === undefined ? null : layoutFromDb(row);
  }

  // ---- predictions ---------------------------------------------------------------------------------------------

  /**
   * Replaces all predictions; `predictions` has one entry per image in idx order. `probs` (images × classes, NaN
   * rows where an image has none) are kept per image, so a rescan drops those of changed files with them.
   */
  savePredictions(info: PredictionsInfo, predictions: readonly (ImagePrediction | null)[], probs?: ProbabilitiesToSave | null): void {
    this.db.transaction(() => {
      const imageCount = this.imageCount();
      if (predictions.length !== imageCount) {
        throw new Error(`savePredictions: got ${predictions.length} entries for ${imageCount} images`);
      }
      const classCount = probs?.classes.length ?? 0;
      if (probs && probs.values.length !== imageCount * classCount) {
        throw new Error(`savePredictions: probabilities have ${probs.values.length} values, expected ${imageCount} images × ${classCount} classes`);
      }
      this.statements.deletePredictions.run();
      predictions.forEach((p, idx) => {
        if (p === null) return;
        const row = probs ? probs.values.subarray(idx * classCount, (idx + 1) * classCount) : null;
        const blob = row !== null && classCount > 0 && !Number.isNaN(row[0]) ? blobFromFloat32(row) : null;
        this.statements.insertPrediction.run(p.predictedLabel, p.confidence, p.correct === null ? null : Number(p.correct), p.loss, blob, idx);
      });
      this.writeMeta('predictionsInfo', info);
      this.writeMeta('predictionClasses', probs && classCount > 0 ? [...probs.classes] : null);
    })();
  }

  /**
   * The saved class probabilities: images × classes in idx order (classes as saved), a NaN row for each image
   * without; null when the predictions carried none.
   */
  loadPredictionProbabilities(): { classes: string[]; values: Float32Array } | null {
    const classes = this.readMeta('predictionClasses');
    if (classes === null || classes.length === 0) return null;
    const rowBytes = classes.length * FLOAT32_BYTES;
    const values = new Float32Array(this.imageCount() * classes.length).fill(Number.NaN);
    const bytes = new Uint8Array(values.buffer);
    for (const [idx, blob] of this.statements.loadProbabilities.all() as [number, Buffer][]) {
      if (blob.length !== rowBytes) throw new Error(`${this.db.name}: probabilities of image ${idx} have ${blob.length} bytes, expected ${rowBytes}`);
      bytes.set(blob, idx * rowBytes);
    }
    return { classes, values };
  }

  /** Saved predictions in idx order, or null when none were saved. Images changed since lose theirs. */
  loadPredictions(): StoredPredictions | null {
    const info = this.readMeta('predictionsInfo');
    if (info === null) return null;
    const predictions: (ImagePrediction | null)[] = new Array<ImagePrediction | null>(this.imageCount()).fill(null);
    for (const row of this.statements.loadPredictions.all() as PredictionDbRow[]) predictions[row.idx] = predictionFromDb(row);
    return { info, predictions };
  }

  /** One image's saved prediction (cheap, for hover cards); null when it has none. */
  loadPrediction(idx: number): ImagePrediction | null {
    const row = this.statements.loadPrediction.get(idx) as PredictionDbRow | undefined;
    return row === undefined ? null : predictionFromDb(row);
  }

  clearPredictions(): void {
    this.db.transaction(() => {
      this.statements.deletePredictions.run();
      this.writeMeta('predictionsInfo', null);
      this.writeMeta('predictionClasses', null);
    })();
  }

  // ---- per-image stats ---------------------------------------------------------------------------------------

  /**
   * Saves `dim` float32 stats per image (row i of `values` belongs to image `idxs[i]`), tagged with the version
   * of the code that computed them; replaces what those images had.
   */
  saveImageStats(version: number, idxs: ArrayLike<number>, dim: number, values: Float32Array): void {
    if (values.length !== idxs.length * dim) {
      throw new Error(`saveImageStats: ${idxs.length} images of dim ${dim} need ${idxs.length * dim} values, got ${values.length}`);
    }
    this.db.transaction(() => {
      const rowBytes = dim * FLOAT32_BYTES;
      for (let i = 0; i < idxs.length; i += 1) {
        const blob = Buffer.from(values.buffer, values.byteOffset + i * rowBytes, rowBytes);
        const { changes } = this.statements.upsertImageStats.run(version, blob, idxs[i]);
        if (changes !== 1) throw new Error(`saveImageStats: no image has idx ${idxs[i]}`);
      }
    })();
  }

  /** Stats saved with this version, rows in ascending idx; rows of other versions are left out. */
  loadImageStats(version: number): StoredImageStats {
    const rows = this.statements.loadImageStats.all(version) as [number, Buffer][];
    const rowBytes = rows[0]?.[1].length ?? 0;
    const dim = rowBytes / FLOAT32_BYTES;
    const idxs = new Int32Array(rows.length);
    const data = new Float32Array(rows.length * dim);
    const bytes = new Uint8Array(data.buffer);
    rows.forEach(([idx, blob], i) => {
      if (blob.length !== rowBytes) throw new Error(`${this.db.name}: stats of image ${idx} (version ${version}) have ${blob.length} bytes, expected ${rowBytes}`);
      idxs[i] = idx;
      bytes.set(blob, i * rowBytes);
    });
    return { idxs, dim, data };
  }

  // ---- analysis results ----------------------------------------------------------------------------------------

  /** Saves a derived result under `name`, with the key of the inputs it was computed from. */
  saveResult(name: string, inputKey: string, data: Uint8Array): void {
    this.db
      .prepare('INSERT INTO analysis_results (name, input_key, data) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET input_key = excluded.input_key, data = excluded.data')
      .run(name, inputKey, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }

  /** The saved result, or null when there is none. */
  loadResult(name: string): { inputKey: string; data: Uint8Array } | null {
    const row = this.db.prepare('SELECT input_key, data FROM analysis_results WHERE name = ?').get(name) as { input_key: string; data: Buffer } | undefined;
    return row === undefined ? null : { inputKey: row.input_key, data: new Uint8Array(row.data.buffer, row.data.byteOffset, row.data.byteLength) };
  }

  // Prepared once on first use; better-sqlite3 statements are cheap to keep.
  private cachedStatements: ReturnType<ProjectStore['prepareStatements']> | null = null;
  private get statements(): ReturnType<ProjectStore['prepareStatements']> {
    this.cachedStatements ??= this.prepareStatements();
    return this.cachedStatements;
  }

  private prepareStatements() {
    const db = this.db;
    const imageColumns = 'idx, path, size_bytes, mtime_ms, width, height, format, label, labels_row, status, error, split, content_hash';
    const layoutColumns = 'embedder_id, method, params_json, xy, created_at_ms';
    const predictionColumns = 'i.idx, p.predicted_label, p.confidence, p.correct, p.loss';
    return {
      getMeta: db.prepare('SELECT value FROM meta WHERE key = ?').pluck(),
      setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      deleteMeta: db.prepare('DELETE FROM meta WHERE key = ?'),
      listImages: db.prepare(`SELECT ${imageColumns} FROM images ORDER BY idx`),
      getImage: db.prepare(`SELECT ${imageColumns} FROM images WHERE idx = ?`),
      imageCount: db.prepare('SELECT count(*) FROM images').pluck(),
      deleteProblems: db.prepare('DELETE FROM problems WHERE stage = ?'),
      insertProblem: db.prepare('INSERT INTO problems (stage, seq, file, line, kind, message) VALUES (?, ?, ?, ?, ?, ?)'),
      listProblems: db.prepare('SELECT file, line, kind, message FROM problems WHERE stage = ? ORDER BY seq'),
      getEmbedder: db.prepare('SELECT id, name, dim, execution_provider, model_dir, preprocessing FROM embedders WHERE id = ?'),
      listEmbedders: db.prepare('SELECT id, name, dim, execution_provider, model_dir, preprocessing FROM embedders ORDER BY id'),
      upsertEmbedder: db.prepare(
        `INSERT INTO embedders (id, name, dim, execution_provider, model_dir, preprocessing) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, dim = excluded.dim, execution_provider = excluded.execution_provider,
           model_dir = excluded.model_dir, preprocessing = excluded.preprocessing`,
      ),
      deleteEmbedder: db.prepare('DELETE FROM embedders WHERE id = ?'),
      upsertEmbedding: db.prepare(
        `INSERT INTO embeddings (embedder_id, image_id, vector) SELECT ?, id, ? FROM images WHERE idx = ?
         ON CONFLICT (embedder_id, image_id) DO UPDATE SET vector = excluded.vector`,
      ),
      embeddedIdxs: db.prepare('SELECT i.idx FROM embeddings e JOIN images i ON i.id = e.image_id WHERE e.embedder_id = ? ORDER BY i.idx').pluck(),
      embeddedCount: db.prepare('SELECT count(*) FROM embeddings WHERE embedder_id = ?').pluck(),
      loadEmbeddings: db.prepare('SELECT i.idx, e.vector FROM embeddings e JOIN images i ON i.id = e.image_id WHERE e.embedder_id = ? ORDER BY i.idx').raw(),
      upsertLayout: db.prepare(
        `INSERT INTO layouts (${layoutColumns}) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (embedder_id, method, params_json) DO UPDATE SET xy = excluded.xy, created_at_ms = excluded.created_at_ms`,
      ),
      getLayout: db.prepare(`SELECT ${layoutColumns} FROM layouts WHERE embedder_id = ? AND method = ? AND params_json = ?`),
      latestLayout: db.prepare(`SELECT ${layoutColumns} FROM layouts ORDER BY created_at_ms DESC, rowid DESC LIMIT 1`),
      latestLayoutOf: db.prepare(`SELECT ${layoutColumns} FROM layouts WHERE embedder_id = ? ORDER BY created_at_ms DESC, rowid DESC LIMIT 1`),
      deletePredictions: db.prepare('DELETE FROM predictions'),
      insertPrediction: db.prepare(
        'INSERT INTO predictions (image_id, predicted_label, confidence, correct, loss, probs) SELECT id, ?, ?, ?, ?, ? FROM images WHERE idx = ?',
      ),
      loadProbabilities: db.prepare('SELECT i.idx, p.probs FROM predictions p JOIN images i ON i.id = p.image_id WHERE p.probs IS NOT NULL').raw(),
      upsertImageStats: db.prepare(
        `INSERT INTO image_stats (image_id, version, stats) SELECT id, ?, ? FROM images WHERE idx = ?
         ON CONFLICT (image_id) DO UPDATE SET version = excluded.version, stats = excluded.stats`,
      ),
      loadImageStats: db.prepare('SELECT i.idx, s.stats FROM image_stats s JOIN images i ON i.id = s.image_id WHERE s.version = ? ORDER BY i.idx').raw(),
      loadPredictions: db.prepare(`SELECT ${predictionColumns} FROM predictions p JOIN images i ON i.id = p.image_id`),
      loadPrediction: db.prepare(`SELECT ${predictionColumns} FROM predictions p JOIN images i ON i.id = p.image_id WHERE i.idx = ?`),
    };
  }
}

interface LayoutDbRow {
  embedder_id: string;
  method: LayoutMethod;
  params_json: string;
  xy: Buffer;
  created_at_ms: number;
}

function layoutFromDb(row: LayoutDbRow): StoredLayout {
  const xy = float32FromBlob(row.xy);
  let positioned = 0;
  for (let i = 0; i < xy.length; i += 2) if (!Number.isNaN(xy[i])) positioned += 1;
  return {
    embedderId: row.embedder_id,
    method: row.method,
    params: JSON.parse(row.params_json) as Record<string, number | string>,
    paramsJson: row.params_json,
    xy,
    pointCount: positioned,
    createdAtMs: row.created_at_ms,
  };
}

interface EmbedderDbRow {
  id: string;
  name: string;
  dim: number;
  execution_provider: string;
  model_dir: string | null;
  preprocessing: string | null;
}

function embedderFromDb(row: EmbedderDbRow): EmbedderInfo {
  return {
    id: row.id,
    name: row.name,
    dim: row.dim,
    executionProvider: row.execution_provider,
    ...(row.model_dir === null ? {} : { modelDir: row.model_dir }),
    ...(row.preprocessing === null ? {} : { preprocessing: row.preprocessing }),
  };
}

interface PredictionDbRow {
  idx: number;
  predicted_label: string;
  confidence: number | null;
  correct: number | null;
  loss: number | null;
}

function predictionFromDb(row: PredictionDbRow): ImagePrediction {
  return { predictedLabel: row.predicted_label, confidence: row.confidence, correct: row.correct === null ? null : row.correct === 1, loss: row.loss };
}

function imageFromDb(row: ImageDbRow): ImageRow {
  return {
    idx: row.idx,
    path: row.path,
    sizeBytes: row.size_bytes,
    mtimeMs: row.mtime_ms,
    width: row.width,
    height: row.height,
    format: row.format as ImageFormat | null,
    label: row.label,
    labelsRow: row.labels_row,
    status: row.status,
    error: row.error,
    split: row.split,
    contentHash: row.content_hash,
  };
}

/** JSON with keys sorted, so equal params always make the same layout key. */
export function canonicalParamsJson(params: Record<string, number | string>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(params).sort(([a], [b]) => comparePaths(a, b))));
}

/** A Buffer view of the array's bytes (no copy): what better-sqlite3 stores as a BLOB. */
function blobFromFloat32(values: Float32Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

/** Copies a BLOB into a Float32Array (a BLOB's Buffer need not be 4-byte aligned). */
function float32FromBlob(blob: Buffer): Float32Array {
  const values = new Float32Array(blob.length / FLOAT32_BYTES);
  new Uint8Array(values.buffer).set(blob);
  return values;
}
