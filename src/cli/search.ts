import { openAnalyzed } from './analyzed-dataset.js';
import { CliUsageError, exactlyOne, parseCommandArgs, parseIntOption, printHelp, PROVIDER_OPTION_HELP } from './args.js';
import { engineOptionsFrom, withEngineClient } from './engine-client.js';

const HELP = `Usage: dataset-health search DIR --text "..." [--top K] [--model ID|PATH] [--provider X] [--data-dir DIR]

  Prints the K images (default 20) whose CLIP embedding is nearest the text, one per line: rank, path (relative
  to DIR) and cosine similarity, tab-separated. Needs a CLIP model with a text tower; analyzes DIR first when it
  has not been (with --model, or the analyze default).

  ${PROVIDER_OPTION_HELP}
                       (for the text tower, and for the analysis when one runs)`;

export async function searchCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    text: { type: 'string' },
    top: { type: 'string' },
    model: { type: 'string' },
    provider: { type: 'string' },
    'data-dir': { type: 'string' },
  });
  if (values.help) return printHelp(HELP);
  const dir = exactlyOne(positionals, 'search', 'dataset folder');
  const text = values.text;
  if (text === undefined || text.trim() === '') throw new CliUsageError('search needs --text "what to look for"');
  const topK = parseIntOption('top', values.top) ?? 20;
  if (topK < 1) throw new CliUsageError(`--top must be at least 1, got ${topK}`);

  return withEngineClient(engineOptionsFrom(values), async (client) => {
    const summary = await openAnalyzed(client, dir, values.model);
    const hits = await client.call('search.text', { datasetId: summary.id, text, topK });
    const lines: string[] = [];
    for (let rank = 0; rank < hits.indices.length; rank += 1) {
      const record = await client.call('image.record', { datasetId: summary.id, index: hits.indices[rank] as number });
      lines.push(`${rank + 1}\t${record.path}\t${(hits.scores[rank] as number).toFixed(4)}`);
    }
    process.stdout.write(lines.join('\n') + (lines.length > 0 ? '\n' : ''));
    return 0;
  });
}
