/**
 * A pool of decode processes (decode.child.ts). One Node process tops out at a few hundred images/s of sharp
 * decoding whatever its thread count; separate processes scale with cores, so the CLIP pipeline decodes here.
 *
 * Work goes in chunks (a few images each), each answered by one message holding all its pixels, or, on Linux, by a
 * short message saying which of the process's shared-memory pixel files holds them (pixel-files.ts). Processes start
 * lazily, only while queued chunks outnumber the free places, so a small job starts one process, not one per core.
 * A process holds at most CHUNKS_PER_PROCESS chunks (one decoding, one waiting), the rest wait here as paths only.
 * A process that dies fails its chunks' images with a reason naming each file and is replaced on demand;
 * processes that keep dying at start fail the queued chunks instead of respawning forever.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { failedPixelChecks, type PixelChecks } from '../health/pixel-checks.js';
import { closePixelFiles, openPixelFiles, readPixelFile } from './pixel-files.js';
import { withoutTsxFlags } from '../project/spawn-worker.js';
import type { DecodeChildFailure, DecodeChildReply, DecodeChildRequest, DecodedPixelFormat } from './decode-pool-protocol.js';

const CHILD_NAME = 'decode.child';
/** One chunk decoding and one queued behind it, so a process never waits for a round trip between chunks. */
const CHUNKS_PER_PROCESS = 2;
/** Processes in a row that die before they are ready before the pool gives up on starting them. */
const MAX_FAILED_STARTS = 3;
const STDERR_TAIL_CHARS = 2000;
const CLOSE_GRACE_MS = 2000;

export interface DecodedChunk {
  /** The chunk's images in input order at a stride of 224×224×3 elements; failed images are zero. */
  pixels: Uint8Array | Float32Array;
  /** Failed images (index into the chunk's paths), each reason naming its file. */
  failures: DecodeChildFailure[];
}

export interface DecodePoolOptions {
  /** Most processes at once; default defaultDecodeProcesses(). */
  maxProcesses?: number;
  /** Images each process decodes at once; default 2. */
  imagesInFlightPerProcess?: number;
  /** The child script; default the built decode.child.js beside this module, else the TypeScript source. */
  childUrl?: URL;
  /** Where pixel files are made (pixel-files.ts); null: pixels always travel over IPC. Default /dev/shm (Linux). */
  pixelFileDir?: string | null;
}

/** One process per core: decoding is the bottleneck of a GPU pipeline, and idle processes cost no CPU. */
export function defaultDecodeProcesses(cores: number = availableParallelism()): number {
  return Math.max(1, Math.min(cores, 32));
}

/** The built `decode.child.js` beside `baseUrl` (a bundle must emit it there), else the `.ts` source; null if neither. */
export function resolveDecodeChildUrl(baseUrl: string = import.meta.url): URL | null {
  for (const extension of ['.js', '.ts']) {
    const url = new URL(`./${CHILD_NAME}${extension}`, baseUrl);
    if (existsSync(fileURLToPath(url))) return url;
  }
  return null;
}

/**
 * Node flags for a child running `childUrl`: a `.ts` child loads tsx's loader (by absolute URL, so it resolves
 * from any working directory); inherited tsx flags are dropped so it registers once.
 */
export function decodeChildExecArgv(childUrl: URL, parentExecArgv: readonly string[] = process.execArgv): string[] {
  if (!childUrl.pathname.endsWith('.ts')) return [...parentExecArgv];
  return [...withoutTsxFlags(parentExecArgv), '--import', import.meta.resolve('tsx')];
}

/** The line of a dead process's stderr that says what went wrong: Node prints `Error: …` under the source excerpt. */
function errorLine(stderr: string): string {
  const lines = stderr.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('Node.js v'));
  return lines.find((line) => /^[A-Za-z]*(Error|Exception)\b/.test(line)) ?? lines.at(-1) ?? '';
}

/** What a chunk asks of its process: CLIP inputs, or the health stage's pixel checks. */
type Work = { type: 'decode'; format: DecodedPixelFormat } | { type: 'check'; displayPaths: string[] };
type Answer = DecodedChunk | PixelChecks;

interface Job {
  id: number;
  paths: string[];
  work: Work;
  resolve: (answer: Answer) => void;
  reject: (error: unknown) => void;
  settled: boolean;
  signal: AbortSignal | undefined;
}

interface Slot {
  process: ChildProcess;
  ready: boolean;
  /** Chunks sent and not answered yet, including cancelled ones (they still occupy the process). */
  jobs: Map<number, Job>;
  stderrTail: string;
  /** Its pixel files (pixel-files.ts), one per chunk it may hold, or null: pixels come over IPC. */
  pixelFiles: { fds: number[]; free: number[] } | null;
}

export class DecodePool {
  readonly maxProcesses: number;
  private readonly imagesInFlight: number;
  private readonly childUrl: URL;
  private readonly pixelFileDir: string | null | undefined;
  private readonly queue: Job[] = [];
  private readonly slots = new Set<Slot>();
  private nextId = 1;
  /** The unsettled jobs of each signal, and its one listener. */
  private readonly bySignal = new Map<AbortSignal, { jobs: Set<Job>; onAbort: () => void }>();
  private failedStarts = 0;
  private closed: Promise<void> | null = null;

  constructor(options: DecodePoolOptions = {}) {
    this.maxProcesses = Math.max(1, Math.floor(options.maxProcesses ?? defaultDecodeProcesses()));
    this.imagesInFlight = Math.max(1, Math.floor(options.imagesInFlightPerProcess ?? 2));
    const childUrl = options.childUrl ?? resolveDecodeChildUrl();
    if (!childUrl) throw new Error(`The decode process script (${CHILD_NAME}.js) is missing beside ${fileURLToPath(import.meta.url)}`);
    this.childUrl = childUrl;
    this.pixelFileDir = options.pixelFileDir;
  }

  /** Process ids of the live decode processes. */
  get processIds(): number[] {
    return [...this.slots].flatMap((slot) => (slot.process.pid === undefined ? [] : [slot.process.pid]));
  }

  /**
   * Decodes `paths` (a chunk: one process decodes it all) to `format`. Resolves even when images fail (listed in
   * `failures`); rejects only when `signal` aborts, the pool closes, or decode processes cannot start.
   */
  decode(paths: readonly string[], format: DecodedPixelFormat, signal?: AbortSignal): Promise<DecodedChunk> {
    return this.enqueue(paths, { type: 'decode', format }, signal) as Promise<DecodedChunk>;
  }

  /**
   * The health stage's pixel checks of `paths` (runPixelChecks, in one process): decoding a full-size image and
   * the statistics over its pixels take over 10 ms, too much for the engine thread alone. Images that fail are
   * reported in `problems`, named by `displayPaths`; rejects only as decode() does.
   */
  check(paths: readonly string[], displayPaths: readonly string[], signal?: AbortSignal): Promise<PixelChecks> {
    if (displayPaths.length !== paths.length) return Promise.reject(new RangeError(`${paths.length} paths but ${displayPaths.length} display paths`));
    return this.enqueue(paths, { type: 'check', displayPaths: [...displayPaths] }, signal) as Promise<PixelChecks>;
  }

  private enqueue(paths: readonly string[], work: Work, signal: AbortSignal | undefined): Promise<Answer> {
    if (this.closed) return Promise.reject(new Error('The decode pool is closed'));
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Answer>((resolve, reject) => {
      const job: Job = {
        id: this.nextId++,
        paths: [...paths],
        work,
        signal,
        settled: false,
        resolve: (answer) => this.settle(job, () => resolve(answer)),
        reject: (error) => this.settle(job, () => reject(error)),
      };
      if (signal) this.watch(signal, job);
      this.queue.push(job);
      this.dispatch();
    });
  }

  /** Fails queued and running chunks, ends every process and waits until they have exited. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      const error = new Error('The decode pool was closed');
      for (const job of this.queue.splice(0)) job.reject(error);
      const exits = [...this.slots].map((slot) => this.endProcess(slot, error));
      await Promise.all(exits);
    })();
    return this.closed;
  }

  private settle(job: Job, finish: () => void): void {
    if (job.settled) return;
    job.settled = true;
    if (job.signal) this.unwatch(job.signal, job);
    finish();
  }

  /**
   * One 'abort' listener per signal, however many chunks it covers: a job's chunks share its signal, and Node warns
   * of a leak past 10 listeners (an analysis queues a few hundred chunks of pixel checks).
   */
  private watch(signal: AbortSignal, job: Job): void {
    let watched = this.bySignal.get(signal);
    if (!watched) {
      const jobs = new Set<Job>();
      const onAbort = (): void => {
        for (const each of [...jobs]) this.abort(each);
      };
      watched = { jobs, onAbort };
      this.bySignal.set(signal, watched);
      signal.addEventListener('abort', onAbort, { once: true });
    }
    watched.jobs.add(job);
  }

  private unwatch(signal: AbortSignal, job: Job): void {
    const watched = this.bySignal.get(signal);
    if (!watched?.jobs.delete(job) || watched.jobs.size > 0) return;
    this.bySignal.delete(signal);
    signal.removeEventListener('abort', watched.onAbort);
  }

  private abort(job: Job): void {
    const queued = this.queue.indexOf(job);
    if (queued >= 0) this.queue.splice(queued, 1);
    for (const slot of this.slots) {
      if (slot.jobs.has(job.id)) this.send(slot, { type: 'cancel', id: job.id });
    }
    job.reject(job.signal?.reason);
  }

  private dispatch(): void {
    if (this.closed) return;
    for (const slot of this.slots) {
      while (slot.ready && slot.jobs.size < CHUNKS_PER_PROCESS && this.queue.length > 0) {
        const job = this.queue.shift() as Job;
        slot.jobs.set(job.id, job);
        this.send(slot, job.work.type === 'decode' ? { type: 'decode', id: job.id, paths: job.paths, format: job.work.format, slot: slot.pixelFiles?.free.pop() } : { type: 'check', id: job.id, paths: job.paths, displayPaths: job.work.displayPaths });
      }
      this.updateRef(slot);
    }
    // Start a process only for work no starting process will take: few images, few processes.
    const startingPlaces = [...this.slots].filter((slot) => !slot.ready).length * CHUNKS_PER_PROCESS;
    let unplaced = this.queue.length - startingPlaces;
    while (unplaced > 0 && this.slots.size < this.maxProcesses) {
      this.start();
      unplaced -= CHUNKS_PER_PROCESS;
    }
  }

  private start(): void {
    const pixelFds = this.pixelFileDir === null ? null : openPixelFiles(CHUNKS_PER_PROCESS, this.pixelFileDir);
    const child = fork(fileURLToPath(this.childUrl), [], {
      execArgv: decodeChildExecArgv(this.childUrl),
      serialization: 'advanced',
      // The pixel files follow the IPC channel, at FIRST_PIXEL_FILE_FD.
      stdio: ['ignore', 'inherit', 'pipe', 'ipc', ...(pixelFds ?? [])],
      // Under Electron, process.execPath is the app: run the child as plain Node.
      env: { ...process.env, DATASET_HEALTH_DECODE_IN_FLIGHT: String(this.imagesInFlight), ...(process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {}) },
    });
    const slot: Slot = { process: child, ready: false, jobs: new Map(), stderrTail: '', pixelFiles: pixelFds ? { fds: pixelFds, free: pixelFds.map((_, i) => i) } : null };
    this.slots.add(slot);
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      slot.stderrTail = (slot.stderrTail + text).slice(-STDERR_TAIL_CHARS);
    });
    // The pipe would keep the parent alive on its own; the process and its channel are ref'd while they work.
    (child.stderr as (NodeJS.ReadableStream & { unref?: () => void }) | null)?.unref?.();
    child.on('message', (reply: DecodeChildReply) => this.onReply(slot, reply));
    let gone = false;
    const onGone = (why: string): void => {
      if (gone) return;
      gone = true;
      this.onProcessGone(slot, why);
    };
    child.on('exit', (code, signal) => onGone(signal ? `signal ${signal}` : `code ${code}`));
    child.on('error', (error) => onGone(error.message));
  }

  private onReply(slot: Slot, reply: DecodeChildReply): void {
    if (reply.type === 'ready') {
      slot.ready = true;
      this.failedStarts = 0;
    } else {
      const job = slot.jobs.get(reply.id);
      slot.jobs.delete(reply.id);
      // A cancelled chunk's pixels are not read: nobody waits for them.
      if (job && !job.settled) job.resolve(reply.type === 'checked' ? reply.checks : reply.type === 'decoded' ? { pixels: reply.pixels, failures: reply.failures } : this.fromPixelFile(slot, job, reply));
      if (reply.type === 'decoded-to-file') slot.pixelFiles?.free.push(reply.slot);
    }
    this.dispatch();
  }

  /** A chunk's pixels from the pixel file its process wrote them to; a file that cannot be read fails the chunk's images. */
  private fromPixelFile(slot: Slot, job: Job, reply: Extract<DecodeChildReply, { type: 'decoded-to-file' }>): DecodedChunk {
    const fd = slot.pixelFiles?.fds[reply.slot];
    try {
      if (fd === undefined) throw new Error(`no pixel file ${reply.slot}`);
      if (job.work.type !== 'decode') throw new Error('pixels came back for a pixel-check chunk');
      return { pixels: readPixelFile(fd, job.work.format, reply.byteLength), failures: reply.failures };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { pixels: new Uint8Array(0), failures: job.paths.map((path, index) => ({ index, reason: `Cannot decode image ${path}: ${reason}` })) };
    }
  }

  private onProcessGone(slot: Slot, why: string): void {
    this.slots.delete(slot);
    if (slot.pixelFiles) closePixelFiles(slot.pixelFiles.fds);
    const stderr = errorLine(slot.stderrTail);
    const detail = `the decode process exited (${why})${stderr ? `: ${stderr}` : ''}`;
    for (const job of slot.jobs.values()) {
      if (this.closed) {
        job.reject(new Error('The decode pool was closed'));
        continue;
      }
      if (job.work.type === 'check') {
        job.resolve(failedPixelChecks(job.work.displayPaths, `${detail} while checking its chunk`));
        continue;
      }
      const failures = job.paths.map((path, index) => ({ index, reason: `Cannot decode image ${path}: ${detail} while decoding its chunk` }));
      job.resolve({ pixels: new Uint8Array(0), failures });
    }
    slot.jobs.clear();
    if (this.closed) return;
    if (!slot.ready && ++this.failedStarts >= MAX_FAILED_STARTS) {
      const error = new Error(`Decode processes fail to start (${fileURLToPath(this.childUrl)}): ${detail}`);
      for (const job of this.queue.splice(0)) job.reject(error);
      this.failedStarts = 0;
      return;
    }
    this.dispatch();
  }

  private send(slot: Slot, request: DecodeChildRequest): void {
    if (!slot.process.connected) return; // it is exiting; its exit handler fails its chunks
    slot.process.send(request);
  }

  /** A process without work must not keep the parent alive (an unclosed pool at exit); one with work must. */
  private updateRef(slot: Slot): void {
    const busy = slot.jobs.size > 0 || !slot.ready;
    const channel = slot.process.channel as { ref(): void; unref(): void } | null | undefined;
    if (busy) {
      slot.process.ref();
      channel?.ref();
    } else {
      slot.process.unref();
      channel?.unref();
    }
  }

  private async endProcess(slot: Slot, error: Error): Promise<void> {
    const child = slot.process;
    for (const job of slot.jobs.values()) job.reject(error);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.ref();
    if (child.connected) child.disconnect(); // the child exits on 'disconnect'
    const timer = setTimeout(() => child.kill('SIGKILL'), CLOSE_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }
}
