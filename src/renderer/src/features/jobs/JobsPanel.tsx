import type { JobStatus } from '../../../../shared/model/dataset';
import { progressFraction } from './jobs-state';
import './jobs.css';

const KIND_TITLES: Record<JobStatus['kind'], string> = {
  scan: 'Scan',
  embed: 'Embed',
  project: 'Layout',
  analyze: 'Analyze',
  download: 'Download',
};

const STATE_TITLES: Record<JobStatus['state'], string> = {
  running: 'Running',
  done: 'Done',
  cancelled: 'Cancelled',
  failed: 'Failed',
};

export function ProgressBar({ fraction }: { fraction: number | null }) {
  return (
    <div
      className={`progress${fraction === null ? ' indeterminate' : ''}`}
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={fraction === null ? undefined : Math.round(fraction * 100)}
    >
      <div className="progress-fill" style={fraction === null ? undefined : { width: `${fraction * 100}%` }} />
    </div>
  );
}

function JobRow({ job, onCancel, onResume }: { job: JobStatus; onCancel(): void; onResume: (() => void) | null }) {
  const fraction = progressFraction(job);
  return (
    <li className={`job job-${job.state}`} data-testid="job" data-state={job.state}>
      <div className="job-head">
        <span className="job-kind">{KIND_TITLES[job.kind]}</span>
        <span className={`job-state state-${job.state}`}>{STATE_TITLES[job.state]}</span>
      </div>
      {job.state === 'running' && (
        <>
          <div className="job-stage">
            <span>{job.stage}</span>
            {job.total > 0 && (
              <span className="job-count">
                {job.done.toLocaleString()} / {job.total.toLocaleString()}
              </span>
            )}
          </div>
          <ProgressBar fraction={fraction} />
        </>
      )}
      {job.message && <div className="job-message">{job.message}</div>}
      {job.state === 'failed' && <div className="job-error">{job.error ?? 'The job failed without a reason.'}</div>}
      <div className="job-actions">
        {job.state === 'running' && (
          <button type="button" className="danger" data-testid="job-cancel" onClick={onCancel}>
            Cancel
          </button>
        )}
        {onResume && (job.state === 'cancelled' || job.state === 'failed') && (
          <button type="button" onClick={onResume}>
            {job.state === 'cancelled' ? 'Resume' : 'Retry'}
          </button>
        )}
      </div>
    </li>
  );
}

/** Jobs of the open dataset, running first; the newest finished analysis offers to resume or retry. */
export function JobsPanel({ jobs, onCancel, onAnalyze }: { jobs: JobStatus[]; onCancel(jobId: string): void; onAnalyze: (() => void) | null }) {
  if (jobs.length === 0) return <p className="muted jobs-empty">No jobs yet.</p>;
  const resumable = jobs.some((j) => j.state === 'running') ? null : jobs.find((j) => j.kind === 'analyze');
  return (
    <ul className="jobs" data-testid="jobs-panel">
      {jobs.map((job) => (
        <JobRow key={job.jobId} job={job} onCancel={() => onCancel(job.jobId)} onResume={job === resumable ? onAnalyze : null} />
      ))}
    </ul>
  );
}
