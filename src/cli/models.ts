/** `dataset-health models list | download ID | import PATH | remove ID`: the model cache from the command line. */
import { resolve } from 'node:path';
import type { JobStatus } from '../shared/model/dataset.js';
import { formatBytes, type ModelListEntry, type ModelPrecision } from '../shared/model/models.js';
import { CliUsageError, parseCommandArgs, printHelp } from './args.js';
import { dataDirOption, withEngineClient } from './engine-client.js';
import { waitForJob } from './wait-for-job.js';

const HELP = `Usage: dataset-health models <list | download ID | import PATH | remove ID> [options]

  list                 the catalogue (what is installed, sizes) and imported models; --json for JSON
  download ID          download a catalogue model (e.g. clip-vit-b32) into the model cache; resumes a stopped one
    --precision P      fp32 (default; runs everywhere) or fp16 (half the size; for GPU providers)
  import PATH          validate and copy a model folder (Hugging Face layout) or an .onnx file, for offline machines
  remove ID            delete a downloaded or imported model
  --data-dir DIR       where project stores and models live (default: the user data directory)

Downloads come from https://huggingface.co, or from HF_ENDPOINT when it is set (e.g. a mirror).`;

/** Whether text search and zero-shot work with it; a catalogue model not yet downloaded is not "without" them. */
function textState(m: ModelListEntry): string {
  if (m.textAvailable) return 'text features installed';
  return m.installed.length === 0 && 'repo' in m.source ? 'text features once downloaded' : 'no text tower';
}

function describeModel(m: ModelListEntry): string[] {
  const sizes = m.available.map((p) => `${p} ${formatBytes(m.bytesByPrecision[p] ?? 0)}${m.installed.includes(p) ? ' (installed)' : ''}`).join(', ');
  const origin = 'repo' in m.source ? `${m.source.repo}@${m.source.revision.slice(0, 12)}` : `imported from ${m.source.importedFrom}`;
  return [`${m.id.padEnd(20)} ${m.name}`, `${''.padEnd(20)} ${sizes}; ${textState(m)}; ${origin}`, ...m.notes.map((n) => `${''.padEnd(20)} note: ${n}`)];
}

/** One line redrawn on a terminal; a line every 10% otherwise (logs stay short). */
function bytesProgress(stream: NodeJS.WriteStream): (s: JobStatus) => void {
  let lastTenth = -1;
  return (s) => {
    const pct = s.total > 0 ? Math.floor((100 * s.done) / s.total) : 0;
    const line = `${s.stage}: ${formatBytes(s.done)} of ${formatBytes(s.total)} (${pct}%)`;
    if (stream.isTTY) {
      stream.write(`\r\x1b[2K${line}${s.state !== 'running' ? '\n' : ''}`);
    } else if (Math.floor(pct / 10) !== lastTenth || s.state !== 'running') {
      lastTenth = Math.floor(pct / 10);
      stream.write(`${line}\n`);
    }
  };
}

export async function modelsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { precision: { type: 'string' }, json: { type: 'boolean' }, 'data-dir': { type: 'string' } });
  const [action, target, ...extra] = positionals;
  if (values.help || action === undefined) {
    printHelp(HELP);
    return values.help ? 0 : 1;
  }
  if (extra.length > 0) throw new CliUsageError(`models ${action} takes one argument, got ${positionals.length - 1}`);
  const needsTarget = action === 'download' || action === 'import' || action === 'remove';
  if (needsTarget && target === undefined) throw new CliUsageError(`models ${action} needs ${action === 'import' ? 'a PATH' : 'a model ID'}`);
  if (!needsTarget && action !== 'list') throw new CliUsageError(`unknown models action '${action}'; use list, download, import or remove`);
  const precision = values.precision ?? 'fp32';
  if (precision !== 'fp32' && precision !== 'fp16') throw new CliUsageError(`--precision must be fp32 or fp16, got '${precision}'`);

  return withEngineClient({ dataDir: dataDirOption(values) }, async (client) => {
    if (action === 'list') {
      const list = await client.call('models.list', {});
      if (values.json) {
        process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
      } else {
        const lines = [`Model cache: ${list.cacheDir}`, '', ...list.models.flatMap(describeModel), '', `Analysis uses: ${list.defaultModel} (unless --model says otherwise)`];
        process.stdout.write(`${lines.join('\n')}\n`);
      }
      return 0;
    }
    const id = target as string;
    if (action === 'download') {
      const started = await client.call('models.download', { id, precision: precision as ModelPrecision });
      // Ctrl-C cancels the job, which keeps the partial file: running the command again resumes it.
      const onInterrupt = (): void => void client.call('job.cancel', { jobId: started.jobId });
      process.once('SIGINT', onInterrupt);
      const final = await waitForJob(client, started, bytesProgress(process.stderr)).finally(() => process.off('SIGINT', onInterrupt));
      if (final.state === 'done') {
        process.stdout.write(`Installed ${id} (${precision}).\n`);
        return 0;
      }
      process.stderr.write(final.state === 'cancelled' ? `Download cancelled; run the command again to resume.\n` : `dataset-health: ${final.error ?? 'the download failed'}\n`);
      return 1;
    }
    if (action === 'import') {
      const result = await client.call('models.import', { path: resolve(target as string) });
      for (const warning of result.warnings) process.stderr.write(`warning: ${warning}\n`);
      process.stdout.write(`${result.added ? 'Imported' : 'Already imported'} as ${result.model.id} (${result.model.dir}). Use it with --model ${result.model.id}.\n`);
      return 0;
    }
    const { removed } = await client.call('models.remove', { id });
    process.stdout.write(removed ? `Removed ${id}.\n` : `No model ${id} in the cache.\n`);
    return removed ? 0 : 1;
  });
}
