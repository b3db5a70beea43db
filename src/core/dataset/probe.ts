import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import type { InputProblem } from '../../shared/model/dataset.js';
import { expectedBmpSizeBytes, readBmpHeader } from './bmp.js';
import { mapWithConcurrency } from './concurrency.js';
import { detectImageFormat, formatForFileName, type ImageFormat } from './format.js';
import { ProblemList } from './problems.js';

/** What a cheap look at one file found. Images with status 'error' are kept in the list but never decoded. */
export interface ProbedImage {
  status: 'ok' | 'error';
  format: ImageFormat | null;
  width: number | null;
  height: number | null;
  /** Why the image cannot be used (status 'error'), else null. */
  error: string | null;
}

export interface ProbeOptions {
  /** Files probed at once (sharp works on the libuv pool). */
  concurrency?: number;
  /** Called with the number of files probed so far, at most every `progressEvery` files and at the end. */
  onProgress?: (doneCount: number) => void;
  progressEvery?: number;
  signal?: AbortSignal;
}

export interface ProbeOutcome {
  /** One entry per input file, in input order. */
  images: ProbedImage[];
  /** At most 20 per kind, then one summary per kind (each image's own reason is in its `error`). */
  problems: InputProblem[];
}

const HEAD_BYTES = 128;
const TAIL_BYTES = 32;
const PNG_END = [0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];
const JPEG_END = [0xff, 0xd9];
const GIF_TRAILER = 0x3b;

/**
 * Probes image files under `root` (paths relative to it, forward slashes): format from the magic bytes, size from
 * the header. Zero-byte, unreadable, non-image, corrupt, truncated and undecodable-BMP files get status 'error' and
 * a problem; a decodable image whose extension lies about its format keeps status 'ok' with a warning.
 */
export async function probeImages(root: string, files: readonly { path: string }[], options: ProbeOptions = {}): Promise<ProbeOutcome> {
  const { concurrency = 8, onProgress, progressEvery = 250, signal } = options;
  const problems = new ProblemList(20);
  let done = 0;
  const images = await mapWithConcurrency(
    files,
    concurrency,
    async (file) => {
      const outcome = await probeImage(root, file.path);
      outcome.problems.forEach((p) => problems.add(p));
      done += 1;
      if (done % progressEvery === 0) onProgress?.(done);
      return outcome.image;
    },
    signal,
  );
  onProgress?.(done);
  return { images, problems: problems.toArray() };
}

/** Probes one file; never throws. */
export async function probeImage(root: string, relPath: string): Promise<{ image: ProbedImage; problems: InputProblem[] }> {
  const absPath = path.join(root, relPath);
  const problems: InputProblem[] = [];
  const fail = (kind: string, message: string, format: ImageFormat | null = null) => {
    problems.push({ file: relPath, kind, message: `${relPath}: ${message}` });
    return { image: { status: 'error' as const, format, width: null, height: null, error: message }, problems };
  };

  let head: Uint8Array;
  let tail: Uint8Array;
  let sizeBytes: number;
  try {
    ({ head, tail, sizeBytes } = await readHeadAndTail(absPath));
  } catch (err) {
    return fail('unreadable-file', `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)}); skipped.`);
  }
  if (sizeBytes === 0) return fail('empty-file', 'is empty (0 bytes); skipped.');

  const format = detectImageFormat(head);
  if (format === null) return fail('not-an-image', 'is not an image: its content starts with no known image signature; skipped.');

  const promised = formatForFileName(relPath);
  if (promised !== null && promised !== format) {
    problems.push({
      file: relPath,
      kind: 'mislabelled-extension',
      message: `${relPath}: has extension ${path.extname(relPath)} but contains a ${format.toUpperCase()} image; it is kept.`,
    });
  }

  let width: number;
  let height: number;
  if (format === 'bmp') {
    try {
      const header = readBmpHeader(head);
      if (header.unsupportedReason !== null) return fail('unsupported-image', `${header.unsupportedReason}; skipped.`, format);
      const neededBytes = expectedBmpSizeBytes(header);
      if (sizeBytes < neededBytes) return fail('truncated-image', `is truncated: ${sizeBytes} bytes, its header describes ${neededBytes}; skipped.`, format);
      ({ width, height } = header);
    } catch (err) {
      return fail('corrupt-image', `is a corrupt BMP (${(err as Error).message}); skipped.`, format);
    }
  } else {
    try {
      const metadata = await sharp(absPath).metadata();
      ({ width, height } = metadata.autoOrient);
    } catch (err) {
      return fail('corrupt-image', `is a corrupt ${format.toUpperCase()} image (${firstLine(err)}); skipped.`, format);
    }
    const suspicion = truncationSuspicion(format, head, tail, sizeBytes);
    // The trailer check is cheap but can be fooled by trailing bytes after a valid image, so a full decode decides.
    if (suspicion !== null) {
      const decodeError = await sharp(absPath).raw().toBuffer().then(
        () => null,
        (err: unknown) => firstLine(err),
      );
      if (decodeError !== null) return fail('truncated-image', `is truncated (${suspicion}; decoding fails: ${decodeError}); skipped.`, format);
    }
  }
  return { image: { status: 'ok', format, width, height, error: null }, problems };
}

// Callback fs through promisify: about 3x faster than FileHandle for many small reads (measured on 10k PNGs).
const openFile = promisify(fs.open);
const statFile = promisify(fs.fstat);
const readFile = promisify(fs.read);
const closeFile = promisify(fs.close);

async function readHeadAndTail(absPath: string): Promise<{ head: Uint8Array; tail: Uint8Array; sizeBytes: number }> {
  const fd = await openFile(absPath, 'r');
  try {
    const { size } = await statFile(fd);
    const head = new Uint8Array(Math.min(size, HEAD_BYTES));
    await readFile(fd, head, 0, head.length, 0);
    const tail = new Uint8Array(Math.min(size, TAIL_BYTES));
    await readFile(fd, tail, 0, tail.length, size - tail.length);
    return { head, tail, sizeBytes: size };
  } finally {
    await closeFile(fd);
  }
}

/** Why the file looks cut short, from its last bytes; null when it ends the way its format ends. */
export function truncationSuspicion(format: ImageFormat, head: Uint8Array, tail: Uint8Array, sizeBytes: number): string | null {
  switch (format) {
    case 'png':
      return containsSequence(tail, PNG_END) ? null : 'no IEND chunk at the end';
    case 'jpeg':
      return containsSequence(tail, JPEG_END) ? null : 'no end-of-image marker at the end';
    case 'gif':
      return tail[tail.length - 1] === GIF_TRAILER ? null : 'no GIF trailer at the end';
    case 'webp': {
      const riffBytes = head.length >= 8 ? new DataView(head.buffer, head.byteOffset).getUint32(4, true) + 8 : 0;
      return riffBytes > sizeBytes ? `the RIFF header describes ${riffBytes} bytes, the file has ${sizeBytes}` : null;
    }
    case 'tiff':
    case 'bmp':
      return null;
  }
}

function containsSequence(bytes: Uint8Array, sequence: readonly number[]): boolean {
  outer: for (let start = bytes.length - sequence.length; start >= 0; start -= 1) {
    for (let i = 0; i < sequence.length; i += 1) if (bytes[start + i] !== sequence[i]) continue outer;
    return true;
  }
  return false;
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0]?.trim() ?? message;
}
