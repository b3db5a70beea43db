import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ApiClient } from '../shared/api/client.js';
import { clustersCsv } from '../core/export/clusters-csv.js';
import { CliUsageError, exactlyOne, parseCommandArgs, parseIntOption, parseMethodOption, parseProviderOption, printHelp, PROVIDER_OPTION_HELP } from './args.js';
import { engineOptionsFrom, withEngineClient } from './engine-client.js';
import { progressPrinter, waitForJob } from './wait-for-job.js';

/** Image paths by index, from the API's own path list export. */
async function imagePaths(client: ApiClient, datasetId: string, count: number): Promise<(index: number) => string> {
  const all = Uint32Array.from({ length: count }, (_, i) => i);
  const { content } = await client.call('export.selection', { datasetId, indices: all, format: 'paths' });
  const paths = content.split('\n');
  return (index) => paths[index] ?? '';
}

const HELP = `Usage: dataset-health analyze DIR --out OUTDIR [options]

  --labels FILE        labels CSV (path,label); default DIR/labels.csv, else class-per-folder
  --predictions FILE   classification predictions CSV (path,predicted_label,confidence[,prob_<class>...]);
                       for a detection dataset a COCO results .json or a folder of YOLO prediction .txt files
                       (default DIR/predictions.json or DIR/predictions/)
  --annotations PATH   object-detection boxes: COCO instances .json, YOLO data.yaml or VOC Annotations folder
                       (default: DIR/data.yaml, DIR/annotations/instances*.json, DIR/annotations.json or DIR/Annotations/)
  --metrics FILE       per-image metrics CSV (path + numeric columns, each becomes a score); default DIR/metrics.csv
  --embeddings FILE    precomputed embeddings .npy, float32 [N,D], rows in labels-file order
  --model ID|PATH      'clip-vit-b32', 'clip-vit-b16' (add :fp16 or :fp32 to pick a precision), an imported
                       model's id, 'pixels', or an .onnx file / model folder (see \`dataset-health models\`;
                       default: the first installed CLIP model, else the basic pixels embedder)
  ${PROVIDER_OPTION_HELP}
  --method umap|tsne   2-D layout method (default umap)
  --seed N             layout seed (default 42)
  --data-dir DIR       where project stores and models live (default: the user data directory)
  --out OUTDIR         writes OUTDIR/points.csv, OUTDIR/clusters.csv and OUTDIR/summary.json`;

export async function analyzeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    labels: { type: 'string' },
    predictions: { type: 'string' },
    annotations: { type: 'string' },
    metrics: { type: 'string' },
    embeddings: { type: 'string' },
    model: { type: 'string' },
    provider: { type: 'string' },
    method: { type: 'string' },
    seed: { type: 'string' },
    'data-dir': { type: 'string' },
    out: { type: 'string' },
  });
  if (values.help) return printHelp(HELP);
  const dir = exactlyOne(positionals, 'analyze', 'dataset folder');
  if (!values.out) throw new CliUsageError('analyze needs --out OUTDIR');
  const method = parseMethodOption(values.method);
  const seed = parseIntOption('seed', values.seed);
  const provider = parseProviderOption(values.provider);
  const outDir = resolve(values.out);

  const t0 = performance.now();
  // The provider goes with the analysis (job.analyze), as the app sends it, and is also the engine's default, so
  // that the text tower (zero-shot labels and cluster names at the end of the analysis) runs on it too.
  return withEngineClient({ ...engineOptionsFrom(values), allowFileWrites: true }, async (client) => {
    const print = progressPrinter(process.stderr);
    let scanTimings: Record<string, number> = {};
    const offScan = client.on('job.progress', (s) => {
      if (s.kind !== 'scan') return;
      print(s);
      if (s.state === 'done') scanTimings = s.timingsMs ?? {};
    });
    const opened = await client.call('dataset.open', {
      root: resolve(dir),
      ...(values.labels ? { labelsPath: resolve(values.labels) } : {}),
      ...(values.predictions ? { predictionsPath: resolve(values.predictions) } : {}),
      ...(values.metrics ? { metricsPath: resolve(values.metrics) } : {}),
      ...(values.annotations ? { annotationsPath: resolve(values.annotations) } : {}),
    });
    offScan();
    const openMs = performance.now() - t0;

    const started = await client.call('job.analyze', {
      datasetId: opened.id,
      method,
      ...(values.model ? { model: values.model } : {}),
      ...(provider ? { provider } : {}),
      ...(values.embeddings ? { embeddingsPath: resolve(values.embeddings) } : {}),
      ...(seed !== undefined ? { seed } : {}),
    });
    const job = await waitForJob(client, started, print);
    if (job.state !== 'done') {
      throw new Error(`analysis ${job.state}${job.error ? `: ${job.error}` : ''}`);
    }

    const tExport = performance.now();
    await mkdir(outDir, { recursive: true });
    const summary = await client.call('dataset.summary', { datasetId: opened.id });
    // One row per usable image; skipped files are listed with their reasons in summary.json.
    const { usable } = await client.call('dataset.points', { datasetId: opened.id });
    const rows = Uint32Array.from(usable.keys()).filter((i) => usable[i] === 1);
    await client.call('export.selection', {
      datasetId: opened.id,
      indices: rows,
      format: 'csv',
      outPath: join(outDir, 'points.csv'),
    });
    const clusters = await client.call('dataset.clusters', { datasetId: opened.id });
    const pathOf = await imagePaths(client, opened.id, summary.imageCount);
    await writeFile(join(outDir, 'clusters.csv'), clustersCsv(clusters, pathOf));
    const { classification, detection = null } = await client.call('dataset.report', { datasetId: opened.id });
    const exportMs = performance.now() - tExport;

    const report = {
      dataset: summary.root,
      images: summary.imageCount - summary.skippedCount,
      skipped: summary.skippedCount,
      classes: summary.classes,
      labelSource: summary.labelSource,
      task: summary.task ?? 'classification',
      annotations: summary.detection ?? null,
      embedder: summary.embedder,
      executionProvider: summary.embedder?.executionProvider ?? null,
      // What was asked for, and every provider passed over for the one used (not installed, failed to start).
      providerRequested: provider ?? 'auto',
      providersSkipped: summary.embedder?.skippedProviders ?? [],
      embedded: summary.embeddedCount,
      layout: summary.layout,
      predictions: summary.predictions,
      classification: classification && { ...classification, confusion: Array.from(classification.confusion) },
      detection: detection && { ...detection, confusion: Array.from(detection.confusion) },
      clusters: { count: clusters.length, weakest: clusters.slice(0, 5).map(({ id, size, majorityLabel, purity, errorRate }) => ({ id, size, majorityLabel, purity, errorRate })) },
      problemCount: summary.problems.length,
      problems: summary.problems,
      timingsMs: {
        open: Math.round(openMs),
        ...scanTimings,
        ...job.timingsMs,
        export: Math.round(exportMs),
        total: Math.round(performance.now() - t0),
      },
    };
    await writeFile(join(outDir, 'summary.json'), JSON.stringify(report, null, 2) + '\n');
    process.stderr.write(
      `${rows.length} images, ${summary.skippedCount} skipped, ${summary.problems.length} problems -> ${join(outDir, 'points.csv')}, clusters.csv, summary.json\n`,
    );
    return 0;
  });
}
