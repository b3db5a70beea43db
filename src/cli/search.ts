import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { createClient } from '../shared/api/client.js';
import { createInProcessTransport } from '../shared/api/in-process-transport.js';
import { createEngine } from '../core/engine.js';
import { openAnalyzed } from './analyzed-dataset.js';
import { CliUsageError, parseIntOption, withUsageErrors } from './args.js';

const HELP = `Usage: dataset-health search DIR --text "..." [--top K] [--model ID|PATH] [--data-dir DIR]

  Prints the K images (default 20) whose CLIP embedding is nearest the text, one per line: rank, path (relative
  to DIR) and cosine similarity, tab-separated. Needs a CLIP model with a text tower; analyzes DIR first when it
  has not been (with --model, or the analyze default).`;

export async function searchCommand(argv: string[]): Promise<number> {
  const { values, positionals } = withUsageErrors(() =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        text: { type: 'string' },
        top: { type: 'string' },
        model: { type: 'string' },
        'data-dir': { type: 'string' },
      },
    }),
  );
  if (values.help) {
    process.stdout.write(HELP + '\n');
    return 0;
  }
  const [dir] = positionals;
  if (!dir || positionals.length > 1) throw new CliUsageError('search takes exactly one dataset folder');
  if (values.text === undefined || values.text.trim() === '') throw new CliUsageError('search needs --text "what to look for"');
  const topK = parseIntOption('top', values.top) ?? 20;
  if (topK < 1) throw new CliUsageError(`--top must be at least 1, got ${topK}`);

  const engine = await createEngine({ dataDir: values['data-dir'] ? resolve(values['data-dir']) : undefined });
  const client = createClient(createInProcessTransport(engine));
  try {
    const summary = await openAnalyzed(client, dir, values.model);
    const hits = await client.call('search.text', { datasetId: summary.id, text: values.text, topK });
    const lines: string[] = [];
    for (let rank = 0; rank < hits.indices.length; rank += 1) {
      const record = await client.call('image.record', { datasetId: summary.id, index: hits.indices[rank] as number });
      lines.push(`${rank + 1}\t${record.path}\t${(hits.scores[rank] as number).toFixed(4)}`);
    }
    process.stdout.write(lines.join('\n') + (lines.length > 0 ? '\n' : ''));
    return 0;
  } finally {
    client.close();
    await engine.close();
  }
}
