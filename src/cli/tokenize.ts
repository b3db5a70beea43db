/**
 * `dataset-health tokenize TEXT...`: the CLIP token ids of each text, one JSON array per line, for debugging
 * prompts. The ids are those the text tower receives: start and end tokens included, cut to 77 (a note on
 * stderr says when a text was cut).
 */
import { CLIP_CONTEXT_LENGTH, ClipTokenizer, truncateToContext } from '../core/text/clip-tokenizer.js';
import { CliUsageError, parseCommandArgs, printHelp } from './args.js';

export const TOKENIZE_HELP = `Usage: dataset-health tokenize [--vocab FILE] [--] TEXT...

  --vocab FILE   a tokenizer file: bpe_simple_vocab_16e6.txt.gz, a Hugging Face merges.txt or tokenizer.json
                 (default: the bundled CLIP vocabulary)

Prints one JSON array of token ids per TEXT, one per line. Put -- before texts that start with a dash.`;

export async function tokenizeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { vocab: { type: 'string' } });
  if (values.help) return printHelp(TOKENIZE_HELP);
  if (positionals.length === 0) throw new CliUsageError('tokenize needs at least one TEXT');
  const tokenizer = values.vocab === undefined ? await ClipTokenizer.loadBundled() : await ClipTokenizer.load(values.vocab);
  const lines: string[] = [];
  positionals.forEach((text, index) => {
    const ids = tokenizer.encode(text);
    if (ids.length > CLIP_CONTEXT_LENGTH) {
      process.stderr.write(`dataset-health: text ${index + 1} has ${ids.length} tokens; the model sees the first ${CLIP_CONTEXT_LENGTH}, ending with the end token\n`);
    }
    lines.push(JSON.stringify(truncateToContext(ids, CLIP_CONTEXT_LENGTH, tokenizer.endId)));
  });
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}
