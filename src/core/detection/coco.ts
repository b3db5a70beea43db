import path from 'node:path';
import { z } from 'zod';
import type { InputProblem } from '../../shared/model/dataset.js';
import { ProblemList } from '../dataset/problems.js';
import { BoxColumnsBuilder, type BoxColumns, type DetectionSet } from './box-columns.js';
import { checkBox, ClipCounter, type ImageSize } from './box-checks.js';
import { describeFailedJoin, ImagePathJoiner } from './image-join.js';
import { parseJsonText } from './json-input.js';
import { describeIssue, examplesOf, NameCounter } from './problem-text.js';

/** Gives an image's pixel size (the engine has it from its probe); null when unknown. */
export type SizeOf = (imagePath: string) => ImageSize | null;

const IdSchema = z.number({ error: 'must be a number' }).int({ error: 'must be an integer' });
const BboxSchema = z.tuple([z.number(), z.number(), z.number(), z.number()], { error: 'must be [x, y, width, height] numbers' });
const PositiveSchema = z.number().positive();

const CocoFileSchema = z.object({
  images: z.array(z.unknown(), { error: "needs an 'images' array" }),
  annotations: z.array(z.unknown(), { error: "'annotations' must be an array" }).optional(),
  categories: z.array(z.unknown(), { error: "needs a 'categories' array" }),
});
const CocoImageSchema = z.object({
  id: IdSchema,
  file_name: z.string({ error: 'must be a string' }).trim().min(1, { error: 'is empty' }),
  width: PositiveSchema.optional(),
  height: PositiveSchema.optional(),
});
const CocoCategorySchema = z.object({ id: IdSchema, name: z.string({ error: 'must be a string' }).min(1, { error: 'is empty' }) });
const CocoAnnotationSchema = z.object({
  image_id: IdSchema,
  category_id: IdSchema,
  bbox: BboxSchema,
  iscrowd: z.union([z.literal(0), z.literal(1), z.boolean()], { error: 'must be 0 or 1' }).optional(),
});
const CocoResultSchema = z.object({
  image_id: z.union([IdSchema, z.string().min(1)], { error: 'must be an integer or a string' }),
  category_id: IdSchema,
  bbox: BboxSchema,
  score: z.number({ error: 'must be a number' }).refine(Number.isFinite, { error: 'must be finite' }),
});
const CocoResultsFileSchema = z.array(z.unknown(), { error: 'must be a JSON array of detections' });

/** COCO ground truth joined to the dataset. */
export interface CocoGroundTruth {
  set: DetectionSet;
  /** Category id of each class, classes in ascending id (as pycocotools orders them). */
  categoryIds: number[];
  /** COCO image id → dataset image index, for results files. */
  imageIndexById: Map<number, number>;
  /** Pixel size of each covered dataset image (from the file, else `sizeOf`); null when unknown. */
  sizeByImageIndex: Map<number, ImageSize | null>;
  problems: InputProblem[];
}

export type CocoGroundTruthResult = ({ ok: true } & CocoGroundTruth) | { ok: false; problems: InputProblem[] };

/**
 * Reads a COCO `instances.json` (images, annotations with bbox [x, y, w, h], categories) against the dataset's
 * image paths. Images join by `file_name` with `ImagePathJoiner`'s rule (most shared trailing path segments, at
 * least the file name; ties reported). Image sizes come from the file's width/height, else from `sizeOf`; boxes
 * are clipped to them. Every listed image is covered, even with no annotation (it has no objects). `area` is not
 * read: it only matters for COCO's small/medium/large ranges, which this does not compute.
 */
export function parseCocoGroundTruth(text: string, file: string, imagePaths: readonly string[], sizeOf: SizeOf = () => null): CocoGroundTruthResult {
  const json = parseJsonText(text, file);
  if ('problem' in json) return { ok: false, problems: [json.problem] };
  const top = CocoFileSchema.safeParse(json.value);
  if (!top.success) {
    return { ok: false, problems: [{ file, kind: 'not-coco', message: `${file} is not COCO instances JSON: ${describeIssue(top.error)}; the file is ignored.` }] };
  }
  const problems = new ProblemList();
  const bad = (where: string, error: z.ZodError, what: string) =>
    problems.add({ file, kind: 'bad-entry', message: `${file}: ${where}: ${describeIssue(error)}; the ${what} is ignored.` });

  const categories = new Map<number, string>();
  top.data.categories.forEach((raw, i) => {
    const category = CocoCategorySchema.safeParse(raw);
    if (!category.success) return bad(`categories[${i}]`, category.error, 'category');
    if (categories.has(category.data.id)) {
      problems.add({ file, kind: 'duplicate-category', message: `${file}: categories[${i}]: category id ${category.data.id} is listed twice; the first is used.` });
      return;
    }
    categories.set(category.data.id, category.data.name);
  });
  const categoryIds = [...categories.keys()].sort((a, b) => a - b);
  const classIndexByCategoryId = new Map(categoryIds.map((id, k) => [id, k]));

  const joiner = new ImagePathJoiner(imagePaths);
  const imageIndexById = new Map<number, number>();
  const seenIds = new Set<number>();
  const claimedBy = new Map<number, string>();
  const sizes = new Map<number, ImageSize | null>();
  const covered = new Uint8Array(imagePaths.length);
  const unjoined: string[] = [];
  top.data.images.forEach((raw, i) => {
    const image = CocoImageSchema.safeParse(raw);
    if (!image.success) return bad(`images[${i}]`, image.error, 'image');
    const { id, file_name: fileName, width, height } = image.data;
    if (seenIds.has(id)) {
      problems.add({ file, kind: 'duplicate-image', message: `${file}: images[${i}]: image id ${id} is listed twice; the first is used.` });
      return;
    }
    seenIds.add(id);
    const join = joiner.join(fileName);
    if (join.status !== 'joined') {
      const { kind, reason } = describeFailedJoin(fileName, join);
      if (kind === 'unknown-image') unjoined.push(fileName);
      else problems.add({ file, kind, message: `${file}: images[${i}]: ${reason}; its annotations are ignored.` });
      return;
    }
    const previous = claimedBy.get(join.imageIndex);
    if (previous !== undefined) {
      problems.add({ file, kind: 'duplicate-image', message: `${file}: images[${i}]: ${fileName} joins the same dataset image as ${previous}; its annotations are ignored.` });
      return;
    }
    claimedBy.set(join.imageIndex, fileName);
    imageIndexById.set(id, join.imageIndex);
    covered[join.imageIndex] = 1;
    const imagePath = imagePaths[join.imageIndex] as string;
    sizes.set(join.imageIndex, width !== undefined && height !== undefined ? { width, height } : sizeOf(imagePath));
  });
  if (unjoined.length > 0) {
    problems.add({ file, kind: 'unknown-image', message: `${file}: ${unjoined.length} listed images are not in the dataset (${examplesOf(unjoined)}); their annotations are ignored.` });
  }

  const builder = new BoxColumnsBuilder();
  const clips = new ClipCounter();
  const unknownCategories = new NameCounter();
  (top.data.annotations ?? []).forEach((raw, i) => {
    const annotation = CocoAnnotationSchema.safeParse(raw);
    if (!annotation.success) return bad(`annotations[${i}]`, annotation.error, 'annotation');
    const { image_id: imageId, category_id: categoryId, bbox, iscrowd } = annotation.data;
    const imageIndex = imageIndexById.get(imageId);
    if (imageIndex === undefined) {
      if (!seenIds.has(imageId)) {
        problems.add({ file, kind: 'unknown-image-id', message: `${file}: annotations[${i}]: image_id ${imageId} is not in 'images'; the annotation is ignored.` });
      }
      return;
    }
    const classIndex = classIndexByCategoryId.get(categoryId);
    if (classIndex === undefined) {
      unknownCategories.add(String(categoryId));
      return;
    }
    const [x, y, w, h] = bbox;
    const box = checkBox(x, y, x + w, y + h, sizes.get(imageIndex) ?? null);
    if (!box.ok) {
      problems.add({ file, kind: 'empty-box', message: `${file}: annotations[${i}]: the box [${bbox.join(', ')}] ${box.reason}; it is dropped.` });
      return;
    }
    if (box.clipped) clips.add(file);
    builder.push({ ...box, imageIndex, classIndex, score: Number.NaN, crowd: iscrowd === 1 || iscrowd === true });
  });
  if (unknownCategories.size > 0) {
    problems.add({ file, kind: 'unknown-class', message: `${file}: annotations use category ids missing from 'categories': ${unknownCategories.describe('annotations')}; they are ignored.` });
  }

  return {
    ok: true,
    set: { boxes: builder.build(), classNames: categoryIds.map((id) => categories.get(id) as string), covered },
    categoryIds,
    imageIndexById,
    sizeByImageIndex: sizes,
    problems: [...problems.toArray(), ...clips.toProblems(file)],
  };
}

/** How a COCO results file's ids reach the dataset. */
export interface CocoResultsTarget {
  imageCount: number;
  /** Dataset image of a result's image_id; undefined when none. */
  imageIndexOf: (imageId: number | string) => number | undefined;
  /** Class index of a category id; undefined when the labels do not know it. */
  classIndexOf: (categoryId: number) => number | undefined;
  sizeOf: (imageIndex: number) => ImageSize | null;
  /** Images the ground truth covers: those without any result are reported. */
  covered: Uint8Array;
}

/** Results joined through a COCO ground truth: its image ids and category ids. */
export function cocoResultsTarget(gt: CocoGroundTruth, imagePaths: readonly string[], sizeOf: SizeOf = () => null): CocoResultsTarget {
  const classIndexByCategoryId = new Map(gt.categoryIds.map((id, k) => [id, k]));
  return {
    imageCount: imagePaths.length,
    imageIndexOf: (imageId) => (typeof imageId === 'number' ? gt.imageIndexById.get(imageId) : undefined),
    classIndexOf: (categoryId) => classIndexByCategoryId.get(categoryId),
    sizeOf: (imageIndex) => gt.sizeByImageIndex.get(imageIndex) ?? sizeOf(imagePaths[imageIndex] ?? ''),
    covered: gt.set.covered,
  };
}

/**
 * Results joined without a COCO ground truth (YOLO or VOC labels), as Ultralytics writes them: image_id is the
 * image's file stem (a number when the stem is all digits) and category_id the class index. A stem shared by
 * several images joins none of them (reported as unknown).
 */
export function cocoResultsTargetByStem(imagePaths: readonly string[], classCount: number, covered: Uint8Array, sizeOf: SizeOf = () => null): CocoResultsTarget {
  const byStem = new Map<string, number>();
  imagePaths.forEach((imagePath, index) => {
    const stem = path.posix.parse(imagePath).name;
    byStem.set(stem, byStem.has(stem) ? -1 : index);
  });
  return {
    imageCount: imagePaths.length,
    imageIndexOf: (imageId) => {
      const index = byStem.get(String(imageId));
      return index === undefined || index < 0 ? undefined : index;
    },
    classIndexOf: (categoryId) => (categoryId >= 0 && categoryId < classCount ? categoryId : undefined),
    sizeOf: (imageIndex) => sizeOf(imagePaths[imageIndex] ?? ''),
    covered,
  };
}

export type CocoResults = { ok: true; boxes: BoxColumns; problems: InputProblem[] } | { ok: false; problems: InputProblem[] };

/** Reads a COCO results file (`[{image_id, category_id, bbox, score}]`) into prediction columns. */
export function parseCocoResults(text: string, file: string, target: CocoResultsTarget): CocoResults {
  const json = parseJsonText(text, file);
  if ('problem' in json) return { ok: false, problems: [json.problem] };
  const top = CocoResultsFileSchema.safeParse(json.value);
  if (!top.success) {
    return { ok: false, problems: [{ file, kind: 'not-coco-results', message: `${file} ${describeIssue(top.error)}; the file is ignored.` }] };
  }
  const problems = new ProblemList();
  const builder = new BoxColumnsBuilder(top.data.length);
  const clips = new ClipCounter();
  const unknownImages = new NameCounter();
  const unknownCategories = new NameCounter();
  const predicted = new Uint8Array(target.imageCount);
  top.data.forEach((raw, i) => {
    const result = CocoResultSchema.safeParse(raw);
    if (!result.success) {
      problems.add({ file, kind: 'bad-entry', message: `${file}: [${i}]: ${describeIssue(result.error)}; the detection is ignored.` });
      return;
    }
    const { image_id: imageId, category_id: categoryId, bbox, score } = result.data;
    const imageIndex = target.imageIndexOf(imageId);
    if (imageIndex === undefined) {
      unknownImages.add(String(imageId));
      return;
    }
    predicted[imageIndex] = 1;
    const classIndex = target.classIndexOf(categoryId);
    if (classIndex === undefined) {
      unknownCategories.add(String(categoryId));
      return;
    }
    const [x, y, w, h] = bbox;
    const box = checkBox(x, y, x + w, y + h, target.sizeOf(imageIndex));
    if (!box.ok) {
      problems.add({ file, kind: 'empty-box', message: `${file}: [${i}]: the box [${bbox.join(', ')}] ${box.reason}; it is dropped.` });
      return;
    }
    if (box.clipped) clips.add(file);
    builder.push({ ...box, imageIndex, classIndex, score, crowd: false });
  });

  const summary: InputProblem[] = [];
  if (unknownImages.size > 0) {
    summary.push({ file, kind: 'unknown-image', message: `${file}: detections for images not in the dataset's labels: ${unknownImages.describe('detections', 'image_id ')}; they are ignored.` });
  }
  if (unknownCategories.size > 0) {
    summary.push({ file, kind: 'unknown-class', message: `${file}: detections of category ids the labels do not know: ${unknownCategories.describe('detections')}; they are ignored.` });
  }
  const without = countCoveredWithout(target.covered, predicted);
  if (without > 0) {
    summary.push({ file, kind: 'missing-prediction', message: `${file}: ${without} labelled images have no detection; they count as predicted empty.` });
  }
  return { ok: true, boxes: builder.build(), problems: [...problems.toArray(), ...clips.toProblems(file), ...summary] };
}

function countCoveredWithout(covered: Uint8Array, predicted: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < covered.length; i += 1) if (covered[i] === 1 && predicted[i] !== 1) count += 1;
  return count;
}
