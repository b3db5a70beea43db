/**
 * The one API between UI and engine: a map of methods and a map of events.
 * Every host (in-process, Electron IPC, WebSocket) carries exactly these.
 */
import type {
  DatasetSummary,
  ExportFormat,
  ImageRecord,
  JobStatus,
  LayoutMethod,
  PointColumns,
} from '../model/dataset.js';
import type { ModelImportResult, ModelPrecision, ModelsListResult } from '../model/models.js';
import type { ClassificationReport, DetectionReport } from '../model/reports.js';
import type { ClusterSummary, ScoreColumn } from '../model/scores.js';

export interface AppInfo {
  version: string;
  /** The dataset the host was started with (CLI argument or the bundled sample), if any. */
  initialDataset: { root: string } | null;
  capabilities: {
    /** Export can write files on the host (Electron, CLI); otherwise content is returned for download. */
    writeFiles: boolean;
    projectionMethods: LayoutMethod[];
    /** Values `job.analyze`'s `provider` accepts on this host: 'auto' first, then the execution providers built in. */
    executionProviders?: string[];
  };
}

export interface OpenDatasetParams {
  root: string;
  /** Explicit labels CSV; default: `labels.csv` in the root if present, else class-per-folder. */
  labelsPath?: string;
  /**
   * Explicit predictions: a classification CSV, or for a detection dataset a COCO results `.json` or a folder of
   * YOLO prediction `.txt` files. Default: `predictions.csv` in the root, for detection `predictions.json` or
   * `predictions/`.
   */
  predictionsPath?: string;
  /** A per-image metrics CSV (`path` + any numeric columns, each becoming a score); default: `metrics.csv` in the root. */
  metricsPath?: string;
  /**
   * Object-detection ground truth: a COCO instances JSON, a YOLO `data.yaml` or a Pascal VOC `Annotations` folder.
   * Default: `data.yaml`, `annotations/instances*.json`, `annotations.json` or `Annotations/` in the root, in that
   * order; with none, the dataset is classification. Remembered for later opens.
   */
  annotationsPath?: string;
}

export interface AnalyzeParams {
  datasetId: string;
  /** Model id or path; default: CLIP ViT-B/32 when cached, else the pixels embedder. */
  model?: string;
  /** Precomputed embeddings (.npy float32 [N,D], rows in labels-file order). */
  embeddingsPath?: string;
  method?: LayoutMethod;
  seed?: number;
  /**
   * onnxruntime execution provider: 'auto' (default: CUDA when installed, WebGPU, CoreML/DirectML, then CPU), one
   * name (used alone: its failure is an error saying why, with no fallback), or an ordered list to try in turn.
   * See `AppInfo.capabilities.executionProviders`.
   */
  provider?: string | string[];
}

/** Images ranked by cosine similarity to a query, best first. */
export interface SearchResult {
  indices: Uint32Array;
  scores: Float32Array;
}

export interface ApiMethods {
  'app.info': (p: Record<string, never>) => AppInfo;
  /** Scans (or reloads from the store) and returns the summary; does not embed. */
  'dataset.open': (p: OpenDatasetParams) => DatasetSummary;
  'dataset.summary': (p: { datasetId: string }) => DatasetSummary;
  'dataset.points': (p: { datasetId: string }) => PointColumns;
  /** Every per-image score computed so far (label quality, outliers, duplicates, quality flags, clusters...). */
  'dataset.scores': (p: { datasetId: string }) => ScoreColumn[];
  /** Density clusters of the current layout with their model metrics, weakest first. */
  'dataset.clusters': (p: { datasetId: string }) => ClusterSummary[];
  /**
   * Dataset-level model metrics: accuracy, per-class precision/recall/F1, confusion matrix; for a detection dataset
   * COCO mAP with per-class AP/P/R/F1 (`detection`; absent or null otherwise).
   */
  'dataset.report': (p: { datasetId: string }) => { classification: ClassificationReport | null; detection?: DetectionReport | null };
  /**
   * Lays out only the given images (e.g. a lasso selection) as a fresh projection of their own: interleaved x,y
   * (2 per index, in the order given), normalised into [-1, 1]. Uses the current layout's embeddings.
   */
  'layout.subset': (p: { datasetId: string; indices: Uint32Array; method?: LayoutMethod; seed?: number }) => Float32Array;
  'image.record': (p: { datasetId: string; index: number }) => ImageRecord;
  /** Encoded thumbnail (WebP) whose longest side is at most `size` pixels. */
  'image.thumbnail': (p: { datasetId: string; index: number; size: number }) => Uint8Array;
  'predictions.import': (p: { datasetId: string; path: string }) => DatasetSummary;
  /** Starts embed + project (whatever is missing). Progress arrives as 'job.progress' events. */
  'job.analyze': (p: AnalyzeParams) => JobStatus;
  /** Text-to-image search with the CLIP text tower of the dataset's model (error 'no-text-tower' without one). */
  'search.text': (p: { datasetId: string; text: string; topK?: number }) => SearchResult;
  /**
   * Images most similar to one image (`index`) or to the mean of several (`indices`). The query images are
   * included (they rank first) unless `excludeQuery`. Works with any embedder.
   */
  'search.similar': (p: { datasetId: string; index?: number; indices?: Uint32Array; topK?: number; excludeQuery?: boolean }) => SearchResult;
  /**
   * CLIP zero-shot labels for every image (default classes: the label vocabulary; default templates: a prompt
   * ensemble). Stores and returns the score columns zero_shot_label, zero_shot_confidence (and zero_shot_agrees
   * when images have labels); they then come with dataset.scores and points.csv.
   */
  'labels.zeroShot': (p: { datasetId: string; classes?: string[]; templates?: string[] }) => ScoreColumn[];
  /** Names each cluster by zero-shot of its mean embedding against the label vocabulary or `words`; stored. */
  'clusters.name': (p: { datasetId: string; words?: string[] }) => ClusterSummary[];
  'job.cancel': (p: { jobId: string }) => JobStatus;
  'job.list': (p: { datasetId?: string }) => JobStatus[];
  'export.selection': (p: {
    datasetId: string;
    indices: Uint32Array;
    format: ExportFormat;
    /** Write to this path on the host; needs capabilities.writeFiles. */
    outPath?: string;
  }) => { content: string; fileName: string; writtenTo: string | null };
  /** The model catalogue with what is installed, plus imported models, and the model analysis uses by default. */
  'models.list': (p: Record<string, never>) => ModelsListResult;
  /**
   * Starts downloading a catalogue model (default precision fp32) into the model cache: a job of kind 'download'
   * whose 'job.progress' counts bytes; cancel it with job.cancel. A stopped download resumes where it stopped.
   * Returns the running job when that model is already downloading.
   */
  'models.download': (p: { id: string; precision?: ModelPrecision }) => JobStatus;
  /** Validates and copies a local model folder (Hugging Face layout) or .onnx file into the cache, for offline machines. */
  'models.import': (p: { path: string }) => ModelImportResult;
  /** Deletes a downloaded or imported model from the cache. */
  'models.remove': (p: { id: string }) => { removed: boolean };
}

export interface ApiEvents {
  'job.progress': JobStatus;
  /** An intermediate or final 2-D layout, for a live preview. */
  'layout.preview': { datasetId: string; jobId: string; xy: Float32Array; final: boolean };
  'dataset.changed': { datasetId: string };
  /**
   * Sent by a host, not the engine: the user picked a folder in the host's own UI (Electron's File > Open
   * Dataset Folder…). The UI opens it the way it opens any dataset, with dataset.open.
   */
  'app.openDataset': { root: string };
}

export type MethodName = keyof ApiMethods;
export type EventName = keyof ApiEvents;
export type MethodParams<M extends MethodName> = Parameters<ApiMethods[M]>[0];
export type MethodResult<M extends MethodName> = ReturnType<ApiMethods[M]>;

/** What the engine implements and every host exposes. */
export type ApiHandlers = { [M in MethodName]: (params: MethodParams<M>) => Promise<MethodResult<M>> };

export type EventListener<E extends EventName> = (payload: ApiEvents[E]) => void;

export const METHOD_NAMES = [
  'app.info',
  'dataset.open',
  'dataset.summary',
  'dataset.points',
  'dataset.scores',
  'dataset.clusters',
  'dataset.report',
  'layout.subset',
  'image.record',
  'image.thumbnail',
  'predictions.import',
  'job.analyze',
  'search.text',
  'search.similar',
  'labels.zeroShot',
  'clusters.name',
  'job.cancel',
  'job.list',
  'export.selection',
  'models.list',
  'models.download',
  'models.import',
  'models.remove',
] as const satisfies readonly MethodName[];

export function isMethodName(name: string): name is MethodName {
  return (METHOD_NAMES as readonly string[]).includes(name);
}
