/**
 * Wiring only: a decode process of DecodePool. Decodes the chunks it is sent (decode-chunk.ts) and sends each back
 * as one typed array (through a pixel file where the parent gave it one: pixel-files.ts), or runs the health
 * stage's pixel checks on them (health/pixel-checks.ts). It runs as a separate process because one Node process
 * tops out at a few hundred images/s of sharp decoding however many threads it uses, while processes scale with
 * cores.
 */
import sharp from 'sharp';
import type { DecodeChildReply, DecodeChildRequest } from './decode-pool-protocol.js';
import { decodeChunk } from './decode-chunk.js';
import { FIRST_PIXEL_FILE_FD, writePixelFile } from './pixel-files.js';
import { failedPixelChecks, runPixelChecks } from '../health/pixel-checks.js';

const send = process.send?.bind(process);
if (!send) throw new Error('decode.child must be started with an IPC channel (child_process.fork)');

const imagesInFlight = Math.max(1, Number(process.env.DATASET_HEALTH_DECODE_IN_FLIGHT) || 2);
// One libvips thread per image: the parallelism comes from the processes; more threads only contend for cores.
sharp.concurrency(1);
// Every image is new: libvips' operation cache would only hold memory.
sharp.cache(false);

const cancelled = new Set<number>();
let pixelFilesWritable = true;
/** Pixel checks running, by chunk: a cancel aborts them. */
const checking = new Map<number, AbortController>();
// Chunks run one after another, so at most `imagesInFlight` images are decoding; the parent sends the next chunk
// before this one ends, so the process does not idle between them.
let queue: Promise<void> = Promise.resolve();
let queued = 0;
process.on('message', (request: DecodeChildRequest) => {
  if (request.type === 'cancel') {
    cancelled.add(request.id);
    checking.get(request.id)?.abort();
    return;
  }
  queued++;
  queue = queue.then(async () => {
    const reply = request.type === 'decode' ? await decoded(request) : await checked(request);
    // A cancel can cross the reply of a finished chunk: forget them all whenever nothing is queued.
    if (--queued === 0) cancelled.clear();
    send(reply);
  });
});

async function decoded({ id, paths, format, slot }: Extract<DecodeChildRequest, { type: 'decode' }>): Promise<DecodeChildReply> {
  const { pixels, failures } = await decodeChunk(paths, format, imagesInFlight, () => cancelled.has(id));
  if (slot !== undefined && pixelFilesWritable) {
    if (writePixelFile(FIRST_PIXEL_FILE_FD + slot, pixels)) return { type: 'decoded-to-file', id, slot, byteLength: pixels.byteLength, failures };
    pixelFilesWritable = false; // /dev/shm is full (a container's is often 64 MB): IPC from now on, not a failed write a chunk
  }
  return { type: 'decoded', id, pixels, failures };
}

async function checked({ id, paths, displayPaths }: Extract<DecodeChildRequest, { type: 'check' }>): Promise<DecodeChildReply> {
  // A cancel stops the images not started; the parent has already let go of the chunk, so they stay unchecked.
  const stop = new AbortController();
  if (cancelled.has(id)) stop.abort();
  checking.set(id, stop);
  try {
    return { type: 'checked', id, checks: await runPixelChecks(paths, displayPaths, { concurrency: imagesInFlight, signal: stop.signal }) };
  } catch (error) {
    return { type: 'checked', id, checks: failedPixelChecks(displayPaths, stop.signal.aborted ? 'cancelled' : error instanceof Error ? error.message : String(error)) };
  } finally {
    checking.delete(id);
  }
}
// The parent went away (closed the pool, or died): nothing is left to decode for.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' } satisfies DecodeChildReply);
