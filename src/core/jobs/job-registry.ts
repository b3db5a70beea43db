import { randomUUID } from 'node:crypto';
import { ApiError } from '../../shared/api/errors.js';
import type { JobKind, JobStatus } from '../../shared/model/dataset.js';

/** What a running job's code sees: its cancel signal and the means to report progress. */
export interface JobContext {
  readonly signal: AbortSignal;
  /** Starts a named stage. With `timingKey`, wall time from here to the next keyed stage (or the job's end) is recorded under it. */
  stage(label: string, total: number, timingKey?: string): void;
  progress(done: number, total?: number): void;
}

const PROGRESS_INTERVAL_MS = 100;
const FINISHED_JOBS_KEPT = 50;

/**
 * Runs long work as jobs: each has an id, a cancel signal, throttled progress events, and stage timings.
 * A job's failure is reported once, in its final status; it never escapes as an unhandled rejection.
 */
export class JobRegistry {
  private readonly jobs = new Map<string, { status: JobStatus; controller: AbortController; finished: Promise<JobStatus> }>();

  constructor(private readonly emit: (status: JobStatus) => void) {}

  start(datasetId: string, kind: JobKind, run: (ctx: JobContext) => Promise<void>): { status: JobStatus; finished: Promise<JobStatus> } {
    const controller = new AbortController();
    const status: JobStatus = { jobId: randomUUID(), datasetId, kind, state: 'running', stage: 'Starting', done: 0, total: 0, timingsMs: {} };
    let lastEmitMs = 0;
    let timing: { key: string; startMs: number } | null = null;
    const closeTiming = (): void => {
      if (timing && status.timingsMs) status.timingsMs[timing.key] = Math.round(performance.now() - timing.startMs);
      timing = null;
    };
    const publish = (force: boolean): void => {
      const now = performance.now();
      if (!force && now - lastEmitMs < PROGRESS_INTERVAL_MS) return;
      lastEmitMs = now;
      this.emit({ ...status, timingsMs: { ...status.timingsMs } });
    };
    const ctx: JobContext = {
      signal: controller.signal,
      stage(label, total, timingKey) {
        if (timingKey) {
          closeTiming();
          timing = { key: timingKey, startMs: performance.now() };
        }
        status.stage = label;
        status.done = 0;
        status.total = total;
        publish(true);
      },
      progress(done, total) {
        status.done = done;
        if (total !== undefined) status.total = total;
        publish(false);
      },
    };

    const finished = (async (): Promise<JobStatus> => {
      // A macrotask, not a microtask: every host sends the start call's reply before the job's first event,
      // so a client that subscribes when the reply arrives misses nothing.
      await new Promise<void>((resolve) => setImmediate(resolve));
      try {
        await run(ctx);
        status.state = 'done';
      } catch (err) {
        if (controller.signal.aborted) {
          status.state = 'cancelled';
        } else {
          status.state = 'failed';
          status.error = err instanceof Error ? err.message : String(err);
        }
      }
      closeTiming();
      publish(true);
      this.forgetOldJobs();
      return { ...status };
    })();
    this.jobs.set(status.jobId, { status, controller, finished });
    return { status: { ...status }, finished };
  }

  cancel(jobId: string): JobStatus {
    const job = this.jobs.get(jobId);
    if (!job) throw new ApiError('unknown-job', `No job with id ${jobId}`);
    if (job.status.state === 'running') job.controller.abort(new ApiError('cancelled', 'Cancelled by the user'));
    return { ...job.status };
  }

  /** The running job of this kind for the dataset, if any. */
  running(datasetId: string, kind: JobKind): { status: JobStatus; finished: Promise<JobStatus> } | null {
    for (const job of this.jobs.values()) {
      if (job.status.datasetId === datasetId && job.status.kind === kind && job.status.state === 'running') {
        return { status: { ...job.status }, finished: job.finished };
      }
    }
    return null;
  }

  list(datasetId?: string): JobStatus[] {
    return [...this.jobs.values()].filter((j) => datasetId === undefined || j.status.datasetId === datasetId).map((j) => ({ ...j.status }));
  }

  async cancelAll(): Promise<void> {
    const running = [...this.jobs.values()].filter((j) => j.status.state === 'running');
    for (const job of running) job.controller.abort(new ApiError('cancelled', 'The engine is closing'));
    await Promise.all(running.map((j) => j.finished));
  }

  private forgetOldJobs(): void {
    const finished = [...this.jobs.entries()].filter(([, j]) => j.status.state !== 'running');
    for (const [id] of finished.slice(0, Math.max(0, finished.length - FINISHED_JOBS_KEPT))) this.jobs.delete(id);
  }
}
