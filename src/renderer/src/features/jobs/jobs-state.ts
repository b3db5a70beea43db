import type { JobStatus } from '../../../../shared/model/dataset';

/** Jobs by id, in the order first seen. Updates arrive as whole statuses, so the latest one wins. */
export type JobsById = ReadonlyMap<string, JobStatus>;

export function upsertJob(jobs: JobsById, status: JobStatus): JobsById {
  const previous = jobs.get(status.jobId);
  // A late 'running' update must not resurrect a job the engine already reported finished.
  if (previous && previous.state !== 'running' && status.state === 'running') return jobs;
  const next = new Map(jobs);
  next.set(status.jobId, status);
  return next;
}

export function mergeJobList(jobs: JobsById, list: readonly JobStatus[]): JobsById {
  return list.reduce(upsertJob, jobs);
}

export function isRunning(status: JobStatus): boolean {
  return status.state === 'running';
}

/** The running job of `kind` for a dataset, if any (the newest when several). */
export function runningJobFor(jobs: JobsById, datasetId: string, kind: JobStatus['kind']): JobStatus | null {
  let found: JobStatus | null = null;
  for (const job of jobs.values()) if (job.datasetId === datasetId && job.kind === kind && isRunning(job)) found = job;
  return found;
}

/** Fraction done in [0, 1], or null when the total is unknown (indeterminate progress). */
export function progressFraction(status: JobStatus): number | null {
  if (status.state === 'done') return 1;
  if (!(status.total > 0)) return null;
  return Math.min(1, Math.max(0, status.done / status.total));
}

/** Newest first, running jobs before finished ones: what the panel lists. */
export function jobsForDisplay(jobs: JobsById, datasetId: string | null): JobStatus[] {
  const list = [...jobs.values()].filter((j) => datasetId === null || j.datasetId === datasetId).reverse();
  return list.sort((a, b) => Number(isRunning(b)) - Number(isRunning(a)));
}
