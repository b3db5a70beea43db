import type { ApiClient } from '../shared/api/client.js';
import type { JobStatus } from '../shared/model/dataset.js';

/** Resolves with the job's final status; reports progress lines while it runs. */
export function waitForJob(client: ApiClient, first: JobStatus, onProgress: (s: JobStatus) => void): Promise<JobStatus> {
  if (first.state !== 'running') return Promise.resolve(first);
  return new Promise((resolve) => {
    const off = client.on('job.progress', (status) => {
      if (status.jobId !== first.jobId) return;
      onProgress(status);
      if (status.state !== 'running') {
        off();
        resolve(status);
      }
    });
  });
}

/** A progress printer that redraws one line on a terminal and prints a line per stage otherwise. */
export function progressPrinter(stream: NodeJS.WriteStream): (s: JobStatus) => void {
  let lastStage = '';
  let lastDrawMs = 0;
  return (s) => {
    const pct = s.total > 0 ? Math.floor((100 * s.done) / s.total) : 0;
    const line = `${s.stage}: ${s.done}/${s.total} (${pct}%)`;
    if (stream.isTTY) {
      const now = Date.now();
      if (now - lastDrawMs < 100 && s.state === 'running') return;
      lastDrawMs = now;
      stream.write(`\r\x1b[2K${line}`);
      if (s.state !== 'running') stream.write('\n');
    } else if (s.stage !== lastStage || s.state !== 'running') {
      stream.write(`${s.stage}${s.state !== 'running' ? ` ${s.state}` : ''}\n`);
    }
    lastStage = s.stage;
  };
}
