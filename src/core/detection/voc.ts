import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { z } from 'zod';
import type { InputProblem } from '../../shared/model/dataset.js';
import { mapWithConcurrency } from '../dataset/concurrency.js';
import { ProblemList } from '../dataset/problems.js';
import { BoxColumnsBuilder, type DetectionSet } from './box-columns.js';
import { checkBox, ClipCounter, type ImageSize } from './box-checks.js';
import type { SizeOf } from './coco.js';
import { describeFailedJoin, ImagePathJoiner } from './image-join.js';
import { listFilesRecursive, readTextOrError } from './list-files.js';
import { describeIssue, examplesOf, NameCounter } from './problem-text.js';

const READ_CONCURRENCY = 32;

const NumberTextSchema = z
  .string({ error: 'is missing' })
  .trim()
  .min(1, { error: 'is empty' })
  .transform(Number)
  .pipe(z.number({ error: 'is not a number' }).refine(Number.isFinite, { error: 'is not a finite number' }));
const VocObjectSchema = z.object({
  name: z.string({ error: 'is missing' }).trim().min(1, { error: 'is empty' }),
  bndbox: z.object({ xmin: NumberTextSchema, ymin: NumberTextSchema, xmax: NumberTextSchema, ymax: NumberTextSchema }, { error: 'is missing' }),
  difficult: z.string().optional(),
});
const VocFileSchema = z.object({
  annotation: z.object(
    {
      filename: z.string({ error: 'is missing' }).trim().min(1, { error: 'is empty' }),
      size: z.object({ width: NumberTextSchema, height: NumberTextSchema }).optional(),
      object: z.array(z.unknown()).optional(),
    },
    { error: 'is missing (not a Pascal VOC annotation)' },
  ),
});

/** One Pascal VOC object, its box in the file's 1-based inclusive pixel indices. */
export interface VocObject {
  name: string;
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
  difficult: boolean;
}

export interface VocAnnotation {
  filename: string;
  /** From `<size>`; null when absent or zero (some tools write 0). */
  size: ImageSize | null;
  objects: VocObject[];
}

// Every value stays a string (parseTagValue: false) so that a file name like `007.jpg` or `0001` is not turned into a
// number; numbers are converted by the schema.
const xmlParser = new XMLParser({ parseTagValue: false, ignoreAttributes: true, isArray: (_name, jpath) => jpath === 'annotation.object' });

/** Parses one VOC XML file; a bad object is reported and skipped, an invalid file refused with its line. */
export function parseVocXml(text: string, file: string): { ok: true; annotation: VocAnnotation; problems: InputProblem[] } | { ok: false; problems: InputProblem[] } {
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    const { line, msg } = valid.err;
    return { ok: false, problems: [{ file, line, kind: 'malformed-xml', message: `${file} line ${line} is not valid XML: ${msg}; the file is ignored.` }] };
  }
  const parsed = VocFileSchema.safeParse(xmlParser.parse(text));
  if (!parsed.success) {
    return { ok: false, problems: [{ file, kind: 'not-voc', message: `${file}: ${describeIssue(parsed.error)}; the file is ignored.` }] };
  }
  const { filename, size, object } = parsed.data.annotation;
  const problems: InputProblem[] = [];
  const objects: VocObject[] = [];
  (object ?? []).forEach((raw, i) => {
    const item = VocObjectSchema.safeParse(raw);
    if (!item.success) {
      problems.push({ file, kind: 'bad-entry', message: `${file}: object ${i + 1}: ${describeIssue(item.error)}; the object is ignored.` });
      return;
    }
    const { name, bndbox, difficult } = item.data;
    objects.push({ name, ...bndbox, difficult: difficult?.trim() === '1' });
  });
  const knownSize = size !== undefined && size.width > 0 && size.height > 0 ? { width: size.width, height: size.height } : null;
  return { ok: true, annotation: { filename, size: knownSize, objects }, problems };
}

export interface VocReadOptions {
  /** Class names in index order; objects of other names are reported and dropped. Default: the sorted names found. */
  classNames?: readonly string[];
  /** Image size when an XML has no `<size>`. */
  sizeOf?: SizeOf;
  signal?: AbortSignal;
}

/**
 * Reads the Pascal VOC XML files under `<root>/<annotationsDir>` (default `Annotations`) as ground truth. Each file
 * joins a dataset image by `<filename>` (`ImagePathJoiner`'s trailing-segment rule). VOC's coordinates are 1-based
 * inclusive pixel indices, so pixel columns xmin…xmax span [xmin − 1, xmax] in continuous coordinates, as the
 * other formats use. `difficult` objects become ignore regions (the `crowd` column), as VOC's own evaluation ignores them.
 */
export async function readVocAnnotations(
  root: string,
  imagePaths: readonly string[],
  options: VocReadOptions & { annotationsDir?: string } = {},
): Promise<{ ok: true; set: DetectionSet; problems: InputProblem[] } | { ok: false; problems: InputProblem[] }> {
  const annotationsDir = options.annotationsDir ?? 'Annotations';
  const listing = await listFilesRecursive(path.join(root, annotationsDir), '.xml', root);
  if ('error' in listing) {
    return { ok: false, problems: [{ file: annotationsDir, kind: 'unreadable-folder', message: `${annotationsDir} cannot be read (${listing.error}); no annotations are read.` }] };
  }
  const { files } = listing;
  const texts = await mapWithConcurrency(files, READ_CONCURRENCY, (file) => readTextOrError(path.join(root, file)), options.signal);

  const problems = new ProblemList();
  const joiner = new ImagePathJoiner(imagePaths);
  const parsedFiles: { file: string; imageIndex: number; annotation: VocAnnotation }[] = [];
  const claimedBy = new Map<number, string>();
  const unjoined: string[] = [];
  texts.forEach((read, i) => {
    const file = files[i] as string;
    if ('error' in read) return problems.add({ file, kind: 'unreadable-file', message: `${file} cannot be read (${read.error}); the file is ignored.` });
    const parsed = parseVocXml(read.text, file);
    for (const problem of parsed.problems) problems.add(problem);
    if (!parsed.ok) return;
    const join = joiner.join(parsed.annotation.filename);
    if (join.status !== 'joined') {
      const { kind, reason } = describeFailedJoin(parsed.annotation.filename, join);
      if (kind === 'unknown-image') unjoined.push(file);
      else problems.add({ file, kind, message: `${file}: ${reason}; the file is ignored.` });
      return;
    }
    const previous = claimedBy.get(join.imageIndex);
    if (previous !== undefined) {
      problems.add({ file, kind: 'duplicate-image', message: `${file}: ${imagePaths[join.imageIndex]} is already annotated by ${previous}; the file is ignored.` });
      return;
    }
    claimedBy.set(join.imageIndex, file);
    parsedFiles.push({ file, imageIndex: join.imageIndex, annotation: parsed.annotation });
  });

  const classNames = options.classNames !== undefined ? [...options.classNames] : [...new Set(parsedFiles.flatMap((f) => f.annotation.objects.map((o) => o.name)))].sort();
  const classIndexOf = new Map(classNames.map((name, k) => [name, k]));
  const builder = new BoxColumnsBuilder();
  const clips = new ClipCounter();
  const unknownClasses = new NameCounter();
  const covered = new Uint8Array(imagePaths.length);
  for (const { file, imageIndex, annotation } of parsedFiles) {
    covered[imageIndex] = 1;
    const size = annotation.size ?? options.sizeOf?.(imagePaths[imageIndex] as string) ?? null;
    annotation.objects.forEach((object, i) => {
      const classIndex = classIndexOf.get(object.name);
      if (classIndex === undefined) return unknownClasses.add(object.name);
      const box = checkBox(object.xmin - 1, object.ymin - 1, object.xmax, object.ymax, size);
      if (!box.ok) {
        problems.add({ file, kind: 'empty-box', message: `${file}: object ${i + 1} (${object.name}): the box ${box.reason}; it is dropped.` });
        return;
      }
      if (box.clipped) clips.add(file);
      builder.push({ ...box, imageIndex, classIndex, score: Number.NaN, crowd: object.difficult });
    });
  }

  const result = [...problems.toArray(), ...clips.toProblems(annotationsDir)];
  if (unjoined.length > 0) {
    result.push({ file: annotationsDir, kind: 'unknown-image', message: `${annotationsDir}: ${unjoined.length} files name images that are not in the dataset (${examplesOf(unjoined)}); they are ignored.` });
  }
  if (unknownClasses.size > 0) {
    result.push({ file: annotationsDir, kind: 'unknown-class', message: `${annotationsDir}: objects of classes not in the class list: ${unknownClasses.describe('objects')}; they are ignored.` });
  }
  return { ok: true, set: { boxes: builder.build(), classNames, covered }, problems: result };
}
