/**
 * The common in-memory shape of boxes, ground truth and predictions alike: one entry per box in parallel typed
 * arrays, so a million boxes stay a handful of buffers instead of a million objects.
 */
export interface BoxColumns {
  /** [x1, y1, x2, y2] per box, in pixels of the image (origin top-left, x2 > x1, y2 > y1). */
  xyxy: Float32Array;
  /** Dataset image index of each box. */
  imageIndex: Int32Array;
  /** Index into the class names of each box. */
  classIndex: Int32Array;
  /** Confidence of a prediction; NaN for ground truth. */
  score: Float32Array;
  /** 1 for a region to ignore (COCO iscrowd, Pascal VOC difficult): it never counts as a miss or a false alarm. */
  crowd: Uint8Array;
}

/** Boxes of a whole dataset with the class names their `classIndex` refers to. */
export interface DetectionSet {
  boxes: BoxColumns;
  classNames: string[];
  /**
   * Per dataset image: 1 when the source covers the image (an annotation file or COCO image entry exists, even with
   * no objects), 0 when it says nothing about it. Metrics skip images a ground-truth set does not cover.
   */
  covered: Uint8Array;
}

export function boxCount(boxes: BoxColumns): number {
  return boxes.imageIndex.length;
}

export interface BoxInput {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  imageIndex: number;
  classIndex: number;
  /** NaN for ground truth. */
  score: number;
  crowd: boolean;
}

/** Appends boxes one at a time into growing typed arrays (doubling), then hands out exact-length columns. */
export class BoxColumnsBuilder {
  private capacity: number;
  private length = 0;
  private xyxy: Float32Array;
  private imageIndex: Int32Array;
  private classIndex: Int32Array;
  private score: Float32Array;
  private crowd: Uint8Array;

  constructor(initialCapacity = 64) {
    this.capacity = Math.max(1, initialCapacity);
    this.xyxy = new Float32Array(this.capacity * 4);
    this.imageIndex = new Int32Array(this.capacity);
    this.classIndex = new Int32Array(this.capacity);
    this.score = new Float32Array(this.capacity);
    this.crowd = new Uint8Array(this.capacity);
  }

  get count(): number {
    return this.length;
  }

  push(box: BoxInput): void {
    if (this.length === this.capacity) this.grow();
    const i = this.length;
    this.xyxy[i * 4] = box.x1;
    this.xyxy[i * 4 + 1] = box.y1;
    this.xyxy[i * 4 + 2] = box.x2;
    this.xyxy[i * 4 + 3] = box.y2;
    this.imageIndex[i] = box.imageIndex;
    this.classIndex[i] = box.classIndex;
    this.score[i] = box.score;
    this.crowd[i] = box.crowd ? 1 : 0;
    this.length += 1;
  }

  build(): BoxColumns {
    const n = this.length;
    return {
      xyxy: this.xyxy.slice(0, n * 4),
      imageIndex: this.imageIndex.slice(0, n),
      classIndex: this.classIndex.slice(0, n),
      score: this.score.slice(0, n),
      crowd: this.crowd.slice(0, n),
    };
  }

  private grow(): void {
    this.capacity *= 2;
    const grown = <T extends Float32Array | Int32Array | Uint8Array>(old: T, make: (n: number) => T, perBox: number): T => {
      const next = make(this.capacity * perBox);
      next.set(old);
      return next;
    };
    this.xyxy = grown(this.xyxy, (n) => new Float32Array(n), 4);
    this.imageIndex = grown(this.imageIndex, (n) => new Int32Array(n), 1);
    this.classIndex = grown(this.classIndex, (n) => new Int32Array(n), 1);
    this.score = grown(this.score, (n) => new Float32Array(n), 1);
    this.crowd = grown(this.crowd, (n) => new Uint8Array(n), 1);
  }
}

/** Builds columns from plain boxes; for tests and small inputs. */
export function boxColumnsOf(boxes: readonly BoxInput[]): BoxColumns {
  const builder = new BoxColumnsBuilder(boxes.length);
  for (const box of boxes) builder.push(box);
  return builder.build();
}

/**
 * Box indices grouped by image: `order` lists box indices image by image (input order kept within an image),
 * `start[i]..start[i + 1]` is image i's slice.
 */
export interface BoxesByImage {
  order: Int32Array;
  start: Int32Array;
}

export function groupByImage(boxes: BoxColumns, imageCount: number): BoxesByImage {
  const n = boxCount(boxes);
  const start = new Int32Array(imageCount + 1);
  for (let b = 0; b < n; b += 1) {
    const image = boxes.imageIndex[b] as number;
    if (image >= 0 && image < imageCount) start[image + 1] = (start[image + 1] as number) + 1;
  }
  for (let i = 0; i < imageCount; i += 1) start[i + 1] = (start[i + 1] as number) + (start[i] as number);
  const fill = start.slice(0, imageCount);
  const order = new Int32Array(start[imageCount] as number);
  for (let b = 0; b < n; b += 1) {
    const image = boxes.imageIndex[b] as number;
    if (image < 0 || image >= imageCount) continue;
    order[fill[image] as number] = b;
    fill[image] = (fill[image] as number) + 1;
  }
  return { order, start };
}
