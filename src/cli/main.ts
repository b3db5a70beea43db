/**
 * The `dataset-health` command: headless, scriptable runs of the same engine the app uses,
 * driven through the same typed API (in-process transport).
 */
import { analyzeCommand } from './analyze.js';
import { modelsCommand } from './models.js';
import { projectCommand } from './project.js';
import { searchCommand } from './search.js';
import { serveCommand } from './serve.js';
import { zeroShotCommand } from './zero-shot.js';
import { tokenizeCommand } from './tokenize.js';
import { CliUsageError } from './args.js';

const USAGE = `Usage: dataset-health <command> [options]

Commands:
  analyze DIR --out OUTDIR [--labels FILE] [--predictions FILE] [--embeddings FILE.npy]
              [--model ID|PATH] [--provider auto|NAME|LIST] [--method umap|tsne] [--seed N] [--data-dir DIR]
      Scan, embed, lay out and score DIR; writes OUTDIR/points.csv and OUTDIR/summary.json.
  project IN.npy --out OUT.npy [--method umap|tsne] [--neighbors N] [--perplexity P] [--seed S]
              [--threads T] [--data-dir DIR]
      Lays out a float matrix [N, D] in 2-D; writes float32 [N, 2] (cached under the data dir).
  models list | download ID [--precision fp16|fp32] | import PATH | remove ID [--data-dir DIR]
      Manage embedding models: the catalogue (CLIP ViT-B/32, ViT-B/16), downloads, offline imports.
  search DIR --text "..." [--top K] [--model ID|PATH] [--provider auto|NAME|LIST] [--data-dir DIR]
      Text-to-image search with CLIP: prints rank, path and score of the best matches.
  zero-shot DIR --out OUTDIR [--classes a,b,c] [--templates T]... [--model ID|PATH]
            [--provider auto|NAME|LIST] [--data-dir DIR]
      CLIP zero-shot labels for every image; writes them as columns of OUTDIR/points.csv.
  serve [DIR] [--port N] [--data-dir DIR] [--provider auto|NAME|LIST]
      Browser mode: serves the app on 127.0.0.1 and prints its URL (with a session token).
      Without DIR it opens the bundled sample dataset.
  tokenize [--vocab FILE] TEXT...
      Prints the CLIP token ids of each TEXT as a JSON array, one line per text.

Run 'dataset-health <command> --help' for a command's options.`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'analyze':
        return await analyzeCommand(rest);
      case 'project':
        return await projectCommand(rest);
      case 'models':
        return await modelsCommand(rest);
      case 'serve':
        return await serveCommand(rest);
      case 'search':
        return await searchCommand(rest);
      case 'zero-shot':
        return await zeroShotCommand(rest);
      case 'tokenize':
        return await tokenizeCommand(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE + '\n');
        return command === undefined ? 1 : 0;
      default:
        throw new CliUsageError(`unknown command '${command}'`);
    }
  } catch (err) {
    if (err instanceof CliUsageError) {
      process.stderr.write(`dataset-health: ${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`dataset-health: ${message}\n`);
    return 1;
  }
}
