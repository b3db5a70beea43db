/**
 * `search` and `zero-shot` end to end with a tiny random-weight CLIP folder: output shapes and mechanics (ranks,
 * paths, stored columns in points.csv), and the message when the dataset's embedder has no text tower.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { ProjectStore } from '../../src/core/store/project-store.js';
import { makeFixtureDataset, type FixtureDataset } from '../fixtures/make-dataset.js';
import { writeTinyClipFolder } from '../fixtures/models/tiny-clip.js';

describe('dataset-health search and zero-shot', () => {
  let fixture: FixtureDataset;
  let work: string;
  let modelDir: string;
  let dataDir: string;
  let stdout: string[];
  let stderr: string[];

  beforeAll(async () => {
    fixture = await makeFixtureDataset({ perClass: 4 });
    work = mkdtempSync(path.join(tmpdir(), 'dh-cli-text-'));
    modelDir = path.join(work, 'tiny-clip');
    await writeTinyClipFolder(modelDir);
    dataDir = path.join(work, 'data');
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (stdout.push(String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (stderr.push(String(chunk)), true));
    stdout = [];
    stderr = [];
    expect(await main(['analyze', fixture.root, '--model', modelDir, '--out', path.join(work, 'out'), '--data-dir', dataDir])).toBe(0);
    const store = ProjectStore.openForDataset(dataDir, fixture.root);
    expect(store.listEmbedders().map((e) => e.modelDir)).toEqual([modelDir]);
    store.close();
  }, 120_000);

  afterAll(() => {
    vi.restoreAllMocks();
    rmSync(fixture.root, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('search prints rank, path and score of the best matches, best first', async () => {
    stdout = [];
    expect(await main(['search', fixture.root, '--text', 'a photo of a cat', '--top', '5', '--data-dir', dataDir])).toBe(0);
    const lines = stdout.join('').trim().split('\n');
    expect(lines).toHaveLength(5);
    const rows = lines.map((line) => line.split('\t'));
    rows.forEach((row, i) => {
      expect(row[0]).toBe(String(i + 1));
      expect(fixture.images).toContain(row[1]);
      expect(Number(row[2])).toBeGreaterThanOrEqual(-1);
      if (i > 0) expect(Number(row[2])).toBeLessThanOrEqual(Number(rows[i - 1]![2]));
    });
  });

  it('zero-shot writes the columns into points.csv with the given classes and templates', async () => {
    const out = path.join(work, 'zero-shot-out');
    expect(await main(['zero-shot', fixture.root, '--classes', 'red,green', '--templates', 'a {} picture|a photo of {}', '--out', out, '--data-dir', dataDir])).toBe(0);
    const rows: Record<string, string>[] = parse(readFileSync(path.join(out, 'points.csv'), 'utf8'), { columns: true });
    expect(rows).toHaveLength(fixture.images.length);
    for (const row of rows) {
      expect(['red', 'green']).toContain(row.zero_shot_label);
      expect(Number(row.zero_shot_confidence)).toBeGreaterThanOrEqual(0.5 - 1e-6);
      // The images are labelled cat/dog/fish, never red or green.
      expect(row.zero_shot_agrees).toBe('0');
    }
    expect(stderr.join('')).toMatch(/zero-shot labels: red \d+, green \d+/);
  });

  it('runs on the provider named with --provider, and refuses an unknown one before any work', async () => {
    // A fresh data dir makes search analyze first, so the provider the images ran on is recorded in the store.
    const cpuData = path.join(work, 'cpu-data');
    const args = ['search', fixture.root, '--text', 'a cat', '--top', '2', '--model', modelDir, '--provider', 'CPU', '--data-dir', cpuData];
    stdout = [];
    expect(await main(args)).toBe(0);
    expect(stdout.join('').trim().split('\n')).toHaveLength(2);
    const store = ProjectStore.openForDataset(cpuData, fixture.root);
    try {
      const [embedder] = store.listEmbedders();
      expect(embedder?.executionProvider).toBe('cpu');
      expect(store.getProviderSkips(embedder?.id ?? '') ?? []).toEqual([]);
    } finally {
      store.close();
    }
    for (const command of [['search', fixture.root, '--text', 'a cat'], ['zero-shot', fixture.root, '--out', path.join(work, 'never')]]) {
      stderr = [];
      expect(await main([...command, '--provider', 'no-such-provider', '--data-dir', dataDir])).toBe(2);
      expect(stderr.join('')).toMatch(/--provider: .*no-such-provider.*cpu/s);
    }
  });

  it('says why when the embedder has no text tower, and refuses bad usage', async () => {
    const pixelsData = path.join(work, 'pixels-data');
    expect(await main(['analyze', fixture.root, '--model', 'pixels', '--out', path.join(work, 'pixels-out'), '--data-dir', pixelsData])).toBe(0);
    stderr = [];
    expect(await main(['search', fixture.root, '--text', 'a cat', '--data-dir', pixelsData])).toBe(1);
    expect(stderr.join('')).toMatch(/has no text tower/);
    expect(await main(['search', fixture.root, '--data-dir', pixelsData])).toBe(2);
    expect(await main(['zero-shot', fixture.root, '--classes', 'a,b', '--data-dir', pixelsData])).toBe(2);
  });
});
