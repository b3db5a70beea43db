import { describe, expect, it } from 'vitest';
import type { JobStatus } from '../../../../shared/model/dataset';
import { jobsForDisplay, mergeJobList, progressFraction, runningJobFor, upsertJob } from './jobs-state';

const job = (over: Partial<JobStatus>): JobStatus => ({
  jobId: 'j1',
  datasetId: 'd1',
  kind: 'analyze',
  state: 'running',
  stage: 'Embedding images',
  done: 0,
  total: 10,
  ...over,
});

describe('jobs state', () => {
  it('keeps the latest status of each job', () => {
    let jobs = upsertJob(new Map(), job({ done: 1 }));
    jobs = upsertJob(jobs, job({ done: 5 }));
    expect(jobs.size).toBe(1);
    expect(jobs.get('j1')?.done).toBe(5);
  });

  it('ignores a late running update after the job finished', () => {
    let jobs = upsertJob(new Map(), job({ state: 'cancelled' }));
    jobs = upsertJob(jobs, job({ state: 'running', done: 7 }));
    expect(jobs.get('j1')?.state).toBe('cancelled');
  });

  it('finds the running job of a kind for a dataset', () => {
    const jobs = mergeJobList(new Map(), [
      job({ jobId: 'a', state: 'done' }),
      job({ jobId: 'b' }),
      job({ jobId: 'c', datasetId: 'other' }),
    ]);
    expect(runningJobFor(jobs, 'd1', 'analyze')?.jobId).toBe('b');
    expect(runningJobFor(jobs, 'd1', 'embed')).toBeNull();
  });

  it('lists running jobs first, newest first', () => {
    const jobs = mergeJobList(new Map(), [
      job({ jobId: 'old', state: 'failed', error: 'boom' }),
      job({ jobId: 'run' }),
      job({ jobId: 'new', state: 'done' }),
      job({ jobId: 'elsewhere', datasetId: 'd2' }),
    ]);
    expect(jobsForDisplay(jobs, 'd1').map((j) => j.jobId)).toEqual(['run', 'new', 'old']);
  });

  it('reports progress as a fraction, or null when the total is unknown', () => {
    expect(progressFraction(job({ done: 3, total: 12 }))).toBe(0.25);
    expect(progressFraction(job({ done: 3, total: 0 }))).toBeNull();
    expect(progressFraction(job({ state: 'done', done: 0, total: 0 }))).toBe(1);
  });
});
