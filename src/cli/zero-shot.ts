import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { openAnalyzed } from './analyzed-dataset.js';
import { CliUsageError, exactlyOne, parseCommandArgs, printHelp, PROVIDER_OPTION_HELP } from './args.js';
import { engineOptionsFrom, withEngineClient } from './engine-client.js';

const HELP = `Usage: dataset-health zero-shot DIR --out OUTDIR [--classes a,b,c] [--templates "a photo of a {}."]...
                              [--model ID|PATH] [--provider X] [--data-dir DIR]

  Labels every image by CLIP zero-shot and writes OUTDIR/points.csv (as analyze does) with the columns
  zero_shot_label, zero_shot_confidence and, for labelled images, zero_shot_agrees. The columns are stored with
  the dataset: the app shows them, and later analyses keep your classes.
  --classes a,b,c   class names (default: the dataset's labels)
  --templates T     a prompt template with {} for the class name; repeat it, or separate templates with |
                    (default: an ensemble of 7, "a photo of a {}." and variations)
  --model ID|PATH   analyze with this model first (default: only when DIR has not been analyzed)
  ${PROVIDER_OPTION_HELP}
                       (for the text tower, and for the analysis when one runs)`;

export async function zeroShotCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    classes: { type: 'string' },
    templates: { type: 'string', multiple: true },
    model: { type: 'string' },
    provider: { type: 'string' },
    out: { type: 'string' },
    'data-dir': { type: 'string' },
  });
  if (values.help) return printHelp(HELP);
  const dir = exactlyOne(positionals, 'zero-shot', 'dataset folder');
  if (!values.out) throw new CliUsageError('zero-shot needs --out OUTDIR (where points.csv goes)');
  const classes = values.classes?.split(',').map((c) => c.trim()).filter((c) => c !== '');
  if (classes !== undefined && classes.length === 0) throw new CliUsageError('--classes needs at least one class name');
  const templates = values.templates?.flatMap((t) => t.split('|')).map((t) => t.trim()).filter((t) => t !== '');
  const outDir = resolve(values.out);

  return withEngineClient({ ...engineOptionsFrom(values), allowFileWrites: true }, async (client) => {
    const summary = await openAnalyzed(client, dir, values.model);
    const columns = await client.call('labels.zeroShot', {
      datasetId: summary.id,
      ...(classes ? { classes } : {}),
      ...(templates ? { templates } : {}),
    });
    await mkdir(outDir, { recursive: true });
    const { usable } = await client.call('dataset.points', { datasetId: summary.id });
    const rows = Uint32Array.from(usable.keys()).filter((i) => usable[i] === 1);
    const outPath = join(outDir, 'points.csv');
    await client.call('export.selection', { datasetId: summary.id, indices: rows, format: 'csv', outPath });
    const label = columns.find((c) => c.name === 'zero_shot_label');
    if (label?.kind === 'category') {
      const counts = label.categories.map((name, code) => `${name} ${label.codes.filter((c) => c === code).length}`);
      process.stderr.write(`zero-shot labels: ${counts.join(', ')} -> ${outPath}\n`);
    }
    return 0;
  });
}
