/**
 * Shared-memory files through which decode processes hand their pixels to DecodePool. A chunk's pixels over the IPC
 * channel cost both sides: V8 serialises 1.2 MB into a new buffer, the socket carries it 64 KB a read, each read a
 * callback in the engine, which then copies it twice more (concatenating, deserialising). Written to a tmpfs file
 * with one call and read back with one: `npm run bench:embed` on 2,000 JPEGs, 2 cores, decoded 876–884 images/s
 * through IPC against 973–1,010 through files (runs alternated), since the decode processes fill the cores and
 * every millisecond the engine spends receiving is taken from them.
 *
 * Linux only, where /dev/shm is memory: elsewhere a file may reach the disk, and the pixels keep travelling over
 * IPC. Each file is unlinked as soon as it is open, so nothing is left behind whatever way the processes end; it
 * lives while a descriptor to it does, and holds at most its largest chunk.
 */
import { closeSync, ftruncateSync, openSync, readSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { DecodedPixelFormat } from './decode-pool-protocol.js';

/** A decode process finds its pixel files at these descriptors, after stdin, stdout, stderr and the IPC channel. */
export const FIRST_PIXEL_FILE_FD = 4;

const SHARED_MEMORY_DIR = '/dev/shm';
let sequence = 0;

/**
 * `count` unlinked read-write files in shared memory, as descriptors, or null where there is none (not Linux, no
 * /dev/shm, or it cannot be written): the caller then passes pixels over IPC.
 */
export function openPixelFiles(count: number, dir: string = SHARED_MEMORY_DIR): number[] | null {
  if (process.platform !== 'linux') return null;
  const fds: number[] = [];
  try {
    if (!statSync(dir).isDirectory()) return null;
    for (let i = 0; i < count; i++) {
      const path = join(dir, `dataset-health-pixels-${process.pid}-${++sequence}`);
      fds.push(openSync(path, 'wx+', 0o600));
      unlinkSync(path);
    }
    return fds;
  } catch {
    closePixelFiles(fds);
    return null;
  }
}

export function closePixelFiles(fds: readonly number[]): void {
  for (const fd of fds) {
    try {
      closeSync(fd);
    } catch {
      // Already closed: nothing holds the file.
    }
  }
}

/**
 * Writes `pixels` from the start of the pixel file `fd` (in a decode process, FIRST_PIXEL_FILE_FD + its slot). False
 * when it cannot (/dev/shm full, or no such file): the caller then sends the pixels over IPC instead.
 */
export function writePixelFile(fd: number, pixels: Uint8Array | Float32Array): boolean {
  try {
    const bytes = new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength);
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written, written);
    return true;
  } catch {
    try {
      ftruncateSync(fd, 0); // what a partial write took from a full /dev/shm goes back to the other processes
    } catch {
      // Not a file we can shrink: it holds nothing then.
    }
    return false;
  }
}

/** Reads the `byteLength` bytes a decode process wrote to the pixel file `fd`, as `format`'s array type. */
export function readPixelFile(fd: number, format: DecodedPixelFormat, byteLength: number): Uint8Array | Float32Array {
  const elementBytes = format === 'rgb-u8' ? 1 : 4;
  if (byteLength % elementBytes !== 0) throw new Error(`a pixel file of ${byteLength} bytes is not ${format}`);
  // Not zeroed first: every byte is read over, or the chunk fails.
  const buffer = Buffer.allocUnsafeSlow(byteLength).buffer;
  const bytes = new Uint8Array(buffer, 0, byteLength);
  let read = 0;
  while (read < byteLength) {
    const got = readSync(fd, bytes, read, byteLength - read, read);
    if (got === 0) throw new Error(`the pixel file ends at ${read} of ${byteLength} bytes`);
    read += got;
  }
  return format === 'rgb-u8' ? bytes : new Float32Array(buffer, 0, byteLength / elementBytes);
}
