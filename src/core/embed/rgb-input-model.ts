/**
 * Gives the embedder an RGB-bytes version of a float-input vision tower (rgb-input-rewrite.ts), made once per
 * model file and kept in a cache folder, and checked before use: the rewritten model must give the same embedding
 * as the original on a test image, run on the CPU. Whenever a rewrite cannot be made or fails the check, the
 * original file is used, as before; the reason is kept beside the cache so that it is not tried again.
 */
import { createHash, randomBytes } from 'node:crypto';
import { open, readdir, readFile, realpath, rename, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { CLIP_FLOATS_PER_IMAGE, CLIP_IMAGE_SIZE_PX, CLIP_MEAN, CLIP_STD, writeNormalisedChw } from '../decode/clip-preprocess.js';
import { toFloat16Array } from '../onnx/float16.js';
import { rewriteToRgbInput, RgbRewriteUnsupported, WireFormatError, type RgbPreprocess } from '../onnx/rgb-input-rewrite.js';
import type { WireParts } from '../onnx/protobuf-wire.js';
import { pathExists } from '../path-exists.js';
import { errorMessage } from './embedder.js';

const CLIP_PREPROCESS: RgbPreprocess = { imageSizePx: CLIP_IMAGE_SIZE_PX, mean: CLIP_MEAN, std: CLIP_STD };
/** Cosine similarity the rewritten model's embedding must reach against the original's (fp16 rounding allowed). */
const MIN_COSINE = 0.9995;

export interface RgbInputModel {
  /** The file to load: the rewritten model, or the original. */
  path: string;
  rewritten: boolean;
  /** Why the original is used, when it is. */
  reason?: string;
}

export interface RgbInputModelOptions {
  cacheDir: string;
  /** The vision tower's image input and embedding output. */
  inputName: string;
  outputName: string;
  /** The normalisation built into the graph; default CLIP's (what the decoder's float path applies). */
  preprocess?: RgbPreprocess;
}

/**
 * A name per source file and version: the path's hash, then its size, modification and change times. The change
 * time is there because a copy keeps the weights it was made from: a model replaced by one of the same size with
 * its modification time kept (`cp -p`, a restore) would otherwise be served stale, and no user can set ctime back.
 */
export interface CacheNames {
  family: string;
  file: string;
  skipNote: string;
}

/**
 * Raise when the rewrite or its check changes: copies and "keep float" notes of other revisions are then made again
 * (and the old ones removed), so that a model refused by an older rewrite gets another chance.
 */
export const RGB_REWRITE_REVISION = 1;

/** The cache files of a model; exported for tests, which make another revision's files. */
export async function rgbInputCacheNames(modelPath: string, cacheDir: string, revision = RGB_REWRITE_REVISION): Promise<CacheNames> {
  const real = await realpath(modelPath);
  const info = await stat(real);
  const hash = (text: string): string => createHash('sha1').update(text).digest('hex').slice(0, 12);
  const stem = basename(real).replace(/\.onnx$/i, '').replace(/[^\w.-]+/g, '_');
  const family = `${stem}-${hash(real)}-`;
  const version = `${family}${hash(`${info.size}:${info.mtimeMs}:${info.ctimeMs}:r${revision}`)}`;
  return { family, file: join(cacheDir, `${version}.onnx`), skipNote: join(cacheDir, `${version}.keep-float.txt`) };
}


/**
 * Why the model could not be rewritten to take RGB bytes, or null when it can: a structural check only (no copy is
 * written, nothing is run). Import asks it of a float16-input tower, which can run no other way.
 */
export async function rgbRewriteProblem(modelPath: string, inputName: string): Promise<string | null> {
  const attempt = attemptRewrite(await readFile(modelPath), inputName, CLIP_PREPROCESS);
  return typeof attempt === 'string' ? attempt : null;
}

/** The rewritten model's parts, or why the model cannot be rewritten; other errors are thrown. */
function attemptRewrite(source: Uint8Array, inputName: string, preprocess: RgbPreprocess): WireParts | string {
  try {
    return rewriteToRgbInput(source, inputName, preprocess).parts;
  } catch (error) {
    if (error instanceof RgbRewriteUnsupported || error instanceof WireFormatError) return error.message;
    throw error;
  }
}

/**
 * Copies being made by this process, by cache file: two loads of one model at once (two analyses, say) share one
 * rewrite and check instead of racing on the same files.
 */
const making = new Map<string, Promise<RgbInputModel>>();

export async function rgbInputModelFor(modelPath: string, options: RgbInputModelOptions): Promise<RgbInputModel> {
  const names = await rgbInputCacheNames(modelPath, options.cacheDir);
  const inProgress = making.get(names.file);
  if (inProgress) return inProgress;
  const made = makeOrReuse(modelPath, names, options).finally(() => making.delete(names.file));
  making.set(names.file, made);
  return made;
}

async function makeOrReuse(modelPath: string, names: CacheNames, options: RgbInputModelOptions): Promise<RgbInputModel> {
  if (await pathExists(names.file)) return { path: names.file, rewritten: true };
  const skipped = await readFile(names.skipNote, 'utf8').catch(() => null);
  if (skipped !== null) return { path: modelPath, rewritten: false, reason: skipped.trim() };

  const original = (reason: string): RgbInputModel => ({ path: modelPath, rewritten: false, reason });
  const parts = attemptRewrite(await readFile(modelPath), options.inputName, options.preprocess ?? CLIP_PREPROCESS);
  if (typeof parts === 'string') {
    const reason = `${modelPath} keeps its float input: ${parts}`;
    await remember(names.skipNote, reason);
    return original(reason);
  }

  // The process id lets a later load remove what a crashed one left (removeOlderVersions); the random part keeps
  // two makers in one process (worker threads) apart.
  const staging = `${names.file}.${process.pid}-${randomBytes(4).toString('hex')}.partial`;
  try {
    await mkdir(options.cacheDir, { recursive: true });
    await writeParts(staging, parts);
  } catch (error) {
    // Disk full or a read-only cache: a transient reason, so nothing is remembered.
    await rm(staging, { force: true }).catch(() => undefined);
    return original(`could not write ${staging}: ${errorMessage(error)}`);
  }
  let mismatch: string | null;
  try {
    mismatch = await compareOnCpu(modelPath, staging, options);
  } catch (error) {
    // Out of memory, say: perhaps transient, so nothing is remembered and the next load checks again.
    await rm(staging, { force: true });
    return original(`${modelPath} runs from floats this time: the check of its RGB-input rewrite failed: ${errorMessage(error).split('\n')[0] ?? ''}`);
  }
  if (mismatch !== null) {
    await rm(staging, { force: true });
    const reason = `${modelPath} keeps its float input: the RGB-input rewrite ${mismatch}`;
    await remember(names.skipNote, reason);
    return original(reason);
  }
  try {
    await rename(staging, names.file);
  } catch (error) {
    // Windows refuses to replace a file another process has open: a copy made at the same time there is as good.
    await rm(staging, { force: true }).catch(() => undefined);
    if (!(await pathExists(names.file))) return original(`could not move ${staging} into place: ${errorMessage(error)}`);
  }
  await removeOlderVersions(options.cacheDir, names.family, basename(names.file));
  return { path: names.file, rewritten: true };
}

/** A note that cannot be written (a read-only cache) only means the next load tries the rewrite again. */
async function remember(path: string, reason: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true }).catch(() => undefined);
  await writeFile(path, `${reason}\n`).catch(() => undefined);
}

async function writeParts(path: string, parts: WireParts): Promise<void> {
  const file = await open(path, 'w');
  try {
    for (const part of parts) await file.write(part);
  } finally {
    await file.close();
  }
}

/**
 * Removes the model's other versions and the copies that crashed loads left half-made (a full model's size each);
 * a copy still being made by a live process is kept. Tidying only: a file another process holds open stays.
 */
async function removeOlderVersions(cacheDir: string, family: string, keep: string): Promise<void> {
  const names = await readdir(cacheDir).catch(() => [] as string[]);
  const stale = names.filter((n) => n.startsWith(family) && n !== keep && (!n.endsWith('.partial') || stagedByDeadProcess(n)));
  await Promise.all(stale.map((n) => rm(join(cacheDir, n), { force: true }).catch(() => undefined)));
}

function stagedByDeadProcess(name: string): boolean {
  const pid = Number(/\.(\d+)(?:-[0-9a-f]+)?\.partial$/.exec(name)?.[1]);
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** A deterministic test image with detail in every channel. */
function testImage(): Uint8Array {
  const rgb = new Uint8Array(CLIP_FLOATS_PER_IMAGE);
  let state = 12345;
  for (let i = 0; i < rgb.length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const pixel = Math.floor(i / 3);
    const x = pixel % CLIP_IMAGE_SIZE_PX;
    const y = Math.floor(pixel / CLIP_IMAGE_SIZE_PX);
    rgb[i] = (x + 2 * y + 40 * (i % 3) + (state >>> 27)) & 0xff;
  }
  return rgb;
}

/** Null when both models give the same embedding for the test image; otherwise what differed. */
async function compareOnCpu(originalPath: string, rewrittenPath: string, options: RgbInputModelOptions): Promise<string | null> {
  const sessionOptions: ort.InferenceSession.SessionOptions = { executionProviders: ['cpu'], graphOptimizationLevel: 'basic' };
  const rgb = testImage();
  const side = CLIP_IMAGE_SIZE_PX;
  const run = async (path: string, input: (session: ort.InferenceSession) => ort.Tensor): Promise<Float32Array> => {
    const session = await ort.InferenceSession.create(path, sessionOptions);
    try {
      const output = (await session.run({ [options.inputName]: input(session) }, [options.outputName]))[options.outputName];
      if (!output || output.type !== 'float32') throw new Error(`${path} gave no float32 ${options.outputName}`);
      return Float32Array.from(output.data as Float32Array);
    } finally {
      await session.release();
    }
  };
  const expected = await run(originalPath, (session) => {
    const floats = new Float32Array(CLIP_FLOATS_PER_IMAGE);
    writeNormalisedChw(rgb, floats, 0);
    const meta = session.inputMetadata.find((m) => m.name === options.inputName);
    const float16 = meta?.isTensor === true && meta.type === 'float16';
    return float16 ? new ort.Tensor('float16', toFloat16Array(floats), [1, 3, side, side]) : new ort.Tensor('float32', floats, [1, 3, side, side]);
  });
  const actual = await run(rewrittenPath, () => new ort.Tensor('uint8', rgb, [1, side, side, 3]));
  if (actual.length !== expected.length) return `gives ${actual.length} values per image instead of ${expected.length}`;
  let dot = 0;
  let a2 = 0;
  let b2 = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i] as number;
    const b = expected[i] as number;
    dot += a * b;
    a2 += a * a;
    b2 += b * b;
  }
  const cosine = dot / Math.sqrt(a2 * b2);
  return cosine >= MIN_COSINE ? null : `gives a different embedding (cosine ${cosine.toFixed(5)} to the original's, below ${MIN_COSINE})`;
}
