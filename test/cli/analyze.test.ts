/**
 * The `analyze` command end to end on a small dataset full of bad input: the run completes, points.csv has one row
 * per usable image, and summary.json names every problem with its file (and line).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { makeFixtureDataset, type FixtureDataset } from '../fixtures/make-dataset.js';
import { writeTinyClipModel } from '../fixtures/models/tiny-clip.js';

interface Summary {
  images: number;
  skipped: number;
  embedder: { id: string };
  executionProvider: string;
  providerRequested: string;
  providersSkipped: { provider: string; stage: string; reason: string }[];
  labelSource: string;
  problems: { file: string; line?: number; kind: string; message: string }[];
  timingsMs: Record<string, number>;
  predictions: { matched: number } | null;
}

describe('dataset-health analyze', () => {
  let fixture: FixtureDataset;
  let work: string;

  beforeAll(async () => {
    fixture = await makeFixtureDataset({ perClass: 6, withBadFiles: true });
    work = mkdtempSync(path.join(tmpdir(), 'dh-cli-'));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });

  afterAll(() => {
    vi.restoreAllMocks();
    rmSync(fixture.root, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('completes despite bad images, a bad labels CSV and a predictions CSV without its confidence column', async () => {
    const labels = path.join(work, 'labels.csv');
    writeFileSync(
      labels,
      ['path,label', ...fixture.images.map((p) => `${p},${p.split('/')[0]}`), 'cat/does-not-exist.png,cat', `${fixture.images[0]},cat`].join('\n') + '\n',
    );
    const predictions = path.join(work, 'predictions.csv');
    writeFileSync(predictions, 'path,predicted_label\ncat/000.png,cat\n');
    const out = path.join(work, 'out');

    const code = await main(['analyze', fixture.root, '--labels', labels, '--predictions', predictions, '--model', 'pixels', '--out', out, '--data-dir', path.join(work, 'data')]);
    expect(code).toBe(0);

    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as Summary;
    expect(summary.labelSource).toBe('csv');
    expect(summary.embedder.id).toBe('pixels-v1');
    expect(summary.executionProvider).toBe('none');
    expect(summary.skipped).toBe(3);
    expect(summary.images).toBe(fixture.images.length + 1);
    expect(summary.predictions).toBeNull();
    const unknownPathLine = fixture.images.length + 2;
    expect(summary.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: 'cat/zero.png' }),
        expect.objectContaining({ file: 'dog/corrupt.jpg' }),
        expect.objectContaining({ file: 'fish/truncated.png' }),
        expect.objectContaining({ file: 'fish/really-a-png.jpg', kind: 'mislabelled-extension' }),
        expect.objectContaining({ file: labels, line: unknownPathLine, kind: 'unknown-path' }),
        expect.objectContaining({ file: labels, line: unknownPathLine + 1, kind: 'duplicate-row' }),
        expect.objectContaining({ file: expect.stringContaining('predictions.csv'), kind: 'missing-column' }),
      ]),
    );
    for (const stage of ['embed', 'project']) expect(summary.timingsMs[stage]).toBeGreaterThanOrEqual(0);

    const rows = readFileSync(path.join(out, 'points.csv'), 'utf8').trimEnd().split('\n');
    const header = (rows[0] ?? '').split(',');
    expect(header.slice(0, 7)).toEqual(['path', 'label', 'predicted_label', 'confidence', 'correct', 'x', 'y']);
    expect(new Set(header).size).toBe(header.length);
    for (const score of ['mislabel_score', 'suggested_label', 'cluster', 'outlier_score', 'duplicate_of', 'dark', 'blurry']) expect(header).toContain(score);
    const clustersCsv = readFileSync(path.join(out, 'clusters.csv'), 'utf8');
    expect(clustersCsv.startsWith('cluster,name,size,majority_label,purity,error_rate')).toBe(true);
    expect(rows).toHaveLength(1 + summary.images);
    // Every usable image is placed on the map.
    for (const row of rows.slice(1)) {
      const [, , , , , x, y] = row.split(',');
      expect(Number.isFinite(Number(x)) && x !== '').toBe(true);
      expect(Number.isFinite(Number(y)) && y !== '').toBe(true);
    }
  });

  it('embeds with a CLIP-architecture ONNX model, falling back to the CPU provider and saying why', async () => {
    const model = await writeTinyClipModel(path.join(work, 'models/tiny-clip.onnx'));
    const out = path.join(work, 'onnx-out');
    const code = await main(['analyze', fixture.root, '--model', model, '--out', out, '--data-dir', path.join(work, 'data-onnx')]);
    expect(code).toBe(0);
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as Summary;
    expect(summary.embedder.id).toMatch(/^onnx:[0-9a-f]{16}$/);
    expect(summary.executionProvider).toBe('cpu');
    // No GPU here: WebGPU is tried first and its failure is reported, not fatal.
    expect(summary.problems).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'provider-fallback', message: expect.stringContaining('webgpu') })]));
    expect(summary.providerRequested).toBe('auto');
    expect(summary.providersSkipped).toEqual(expect.arrayContaining([{ provider: 'webgpu', stage: 'create', reason: expect.stringMatching(/adapter/i) }]));
    const rows = readFileSync(path.join(out, 'points.csv'), 'utf8').trimEnd().split('\n');
    expect(rows).toHaveLength(1 + summary.images);
  });

  it('runs on the provider named with --provider, skipping none, and records it', async () => {
    const model = await writeTinyClipModel(path.join(work, 'models/tiny-clip.onnx'));
    const out = path.join(work, 'cpu-out');
    const code = await main(['analyze', fixture.root, '--model', model, '--provider', 'CPU', '--out', out, '--data-dir', path.join(work, 'data-cpu')]);
    expect(code).toBe(0);
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as Summary;
    expect([summary.executionProvider, summary.providerRequested, summary.providersSkipped]).toEqual(['cpu', 'cpu', []]);
    expect(summary.problems.filter((p) => p.kind === 'provider-fallback')).toEqual([]);
  });

  it('fails with the reason when a forced provider cannot run, instead of falling back', async () => {
    const model = await writeTinyClipModel(path.join(work, 'models/tiny-clip.onnx'));
    const stderr = vi.mocked(process.stderr.write);
    stderr.mockClear();
    const code = await main(['analyze', fixture.root, '--model', model, '--provider', 'webgpu', '--out', path.join(work, 'webgpu-out'), '--data-dir', path.join(work, 'data-webgpu')]);
    const printed = stderr.mock.calls.map((call) => String(call[0])).join('');
    if (code === 0) return expect(printed).not.toContain('failed at'); // a machine with a GPU adapter runs it
    expect(code).toBe(1);
    expect(printed).toContain(`The webgpu execution provider failed at creating the session for ${model}`);
    expect(printed).toContain("Choose 'auto' or another provider to fall back.");
  });

  it('refuses an unknown provider as a usage error naming the valid ones', async () => {
    const stderr = vi.mocked(process.stderr.write);
    stderr.mockClear();
    expect(await main(['analyze', fixture.root, '--provider', 'tpu', '--out', path.join(work, 'tpu')])).toBe(2);
    expect(stderr.mock.calls.map((call) => String(call[0])).join('')).toContain("--provider: Unknown execution provider 'tpu'. Valid: auto, cpu");
  });

  it('answers usage errors with exit code 2 and the help text', async () => {
    expect(await main(['analyze', fixture.root])).toBe(2);
    expect(await main(['frobnicate'])).toBe(2);
  });

  it('refuses an unknown layout method as a usage error', async () => {
    expect(await main(['analyze', fixture.root, '--method', 'pca', '--out', path.join(work, 'pca')])).toBe(2);
  });
});
