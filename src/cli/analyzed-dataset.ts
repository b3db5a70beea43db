/** For commands that need a dataset's embeddings: opens it and runs the analysis when it has none yet. */
import { resolve } from 'node:path';
import type { ApiClient } from '../shared/api/client.js';
import type { DatasetSummary } from '../shared/model/dataset.js';
import { progressPrinter, waitForJob } from './wait-for-job.js';

/**
 * Opens `dir`; analyzes it (embedding with `model`, default as in `analyze`) when it has no layout yet or when a
 * model is named. Progress goes to stderr, so stdout stays the command's own output.
 */
export async function openAnalyzed(client: ApiClient, dir: string, model: string | undefined): Promise<DatasetSummary> {
  const opened = await client.call('dataset.open', { root: resolve(dir) });
  if (opened.layout !== null && model === undefined) return opened;
  const started = await client.call('job.analyze', { datasetId: opened.id, ...(model !== undefined ? { model } : {}) });
  const job = await waitForJob(client, started, progressPrinter(process.stderr));
  if (job.state !== 'done') throw new Error(`analysis ${job.state}${job.error ? `: ${job.error}` : ''}`);
  return client.call('dataset.summary', { datasetId: opened.id });
}
