import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createClient } from '../shared/api/client.js';
import { createInProcessTransport } from '../shared/api/in-process-transport.js';
import { createEngine } from '../core/engine.js';
import { openAnalyzed } from './analyzed-dataset.js';
import { CliUsageError, withUsageErrors } from './args.js';

const HELP = `Usage: dataset-health zero-shot DIR --out OUTDIR [--classes a,b,c] [--templates "a photo of a {}."]...
                              [--model ID|PATH] [--data-dir DIR]

  Labels every image by CLIP zero-shot and writes OUTDIR/points.csv (as analyze does) with the columns
  zero_shot_label, zero_shot_confidence and, for labelled images, zero_shot_agrees. The columns are stored with
  the dataset: the app shows them, and later analyses keep your classes.
  --classes a,b,c   class names (default: the dataset's labels)
  --templates T     a prompt template with {} for the class name; repeat it, or separate templates with |
                    (default: an ensemble of 7, "a photo of a {}." and variations)
  --model ID|PATH   analyze with this model first (default: only when DIR has not been analyzed)`;

export async function zeroShotCommand(argv: string[]): Promise<number> {
  const { values, positionals } = withUsageErrors(() =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        classes: { type: 'string' },
        templates: { type: 'string', multiple: true },
        model: { type: 'string' },
        out: { type: 'string' },
        'data-dir': { type: 'string' },
      },
    }),
  );
  if (values.help) {
    process.stdout.write(HELP + '\n');
    return 0;
  }
  const [dir] = positionals;
  if (!dir || positionals.length > 1) throw new CliUsageError('zero-shot takes exactly one dataset folder');
  if (!values.out) throw new CliUsageError('zero-shot needs --out OUTDIR (where points.csv goes)');
  const classes = values.classes?.split(',').map((c) => c.trim()).filter((c) => c !== '');
  if (classes !== undefined && classes.length === 0) throw new CliUsageError('--classes needs at least one class name');
  const templates = values.templates?.flatMap((t) => t.split('|')).map((t) => t.trim()).filter((t) => t !== '');
  const outDir = resolve(values.out);

  const engine = await createEngine({ dataDir: values['data-dir'] ? resolve(values['data-dir']) : undefined, allowFileWrites: true });
  const client = createClient(createInProcessTransport(engine));
  try {
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
  } finally {
    client.close();
    await engine.close();
  }
}
