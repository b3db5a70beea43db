/**
 * Imports a model for offline machines: a Hugging Face-layout folder (optimum's `onnx/vision_model.onnx`, maybe a
 * text tower and tokenizer beside it; or the towers at the folder's root) or a single `.onnx` vision tower. The copy
 * always has the optimum layout (`onnx/text_model.onnx`), which is where the text side looks. It is validated first, then copied into
 * `<cache>/local-<sha256 prefix>/` through a temporary folder that is renamed into place once its manifest is
 * written: an interrupted import leaves nothing that looks like a model.
 */
import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ModelFileRole, ModelPrecision } from '../../shared/model/models.js';
import { ClipTextEncoder, TEXT_MODEL_FILE, TEXT_MODEL_FP16_FILE } from '../embed/clip-text-encoder.js';
import { TOKENIZER_FILE_NAMES } from '../text/bpe-files.js';
import { ClipTokenizer, findTokenizerFile } from '../text/clip-tokenizer.js';
import { isDiskFull } from './download-errors.js';
import { hashFile } from './download-file.js';
import { rgbRewriteProblem } from '../embed/rgb-input-model.js';
import { inspectTextTower, inspectVisionTower, type TextTowerFacts } from './inspect-onnx.js';
import { readManifest, writeManifest, type ManifestFile, type ModelManifest } from './manifest.js';

export interface ImportOutcome {
  manifest: ModelManifest;
  modelDir: string;
  /** False when these files were imported before; the existing copy is kept. */
  added: boolean;
  warnings: string[];
}

const VISION_CANDIDATES: readonly [string, ModelPrecision][] = [
  ['onnx/vision_model.onnx', 'fp32'],
  ['onnx/vision_model_fp16.onnx', 'fp16'],
  ['vision_model.onnx', 'fp32'],
  ['vision_model_fp16.onnx', 'fp16'],
];
/** Copied when present; any one of TOKENIZER_FILE_NAMES is enough for the text tower's tokenizer. */
const TOKENIZER_FILES = [...TOKENIZER_FILE_NAMES, 'vocab.json', 'tokenizer_config.json', 'special_tokens_map.json'];
const SIDE_FILES: readonly [string, ModelFileRole][] = [
  ['preprocessor_config.json', 'preprocessor'],
  ['config.json', 'config'],
];

const isFile = async (path: string): Promise<boolean> => (await stat(path).catch(() => null))?.isFile() ?? false;

interface PlannedFile {
  from: string;
  /** Path inside the model folder, '/' separated. */
  to: string;
  role: ModelFileRole;
  precision?: ModelPrecision;
}

export async function importModel(sourcePath: string, cacheDir: string): Promise<ImportOutcome> {
  const source = await stat(sourcePath).catch(() => null);
  if (!source) throw new Error(`Cannot import ${sourcePath}: it does not exist`);
  const warnings: string[] = [];
  const planned: PlannedFile[] = [];
  let text: TextTowerFacts | undefined;
  let name: string;
  let expectedDim: { dim: number; source: string } | undefined;
  let textCandidate: { from: string; to: string; precision: ModelPrecision; tokenizerFiles: string[] } | undefined;

  if (source.isFile()) {
    if (!sourcePath.toLowerCase().endsWith('.onnx')) throw new Error(`Cannot import ${sourcePath}: expected an .onnx file or a model folder`);
    name = basename(sourcePath).replace(/\.onnx$/i, '');
    const precision: ModelPrecision = /fp16|float16|half/i.test(name) ? 'fp16' : 'fp32';
    planned.push({ from: sourcePath, to: precision === 'fp16' ? 'onnx/vision_model_fp16.onnx' : 'onnx/vision_model.onnx', role: 'vision', precision });
    warnings.push(`Imported ${basename(sourcePath)} alone: text search and zero-shot labels need the model folder with its text tower and tokenizer.`);
  } else {
    name = basename(sourcePath);
    const found: [string, ModelPrecision][] = [];
    for (const candidate of VISION_CANDIDATES) if (await isFile(join(sourcePath, candidate[0]))) found.push(candidate);
    const vision = found[0];
    if (!vision) throw new Error(`Cannot import ${sourcePath}: it has no vision tower; expected ${VISION_CANDIDATES[0]?.[0]} (the Hugging Face optimum layout) or ${VISION_CANDIDATES[2]?.[0]}`);
    const [visionPath, precision] = vision;
    planned.push({ from: join(sourcePath, visionPath), to: visionPath, role: 'vision', precision });
    if (found.length > 1) warnings.push(`Imported the ${precision} vision tower (${visionPath}); import ${found[1]?.[0]} on its own to use that one as well.`);
    expectedDim = await projectionDim(join(sourcePath, 'config.json'));
    for (const [file, role] of SIDE_FILES) if (await isFile(join(sourcePath, file))) planned.push({ from: join(sourcePath, file), to: file, role });

    const tokenizerFiles: string[] = [];
    for (const file of TOKENIZER_FILES) if (await isFile(join(sourcePath, file))) tokenizerFiles.push(file);
    const hasTokenizer = TOKENIZER_FILE_NAMES.some((name) => tokenizerFiles.includes(name));
    const textPath = visionPath.replace('vision_model', 'text_model');
    const hasText = await isFile(join(sourcePath, textPath));
    if (!hasTokenizer) {
      warnings.push(`${sourcePath} has no tokenizer (${TOKENIZER_FILE_NAMES.join(', ')}): imported the vision tower only; text search and zero-shot labels are unavailable for this model.`);
    } else if (!hasText) {
      warnings.push(`${sourcePath} has no text tower (${textPath}): text search and zero-shot labels are unavailable for this model.`);
    } else {
      // Copied to where loadClipTextTower looks, whichever layout the source folder has.
      textCandidate = { from: join(sourcePath, textPath), to: precision === 'fp16' ? TEXT_MODEL_FP16_FILE : TEXT_MODEL_FILE, precision, tokenizerFiles };
    }
  }

  const visionFile = planned[0] as PlannedFile;
  const facts = await inspectVisionTower(visionFile.from, expectedDim);
  if (facts.input.dtype === 'float16') {
    // Nothing feeds float16 pixels but the RGB-input rewrite: a tower it refuses could never run.
    const problem = await rgbRewriteProblem(visionFile.from, facts.input.name);
    if (problem !== null) throw new Error(`${visionFile.from}: its float16 input can only be fed through the RGB-input rewrite, which refuses it: ${problem}`);
  }
  const { sha256: visionSha } = await hashFile(visionFile.from);
  const id = `local-${visionSha.slice(0, 12)}`;
  const modelDir = join(cacheDir, id);
  const existing = await readManifest(modelDir);
  if (existing.state === 'ok') return { manifest: existing.manifest, modelDir, added: false, warnings: [`${sourcePath} was imported before as ${id}; kept that copy.`] };
  if (textCandidate) {
    try {
      text = await checkTextTower(sourcePath, textCandidate.from, facts.embeddingDim);
      planned.push({ from: textCandidate.from, to: textCandidate.to, role: 'text', precision: textCandidate.precision });
      for (const file of textCandidate.tokenizerFiles) planned.push({ from: join(sourcePath, file), to: file, role: 'tokenizer' });
    } catch (error) {
      warnings.push(`The text tower was not imported: ${error instanceof Error ? error.message : String(error)}; text search and zero-shot labels are unavailable for this model.`);
    }
  }

  const staging = join(cacheDir, `.import-${randomUUID()}`);
  try {
    const files: ManifestFile[] = [];
    for (const file of planned) {
      const target = join(staging, ...file.to.split('/'));
      await mkdir(dirname(target), { recursive: true });
      await copyFile(file.from, target, constants.COPYFILE_FICLONE);
      // Hashing the copy, not the source, is what proves the cache holds the right bytes.
      const { sha256 } = await hashFile(target);
      const { size } = await stat(target);
      files.push({ path: file.to, role: file.role, ...(file.precision ? { precision: file.precision } : {}), bytes: size, sha256 });
    }
    const manifest: ModelManifest = {
      format: 1,
      id,
      name,
      kind: 'imported',
      source: { importedFrom: sourcePath },
      files,
      towers: { embeddingDim: facts.embeddingDim, vision: { input: facts.input, output: facts.output }, ...(text ? { text } : {}) },
      notes: warnings,
    };
    await writeManifest(staging, manifest);
    await rm(modelDir, { recursive: true, force: true }); // leftovers without a manifest
    await rename(staging, modelDir);
    return { manifest, modelDir, added: true, warnings };
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    if (isDiskFull(error)) {
      const needed = (await Promise.all(planned.map((f) => stat(f.from).then((s) => s.size)))).reduce((a, b) => a + b, 0);
      throw new Error(`The disk holding the model cache ${cacheDir} is full: importing ${sourcePath} needs ${needed} bytes. Free some space or set DATASET_HEALTH_DATA_DIR to a bigger disk.`, { cause: error });
    }
    throw error;
  }
}

/**
 * Loads the text tower and the tokenizer the way the text side will (loadClipTextTower's checks: signature, one
 * text run, and a dimension that matches the image embeddings), so a model never lists text features that then
 * fail to load. Errors name the source file and the reason.
 */
async function checkTextTower(sourceDir: string, textPath: string, embeddingDim: number): Promise<TextTowerFacts> {
  const facts = await inspectTextTower(textPath);
  const tokenizer = await ClipTokenizer.load(await findTokenizerFile(sourceDir));
  const encoder = await ClipTextEncoder.load(textPath, { tokenizer, providers: ['cpu'], thread: 'main', expectedDim: embeddingDim });
  await encoder.close();
  return facts;
}

/** `projection_dim` from a Hugging Face CLIP config.json, to check the vision tower's output against. */
async function projectionDim(configPath: string): Promise<{ dim: number; source: string } | undefined> {
  const text = await readFile(configPath, 'utf8').catch(() => null);
  if (text === null) return undefined;
  try {
    const dim = (JSON.parse(text) as { projection_dim?: unknown }).projection_dim;
    return typeof dim === 'number' && Number.isInteger(dim) && dim > 0 ? { dim, source: `${configPath} (projection_dim)` } : undefined;
  } catch {
    return undefined; // a config we cannot read is not a reason to refuse the model
  }
}
