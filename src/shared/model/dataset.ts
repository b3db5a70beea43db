/** Plain data types shared by every layer. No runtime imports allowed here. */

/** A problem found in user input: never fatal, always names the file (and line when there is one). */
export interface InputProblem {
  /** File the problem is about, as given by the user or relative to the dataset root. */
  file: string;
  /** 1-based line number for text formats (CSV), when known. */
  line?: number;
  /** Short machine-readable category, e.g. 'corrupt-image', 'unknown-path', 'duplicate-row', 'missing-column'. */
  kind: string;
  /** Human-readable reason. */
  message: string;
}

export type LabelSource = 'folders' | 'csv' | 'none';

/** What a dataset's labels describe: one class per image, or boxes of objects. */
export type DatasetTask = 'classification' | 'detection';

export type DetectionAnnotationFormat = 'coco' | 'yolo' | 'voc';
export type DetectionPredictionsFormat = 'coco-results' | 'yolo-txt';

/** Where a detection dataset's boxes come from; remembered so that reopening reads the same files. */
export interface DetectionSourceInfo {
  format: DetectionAnnotationFormat;
  /** COCO instances JSON, YOLO data.yaml or VOC Annotations folder, relative to the root when inside it. */
  annotations: string;
  /** COCO results JSON or a folder of YOLO prediction .txt files; null without predictions. */
  predictions: string | null;
  predictionsFormat: DetectionPredictionsFormat | null;
  /** Ground-truth and predicted boxes read. */
  gtBoxes: number;
  predictedBoxes: number;
}

export interface EmbedderInfo {
  /** Stable id used as the store key, e.g. 'pixels-v1', 'clip-vit-b32', 'import:<sha1>'. */
  id: string;
  /** What the user sees, e.g. 'Basic pixels embedder (no model)'. */
  name: string;
  dim: number;
  /** onnxruntime execution provider actually used ('cpu', 'webgpu', ...), or 'none' for non-ONNX embedders. */
  executionProvider: string;
  /**
   * The Hugging Face-layout folder the model was loaded from, where its text tower and tokenizer sit (text search,
   * zero-shot). Absent when the embedder did not come from such a folder.
   */
  modelDir?: string;
  /** Providers passed over for it in the latest run, in order, with why; absent when none was. */
  skippedProviders?: ProviderSkip[];
  /**
   * Which revision of the image preprocessing made its inputs (CLIP models: CLIP_PREPROCESSING_REVISION). The
   * store drops embeddings made under another, so one map never mixes two crops. Absent where none applies.
   */
  preprocessing?: string;
}

/** An execution provider not used for embedding, and why. */
export interface ProviderSkip {
  provider: string;
  /** 'unavailable': left out of the automatic order (not installed here); 'create', 'warm-up': tried and failed. */
  stage: 'unavailable' | 'create' | 'warm-up';
  reason: string;
}

export type LayoutMethod = 'umap' | 'tsne';

export interface LayoutInfo {
  method: LayoutMethod;
  embedderId: string;
  params: Record<string, number | string>;
  pointCount: number;
  createdAtMs: number;
}

export interface PredictionsInfo {
  /** The predictions file, as given. */
  file: string;
  /** Rows joined to an image. */
  matched: number;
  /** Images with no prediction row. */
  missing: number;
  hasProbabilities: boolean;
  /** Classification: share of labelled images predicted right. Detection: share of annotated images with no false alarm and no missed box. */
  accuracy: number | null;
}

export interface DatasetSummary {
  id: string;
  /** Absolute dataset folder. */
  root: string;
  name: string;
  imageCount: number;
  /** Files found but skipped as unreadable or corrupt (part of imageCount; see problems for why). */
  skippedCount: number;
  labelSource: LabelSource;
  /** Class names in index order: point label indices refer to this list. */
  classes: string[];
  problems: InputProblem[];
  embedder: EmbedderInfo | null;
  embeddedCount: number;
  layout: LayoutInfo | null;
  predictions: PredictionsInfo | null;
  /** 'detection' when boxes were read (see `detection`); absent means classification. */
  task?: DatasetTask;
  /**
   * The detection sources, when `task` is 'detection'. Each image's `label` is then its most frequent ground-truth
   * class, and its prediction summarises its boxes (see `PredictionsInfo`).
   */
  detection?: DetectionSourceInfo | null;
}

/** One image's details, for hover cards and the grid. */
export interface ImageRecord {
  index: number;
  /** Path relative to the dataset root, with forward slashes. */
  path: string;
  label: string | null;
  predictedLabel: string | null;
  confidence: number | null;
  correct: boolean | null;
  loss: number | null;
  width: number | null;
  height: number | null;
}

/**
 * Column-oriented point data: one entry per image, in image index order.
 * Typed arrays cross every transport as binary; never turn these into arrays of objects.
 */
export interface PointColumns {
  count: number;
  /** Interleaved x,y (length 2*count); NaN where no layout exists yet. */
  xy: Float32Array;
  /** Index into DatasetSummary.classes, or -1 when unlabelled. */
  label: Int32Array;
  /** Index into DatasetSummary.classes, or -1 when there is no prediction (or an unknown class). */
  predicted: Int32Array;
  /** 1 right, 0 wrong, -1 no prediction or no label. */
  correct: Int8Array;
  /** Confidence of the prediction; NaN when none. */
  confidence: Float32Array;
  /** Cross-entropy loss of the given label; NaN when probabilities are missing. */
  loss: Float32Array;
  /** 1 when the image could be read; 0 for files skipped as corrupt (listed in the summary's problems). */
  usable: Uint8Array;
}

/** 'download': a model download (its `datasetId` is MODEL_JOBS_SCOPE; progress in bytes). */
export type JobKind = 'scan' | 'embed' | 'project' | 'analyze' | 'download';
export type JobState = 'running' | 'done' | 'cancelled' | 'failed';

export interface JobStatus {
  jobId: string;
  datasetId: string;
  kind: JobKind;
  state: JobState;
  /** Current stage label, e.g. 'Embedding images'. */
  stage: string;
  done: number;
  total: number;
  message?: string;
  error?: string;
  /** Wall time of each finished stage, e.g. { embed: 1234, project: 5678 }. */
  timingsMs?: Record<string, number>;
}

export type ExportFormat = 'csv' | 'paths';
